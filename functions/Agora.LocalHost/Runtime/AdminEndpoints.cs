using System.Text.Json;
using System.Text.Json.Nodes;

using Azure.Storage.Blobs;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Agora.LocalHost.Runtime;

/// <summary>The host's own endpoints: POST /admin/functions/{name} (invoke a non-HTTP function) and the blob extension's
/// Event Grid webhook, POST /runtime/webhooks/blobs?functionName=Host.Functions.{name}. Both need the master key.</summary>
internal static class AdminEndpoints
{
    private const string BlobCreated = "Microsoft.Storage.BlobCreated";

    public static void Map(WebApplication app, IReadOnlyList<ITriggerListener> listeners, IReadOnlyList<FunctionDescriptor> functions,
        KeyAuthorizer keys, InvocationTracker tracker, ILogger logger)
    {
        app.MapPost("/admin/functions/{name}", (HttpContext http, string name) => InvokeAsync(http, name, listeners, functions, keys, tracker, logger));
        app.MapPost("/runtime/webhooks/blobs", (HttpContext http, string? functionName) =>
            BlobWebhookAsync(http, functionName, listeners.OfType<BlobTriggerHost>(), keys, tracker, logger));
    }

    private static async Task<IResult> InvokeAsync(HttpContext http, string name, IReadOnlyList<ITriggerListener> listeners,
        IReadOnlyList<FunctionDescriptor> functions, KeyAuthorizer keys, InvocationTracker tracker, ILogger logger)
    {
        if (!keys.IsAuthorized(http.Request, AuthLevel.Admin))
        {
            return Results.Unauthorized();
        }

        var listener = listeners.FirstOrDefault(l => string.Equals(l.Function.Name, name, StringComparison.OrdinalIgnoreCase));
        if (listener is null)
        {
            return functions.Any(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
                ? Results.BadRequest($"'{name}' is an HTTP function: call its route instead.")
                : Results.NotFound();
        }

        string? input;
        try
        {
            var body = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false) as JsonObject;
            if (body is null)
            {
                return Results.BadRequest();
            }

            var inputNode = body.FirstOrDefault(p => string.Equals(p.Key, "input", StringComparison.OrdinalIgnoreCase)).Value;
            input = inputNode is JsonValue value && value.TryGetValue(out string? text) ? text : inputNode?.ToJsonString();
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        // Accepted at once and run in the background, as the host does.
        // Counted as asked for before the answer, so a caller that awaits it (a test) never misses it.
        var pending = tracker.Pend(listener.Function.Name);
        tracker.Run(async () =>
        {
            using (pending)
            {
                await listener.InvokeFromAdminAsync(input, CancellationToken.None).ConfigureAwait(false);
            }
        }, logger);
        return Results.Accepted();
    }

    private static async Task<IResult> BlobWebhookAsync(HttpContext http, string? functionName, IEnumerable<BlobTriggerHost> blobListeners,
        KeyAuthorizer keys, InvocationTracker tracker, ILogger logger)
    {
        if (!keys.IsAuthorized(http.Request, AuthLevel.Admin))
        {
            return Results.Unauthorized();
        }

        var listener = blobListeners.FirstOrDefault(l =>
            string.Equals(l.Function.FullName, functionName, StringComparison.OrdinalIgnoreCase) ||
            string.Equals(l.Function.Name, functionName, StringComparison.OrdinalIgnoreCase));
        if (listener is null)
        {
            return Results.NotFound();
        }

        JsonNode? payload;
        try
        {
            payload = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }

        var eventType = http.Request.Headers["aeg-event-type"].FirstOrDefault();
        if (string.Equals(eventType, "SubscriptionValidation", StringComparison.OrdinalIgnoreCase))
        {
            return ValidationCode(payload) is { } code
                ? Results.Json(new Dictionary<string, string> { ["validationResponse"] = code })
                : Results.BadRequest();
        }

        if (string.Equals(eventType, "Unsubscribe", StringComparison.OrdinalIgnoreCase))
        {
            return Results.Accepted();
        }

        if (!string.Equals(eventType, "Notification", StringComparison.OrdinalIgnoreCase))
        {
            return Results.BadRequest();
        }

        // Event Grid schema sends an array; CloudEvents may send a single object. Both carry data.url.
        var events = payload switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject single => [single],
            _ => [],
        };
        foreach (var e in events)
        {
            var type = (e["eventType"] ?? e["type"])?.GetValue<string>();
            if (!string.Equals(type, BlobCreated, StringComparison.OrdinalIgnoreCase) || e["data"]?["url"]?.GetValue<string>() is not { } url)
            {
                continue;
            }

            var blob = new BlobUriBuilder(new Uri(url));
            tracker.Run(() => listener.NotifyAsync(blob.BlobContainerName, blob.BlobName), logger);
        }

        return Results.Accepted();
    }

    private static string? ValidationCode(JsonNode? payload) => payload switch
    {
        JsonArray array => array.FirstOrDefault()?["data"]?["validationCode"]?.GetValue<string>(),
        // CloudEvents schema: data may itself be a JSON string.
        JsonObject single => single["data"] switch
        {
            JsonValue text when text.TryGetValue(out string? json) => JsonNode.Parse(json)?["validationCode"]?.GetValue<string>(),
            var data => data?["validationCode"]?.GetValue<string>(),
        },
        _ => null,
    };
}
