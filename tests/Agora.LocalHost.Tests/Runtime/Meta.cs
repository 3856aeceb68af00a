using System.Text.Json.Nodes;

namespace Agora.LocalHost.Tests.Runtime;

/// <summary>functions.metadata entries as the Worker SDK writes them, for test functions in this assembly.</summary>
internal static class Meta
{
    private static readonly string ScriptFile = Path.GetFileName(typeof(Meta).Assembly.Location);

    public static string EntryPoint<T>(string method) => $"{typeof(T).FullName}.{method}";

    public static JsonObject Function(string name, string entryPoint, params JsonObject[] bindings) => new()
    {
        ["name"] = name,
        ["scriptFile"] = ScriptFile,
        ["entryPoint"] = entryPoint,
        ["language"] = "dotnet-isolated",
        ["properties"] = new JsonObject { ["IsCodeless"] = false },
        ["bindings"] = new JsonArray(bindings),
    };

    public static JsonObject Http<T>(string name, string method, string? route = null, string[]? methods = null, string authLevel = "Anonymous", string parameter = "req")
    {
        var trigger = new JsonObject
        {
            ["name"] = parameter,
            ["direction"] = "In",
            ["type"] = "httpTrigger",
            ["authLevel"] = authLevel,
            ["methods"] = methods is null ? null : new JsonArray([.. methods.Select(m => JsonValue.Create(m))]),
            ["properties"] = new JsonObject(),
        };
        if (route is not null)
        {
            trigger["route"] = route;
        }

        return Function(name, EntryPoint<T>(method), trigger, new JsonObject { ["name"] = "$return", ["type"] = "http", ["direction"] = "Out" });
    }

    public static JsonObject Queue<T>(string name, string method, string queueName, string parameter = "message") =>
        Function(name, EntryPoint<T>(method), new JsonObject
        {
            ["name"] = parameter,
            ["direction"] = "In",
            ["type"] = "queueTrigger",
            ["dataType"] = "String",
            ["queueName"] = queueName,
            ["connection"] = "AzureWebJobsStorage",
            ["properties"] = new JsonObject(),
        });

    public static JsonObject Timer<T>(string name, string method, string schedule, bool runOnStartup = false, string parameter = "timer") =>
        Function(name, EntryPoint<T>(method), new JsonObject
        {
            ["name"] = parameter,
            ["direction"] = "In",
            ["type"] = "timerTrigger",
            ["schedule"] = schedule,
            ["runOnStartup"] = runOnStartup,
            ["properties"] = new JsonObject(),
        });

    public static JsonObject Blob<T>(string name, string method, string path, string parameter = "blob") =>
        Function(name, EntryPoint<T>(method), new JsonObject
        {
            ["name"] = parameter,
            ["direction"] = "In",
            ["type"] = "blobTrigger",
            ["path"] = path,
            ["source"] = "EventGrid",
            ["connection"] = "AzureWebJobsStorage",
            ["properties"] = new JsonObject { ["supportsDeferredBinding"] = "True" },
        });

    public static JsonObject HostJson(JsonObject? http = null, JsonObject? queues = null)
    {
        var extensions = new JsonObject();
        if (http is not null)
        {
            extensions["http"] = http;
        }

        if (queues is not null)
        {
            extensions["queues"] = queues;
        }

        return new JsonObject { ["version"] = "2.0", ["extensions"] = extensions };
    }

    /// <summary>Fast queues for tests: poll at most every 200 ms, retry failures at once.</summary>
    public static JsonObject FastQueues(string visibilityTimeout = "00:00:00", int? batchSize = null, string? messageEncoding = null)
    {
        var queues = new JsonObject { ["maxPollingInterval"] = "00:00:00.200", ["visibilityTimeout"] = visibilityTimeout };
        if (batchSize is { } size)
        {
            queues["batchSize"] = size;
        }

        if (messageEncoding is not null)
        {
            queues["messageEncoding"] = messageEncoding;
        }

        return HostJson(queues: queues);
    }
}
