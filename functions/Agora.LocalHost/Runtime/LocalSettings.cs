using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agora.LocalHost.Runtime;

/// <summary>local.settings.json as func reads it: "Values" become the worker's environment, "Host" configures the host.</summary>
internal sealed class LocalSettings
{
    public IReadOnlyDictionary<string, string?> Values { get; private init; } = new Dictionary<string, string?>();

    public int? LocalHttpPort { get; private init; }

    public IReadOnlyList<string> CorsOrigins { get; private init; } = [];

    public bool CorsCredentials { get; private init; }

    public static LocalSettings Read(string? path)
    {
        if (path is null)
        {
            return new LocalSettings();
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"local.settings.json was not found at {path}.", path);
        }

        var root = JsonNode.Parse(File.ReadAllText(path), documentOptions: new JsonDocumentOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        }) as JsonObject ?? throw new InvalidDataException($"{path} must hold a JSON object.");

        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (root[nameof(Values)] is JsonObject valueObject)
        {
            foreach (var (key, value) in valueObject)
            {
                // Environment variables reach .NET configuration with "__" read as the section separator.
                values[key.Replace("__", ":", StringComparison.Ordinal)] = value is JsonValue v && v.TryGetValue(out string? s) ? s : value?.ToJsonString();
            }
        }

        var host = root["Host"] as JsonObject;
        return new LocalSettings
        {
            Values = values,
            LocalHttpPort = host?[nameof(LocalHttpPort)] is JsonValue port
                ? port.TryGetValue(out int p) ? p : int.Parse(port.GetValue<string>(), CultureInfo.InvariantCulture)
                : null,
            CorsOrigins = (host?["CORS"]?.GetValue<string>() ?? string.Empty)
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            CorsCredentials = host?["CORSCredentials"] is JsonValue credentials && credentials.TryGetValue(out bool c) && c,
        };
    }
}
