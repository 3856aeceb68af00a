using System.Security.Cryptography;
using System.Text;

namespace Agora.Infrastructure.Cosmos;

/// <summary>A response kept for a request sent with an Idempotency-Key, replayed when the client retries it.</summary>
public sealed record StoredResponse(string RequestHash, bool Completed, int Status, string? ContentType, string? Body, IReadOnlyDictionary<string, string>? Headers, DateTimeOffset StartedAt);

/// <summary>Keys are scoped to the caller and the route, and kept 24 hours (the retry window clients are told).</summary>
public sealed class CosmosIdempotencyStore(CosmosContainers cosmos)
{
    private const string Type = "idempotentRequest";
    private const int KeepSeconds = 24 * 3600;

    public static string IdOf(string userId, string method, string path, string key) =>
        "idem:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{method}\n{path}\n{key}")));

    /// <summary>Claims <paramref name="id"/> for this request; returns the earlier request's record when it was claimed before.</summary>
    public async Task<StoredResponse?> TryBeginAsync(string id, string requestHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Requests);
        try
        {
            await CosmosContainers.CreateAsync(container, Document(id, new StoredResponse(requestHash, false, 0, null, null, null, now)), "taken", cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Core.Common.DomainException e) when (e.Kind == Core.Common.FailureKind.Conflict)
        {
            var existing = await CosmosContainers.ReadAsync<StoredResponse>(container, id, id, cancellationToken).ConfigureAwait(false);
            return existing?.Data ?? await TryBeginAsync(id, requestHash, now, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task CompleteAsync(string id, StoredResponse response, CancellationToken cancellationToken) =>
        await CosmosContainers.UpsertAsync(cosmos.Get(Containers.Requests), Document(id, response), cancellationToken).ConfigureAwait(false);

    /// <summary>Forgets a request that failed, so the client's retry runs it again.</summary>
    public Task AbandonAsync(string id, CancellationToken cancellationToken) => CosmosContainers.DeleteAsync(cosmos.Get(Containers.Requests), id, id, cancellationToken);

    private static Document<StoredResponse> Document(string id, StoredResponse response) => new() { Id = id, Pk = id, Type = Type, Data = response, Ttl = KeepSeconds };
}
