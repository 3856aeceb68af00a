using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agora.Core.Common;

/// <summary>The one JSON shape of Agora: camelCase, enums as names, nulls left out. Used for the HTTP API, queue
/// messages, Cosmos documents and blob reports alike.</summary>
public static class Json
{
    public static readonly JsonSerializerOptions Options = Create(JsonUnmappedMemberHandling.Skip);

    /// <summary>How request bodies are read: as <see cref="Options"/>, but a property the operation does not know is refused,
    /// so that a misspelled field is a 400 naming it rather than a silent reset of what it meant to set. Stored documents and
    /// messages keep <see cref="Options"/>, whose readers must tolerate fields that newer writers add.</summary>
    public static readonly JsonSerializerOptions Requests = Create(JsonUnmappedMemberHandling.Disallow);

    private static JsonSerializerOptions Create(JsonUnmappedMemberHandling unmapped)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.Strict,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            UnmappedMemberHandling = unmapped,

            // Readable accents and quotes ("Açúcar", not "A\u00E7\u00FAcar"): responses are JSON, never inlined in HTML.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
