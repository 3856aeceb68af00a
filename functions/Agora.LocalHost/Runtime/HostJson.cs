using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agora.LocalHost.Runtime;

/// <summary>The parts of host.json this runtime honours, with the host's defaults.</summary>
internal sealed class HostJson
{
    public string RoutePrefix { get; private init; } = "api";

    public QueueOptions Queues { get; private init; } = new();

    /// <summary>logging.logLevel, as configuration keys (Logging:LogLevel:Category) so ASP.NET logging applies them.</summary>
    public IReadOnlyDictionary<string, string?> LoggingSettings { get; private init; } = new Dictionary<string, string?>();

    public static HostJson Read(string appDirectory)
    {
        var path = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(path))
        {
            return new HostJson();
        }

        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path), new JsonNodeOptions { PropertyNameCaseInsensitive = true },
                new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }) as JsonObject
                ?? throw new InvalidDataException("host.json must hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"host.json in {appDirectory} is not valid JSON: {e.Message}", e);
        }

        var extensions = root["extensions"] as JsonObject;
        var http = extensions?["http"] as JsonObject;
        var queues = extensions?["queues"] as JsonObject;

        var logging = new Dictionary<string, string?>();
        if (root["logging"]?["logLevel"] is JsonObject levels)
        {
            foreach (var (category, level) in levels)
            {
                var key = string.Equals(category, "default", StringComparison.OrdinalIgnoreCase) ? "Default" : category;
                logging[$"Logging:LogLevel:{key}"] = level?.GetValue<string>();
            }
        }

        var batchSize = Int(queues, "batchSize") ?? 16;
        return new HostJson
        {
            // An empty prefix is allowed (routes at the root); only a missing one means "api".
            RoutePrefix = http?["routePrefix"] is JsonValue prefix ? prefix.GetValue<string>().Trim('/') : "api",
            Queues = new QueueOptions
            {
                BatchSize = batchSize,
                NewBatchThreshold = Int(queues, "newBatchThreshold") ?? (batchSize / 2),
                MaxPollingInterval = Time(queues, "maxPollingInterval") ?? TimeSpan.FromMinutes(1),
                VisibilityTimeout = Time(queues, "visibilityTimeout") ?? TimeSpan.Zero,
                MaxDequeueCount = Int(queues, "maxDequeueCount") ?? 5,
                Base64Encoding = !string.Equals(queues?["messageEncoding"]?.GetValue<string>(), "none", StringComparison.OrdinalIgnoreCase),
            },
            LoggingSettings = logging,
        };
    }

    /// <summary>host.json values overridden by app settings, as the Functions host allows
    /// (<c>AzureFunctionsJobHost__extensions__queues__visibilityTimeout</c>): for the queue options.</summary>
    public HostJson WithOverrides(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        var section = configuration.GetSection("AzureFunctionsJobHost:extensions:queues");
        string? S(string name) => section.GetChildren().FirstOrDefault(c => string.Equals(c.Key, name, StringComparison.OrdinalIgnoreCase))?.Value;
        int? I(string name) => S(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
        TimeSpan? T(string name) => S(name) is { } text ? TimeSpan.Parse(text, CultureInfo.InvariantCulture) : null;
        var q = Queues;
        return new HostJson
        {
            RoutePrefix = RoutePrefix,
            LoggingSettings = LoggingSettings,
            Queues = new QueueOptions
            {
                BatchSize = I("batchSize") ?? q.BatchSize,
                NewBatchThreshold = I("newBatchThreshold") ?? q.NewBatchThreshold,
                MaxPollingInterval = T("maxPollingInterval") ?? q.MaxPollingInterval,
                VisibilityTimeout = T("visibilityTimeout") ?? q.VisibilityTimeout,
                MaxDequeueCount = I("maxDequeueCount") ?? q.MaxDequeueCount,
                Base64Encoding = q.Base64Encoding,
            },
        };
    }

    private static int? Int(JsonObject? section, string name) => section?[name] switch
    {
        JsonValue v when v.TryGetValue(out int i) => i,
        JsonValue v when v.TryGetValue(out string? s) => int.Parse(s, CultureInfo.InvariantCulture),
        null => null,
        var other => throw new InvalidDataException($"host.json extensions.queues.{name} must be a number, not {other.ToJsonString()}."),
    };

    // The host reads TimeSpans as "hh:mm:ss" strings; a bare number is taken as milliseconds, as host.json docs allow for polling.
    private static TimeSpan? Time(JsonObject? section, string name) => section?[name] switch
    {
        JsonValue v when v.TryGetValue(out string? s) => TimeSpan.Parse(s, CultureInfo.InvariantCulture),
        JsonValue v when v.TryGetValue(out double ms) => TimeSpan.FromMilliseconds(ms),
        null => null,
        var other => throw new InvalidDataException($"host.json extensions.queues.{name} must be a TimeSpan, not {other.ToJsonString()}."),
    };
}

/// <summary>host.json extensions.queues (also used for blob trigger retries, as the host's blob trigger queue is a queue).</summary>
internal sealed class QueueOptions
{
    public int BatchSize { get; init; } = 16;

    public int NewBatchThreshold { get; init; } = 8;

    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The wait before the first retry of a failed message; see <see cref="RetryDelay"/>.</summary>
    public TimeSpan VisibilityTimeout { get; init; }

    /// <summary>The longest wait between two attempts.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    public int MaxDequeueCount { get; init; } = 5;

    public bool Base64Encoding { get; init; } = true;

    /// <summary>How long a message that failed its <paramref name="dequeueCount"/>th attempt stays invisible: the
    /// visibilityTimeout, doubled at each failure (1, 2, 4, 8 minutes for "00:01:00"), at most <see cref="MaxRetryDelay"/>.
    /// The Functions host waits visibilityTimeout every time (its queue extension has no back-off, and function-level
    /// retry policies do not apply to queue triggers): this runtime grows it, so that a dependency that is down for
    /// minutes does not use up a message's attempts; see docs/decisions/0013-failures-are-kept.md.</summary>
    public TimeSpan RetryDelay(long dequeueCount)
    {
        var doublings = (int)Math.Clamp(dequeueCount - 1, 0, 30);
        var delay = VisibilityTimeout.Ticks * Math.Pow(2, doublings);
        return delay >= MaxRetryDelay.Ticks ? MaxRetryDelay : TimeSpan.FromTicks((long)delay);
    }
}
