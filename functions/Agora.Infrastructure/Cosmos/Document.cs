using System.Text.Json.Serialization;

namespace Agora.Infrastructure.Cosmos;

/// <summary>How every item is stored: its id, partition key and type beside the domain value, so that the domain model
/// stays free of storage fields and every document says what it is.</summary>
public sealed class Document<T>
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("pk")]
    public required string Pk { get; init; }

    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>The key listings are ordered and paged by (keyset paging).</summary>
    [JsonPropertyName("sortKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SortKey { get; init; }

    [JsonPropertyName("data")]
    public required T Data { get; init; }

    /// <summary>Values derived from <see cref="Data"/> that queries filter on (folded text, keys, totals); written with the
    /// document, never read back into the domain.</summary>
    [JsonPropertyName("index")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, object?>? Index { get; init; }

    /// <summary>Seconds until Cosmos deletes the item (container default TTL must be on: -1).</summary>
    [JsonPropertyName("ttl")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Ttl { get; init; }

    [JsonPropertyName("_etag")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ETag { get; init; }
}
