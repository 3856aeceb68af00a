using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agora.Core.Common;

/// <summary>The one JSON shape of Agora: camelCase, enums as names, nulls left out. Used for the HTTP API, queue
/// messages, Cosmos documents and blob reports alike.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = Create(strict: false);

    /// <summary>How request bodies are read: as <see cref="Options"/>, but strict. A property the operation does not know,
    /// one spelled in another case (<c>Price</c>), one given twice and a time without its offset are refused, so that a
    /// misspelled or ambiguous field is a 400 naming it rather than a silent reset of what it meant to set. Stored documents
    /// and messages keep <see cref="Options"/>, whose readers must tolerate fields that newer writers add.</summary>
    public static readonly JsonSerializerOptions Requests = Create(strict: true);

    private static JsonSerializerOptions Create(bool strict)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            UnmappedMemberHandling = strict ? JsonUnmappedMemberHandling.Disallow : JsonUnmappedMemberHandling.Skip,
            PropertyNameCaseInsensitive = !strict,
            AllowDuplicateProperties = !strict,

            // Readable accents and quotes ("Açúcar", not "A\u00E7\u00FAcar"): responses are JSON, never inlined in HTML.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        if (strict)
        {
            options.Converters.Add(new OffsetTimeConverter());
        }

        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}

/// <summary>A time in a request must say its offset (<c>2026-11-30T22:00:00Z</c>, <c>…-03:00</c>): System.Text.Json would
/// take <c>2026-11-30</c> or a time without an offset as the server's local time, which is no time a client meant.</summary>
internal sealed partial class OffsetTimeConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && reader.GetString() is { } text && WithOffset().IsMatch(text)
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value)
            ? value
            : throw new JsonException(); // System.Text.Json adds the path; the reader says what the field must be

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex WithOffset();
}
