using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Agora.LocalHost.Dev;

/// <summary>Development-only stand-in for SendGrid: its v3 mail/send endpoint and its Event Webhook. The app's real
/// SendGrid client posts here (SendGrid__Host), so the whole email path runs locally. As SendGrid, it answers a request
/// whole (202, or an error and nothing sent) and delivers one message per personalization, with that personalization's
/// substitutions applied to subject and bodies and <c>&lt;%asm_group_unsubscribe_raw_url%&gt;</c> replaced by a link of
/// its own; following that link (a GET, as a person clicking it) posts a <c>group_unsubscribe</c> event to the app's
/// event webhook, signed with the sink's ECDSA P-256 key, whose public half the local runtime gives the app as
/// SendGrid__WebhookPublicKey (<see cref="LocalBackend"/>). Other events of a recorded message are simulated on demand.
/// <list type="bullet">
/// <item><c>GET /dev/mail</c> (<c>DELETE</c> to forget them, <c>?category=</c> those of one category): the messages delivered (to, subject, text, html, kind, asmGroupId, categories, customArgs,
/// deliveryId, unsubscribeUrl, requestNumber, duplicate: a delivery id seen before).</item>
/// <item><c>GET /dev/mail/requests</c>: every mail-send request, accepted or refused (number, status, personalizations,
/// categories, asmGroupId).</item>
/// <item><c>POST /dev/sendgrid/faults</c> <c>{"failRequest": 5, "status": 503, "retryAfter": 30, "category": "c"}</c>: the
/// 5th mail-send request from now (counting only those with that category, when given) answers 503 once.</item>
/// <item><c>POST /dev/sendgrid/events</c> <c>{"deliveryId": "...", "event": "delivered|open|click|bounce|spamreport|unsubscribe|group_unsubscribe|dropped"}</c>:
/// the event of that message, signed and posted to the webhook; answers the webhook's status and body.</item>
/// </list></summary>
public sealed class MailSink : IDisposable
{
    public const string Prefix = "/dev/sendgrid";

    /// <summary>Where SendGrid would post events: the app's webhook route under host.json's route prefix.</summary>
    public const string WebhookPath = "/api/sendgrid/events";

    public const string UnsubscribeTag = "<%asm_group_unsubscribe_raw_url%>";

    private static readonly HttpClient Webhook = new();

    private readonly List<JsonObject> _mail = [];
    private readonly ConcurrentQueue<JsonObject> _requests = new();
    private readonly ConcurrentDictionary<string, JsonObject> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JsonObject> _byDelivery = new(StringComparer.Ordinal);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly Lock _gate = new();
    private readonly TimeProvider _clock;
    private int _requestCount;
    private Fault? _fault;

    public MailSink(TimeProvider clock)
    {
        _clock = clock;
        PublicKey = Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo());
    }

    /// <summary>The verification key of the events this sink signs, as the SendGrid console shows one (base64 DER).</summary>
    public string PublicKey { get; }

    public IReadOnlyList<JsonObject> Mail
    {
        get
        {
            lock (_gate)
            {
                return _mail.ToArray();
            }
        }
    }

    public IReadOnlyList<JsonObject> Requests => _requests.ToArray();

    /// <summary>SendGrid's signature of <paramref name="timestamp"/> + <paramref name="body"/> (ECDSA P-256, SHA-256, DER,
    /// base64): what tests use to forge nothing but a call SendGrid could have made (an old one, one sent twice).</summary>
    public string Sign(string timestamp, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(body);
        byte[] signed = [.. Encoding.UTF8.GetBytes(timestamp), .. body];
        lock (_gate)
        {
            return Convert.ToBase64String(_key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }
    }

    /// <summary>Posts <paramref name="events"/> to the webhook at <paramref name="baseUri"/>, signed now.</summary>
    public async Task<(int Status, string Body)> PostEventsAsync(Uri baseUri, JsonArray events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var body = Encoding.UTF8.GetBytes(events.ToJsonString());
        var timestamp = _clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUri, WebhookPath)) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Timestamp", timestamp);
        request.Headers.Add("X-Twilio-Email-Event-Webhook-Signature", Sign(timestamp, body));
        using var response = await Webhook.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The event <paramref name="name"/> of a recorded message, as SendGrid posts it: its custom args at the top level.</summary>
    public JsonObject EventOf(JsonObject message, string name, string? reason = null, string? type = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var e = new JsonObject
        {
            ["email"] = (string?)message["to"],
            ["timestamp"] = _clock.GetUtcNow().ToUnixTimeSeconds(),
            ["event"] = name,
            ["sg_event_id"] = Base64UrlToken(16),
            ["sg_message_id"] = (string?)message["messageId"],
            ["category"] = message["categories"]?.DeepClone(),
        };
        if (message["asmGroupId"] is { } group)
        {
            e["asm_group_id"] = group.DeepClone();
        }

        if (reason is not null)
        {
            e["reason"] = reason;
        }

        if (type is not null)
        {
            e["type"] = type;
        }

        if (name == "click")
        {
            e["url"] = "https://portal.example/offer";
        }

        foreach (var (key, value) in message["customArgs"] as JsonObject ?? [])
        {
            e[key] = value?.DeepClone();
        }

        return e;
    }

    public void Dispose()
    {
        _key.Dispose();
    }

    public void Map(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost(Prefix + "/v3/mail/send", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false) as JsonObject;
            var number = Interlocked.Increment(ref _requestCount);
            var personalizations = body?["personalizations"] as JsonArray;
            var categories = body?["categories"] as JsonArray;
            var record = new JsonObject
            {
                ["number"] = number,
                ["personalizations"] = personalizations?.Count ?? 0,
                ["categories"] = categories?.DeepClone(),
                ["asmGroupId"] = body?["asm"]?["group_id"]?.DeepClone(),
                ["receivedAt"] = _clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            };
            var refusal = RefusalOf(request, body, personalizations, categories);
            record["status"] = refusal?.Status ?? StatusCodes.Status202Accepted;
            _requests.Enqueue(record);
            if (refusal is { } refused)
            {
                if (refused.RetryAfter is { } seconds)
                {
                    request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }

                return Results.Json(new { errors = new[] { new { message = refused.Message, field = refused.Field } } }, statusCode: refused.Status);
            }

            Deliver(request, body!, personalizations!, number);
            return Results.StatusCode(StatusCodes.Status202Accepted);
        });
        app.MapGet("/dev/mail", () => Results.Json(Mail));
        app.MapGet("/dev/mail/requests", () =>
        {
            var requests = Requests;
            return Results.Json(new
            {
                count = requests.Count,
                accepted = requests.Count(r => (int?)r["status"] == StatusCodes.Status202Accepted),
                refused = requests.Count(r => (int?)r["status"] != StatusCodes.Status202Accepted),
                requests,
            });
        });
        app.MapDelete("/dev/mail", (HttpRequest request) =>
        {
            // ?category=c forgets only the messages of that category (a test's thousands, once it has read them).
            var category = request.Query["category"].ToString();
            lock (_gate)
            {
                if (category.Length > 0)
                {
                    _mail.RemoveAll(m => m["categories"] is JsonArray categories && categories.Any(c => (string?)c == category));
                    return Results.NoContent();
                }

                _mail.Clear();
            }

            _requests.Clear();
            _byToken.Clear();
            _byDelivery.Clear();
            return Results.NoContent();
        });
        app.MapPost(Prefix + "/faults", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false);
            if (body?["failRequest"] is not JsonValue failRequest || !failRequest.TryGetValue(out int nth) || nth < 1)
            {
                return Results.Json(new { error = "failRequest (the n-th mail-send request from now, 1 or more) is required." }, statusCode: 400);
            }

            var status = body["status"] is JsonValue s && s.TryGetValue(out int code) ? code : StatusCodes.Status503ServiceUnavailable;
            var retryAfter = body["retryAfter"] is JsonValue r && r.TryGetValue(out int wait) ? wait : (int?)null;
            lock (_gate)
            {
                _fault = new Fault(nth, status, retryAfter, (string?)body["category"]);
            }

            return Results.NoContent();
        });
        app.MapGet(Prefix + "/unsubscribe", async (HttpRequest request) =>
        {
            if (request.Query["token"].ToString() is not { Length: > 0 } token || !_byToken.TryGetValue(token, out var message))
            {
                return Results.Content("<p>This unsubscribe link is not valid.</p>", "text/html", statusCode: 404);
            }

            var (status, answer) = await PostEventsAsync(BaseOf(request), [EventOf(message, "group_unsubscribe")], request.HttpContext.RequestAborted).ConfigureAwait(false);
            return status is >= 200 and < 300
                ? Results.Content($"<p>{System.Net.WebUtility.HtmlEncode((string?)message["to"])} will receive no more email of this kind.</p>", "text/html")
                : Results.Content($"<p>The app's event webhook answered {status}: {System.Net.WebUtility.HtmlEncode(answer)}</p>", "text/html", statusCode: StatusCodes.Status502BadGateway);
        });
        app.MapPost(Prefix + "/events", async (HttpRequest request) =>
        {
            JsonObject? body;
            try
            {
                body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false) as JsonObject;
            }
            catch (System.Text.Json.JsonException)
            {
                body = null;
            }

            if (body is null)
            {
                return Results.Json(new { error = "The body must be one JSON object: {deliveryId (or deliveryIds), event}." }, statusCode: 400);
            }

            var ids = body["deliveryIds"] is JsonArray many ? many.Select(i => (string?)i).ToArray() : [(string?)body?["deliveryId"]];
            var name = (string?)body?["event"];
            if (name is null || ids.Length == 0 || ids.Any(i => i is null))
            {
                return Results.Json(new { error = "deliveryId (or deliveryIds) and event are required." }, statusCode: 400);
            }

            var events = new JsonArray();
            foreach (var id in ids)
            {
                if (!_byDelivery.TryGetValue(id!, out var message))
                {
                    return Results.Json(new { error = $"No message with delivery id '{id}' was sent." }, statusCode: 404);
                }

                events.Add(EventOf(message, name, (string?)body!["reason"], (string?)body["type"]));
            }

            var (status, answer) = await PostEventsAsync(BaseOf(request), events, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return Results.Json(new { webhookStatus = status, webhookBody = JsonNode.Parse(answer.Length > 0 ? answer : "null"), events });
        });
    }

    /// <summary>Why SendGrid would refuse the request, as it answers: bad key 401, a fault injected 503 (or as told), a
    /// malformed request 400. Null: accepted.</summary>
    private Refusal? RefusalOf(HttpRequest request, JsonObject? body, JsonArray? personalizations, JsonArray? categories)
    {
        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return new Refusal(401, "The provided authorization grant is invalid, expired, or revoked", null, null);
        }

        lock (_gate)
        {
            if (_fault is { } fault && (fault.Category is null || categories?.Any(c => (string?)c == fault.Category) == true))
            {
                _fault = fault.Remaining == 1 ? null : fault with { Remaining = fault.Remaining - 1 };
                if (fault.Remaining == 1)
                {
                    return new Refusal(fault.Status, "Injected fault: the service is unavailable.", null, fault.RetryAfter);
                }
            }
        }

        if (personalizations is not { Count: > 0 } || body?["from"] is null)
        {
            return new Refusal(400, "personalizations and from are required", "personalizations", null);
        }

        static int Count(JsonNode? personalization, string field) => (personalization?[field] as JsonArray)?.Count ?? 0;
        var recipients = personalizations.Sum(p => Count(p, "to") + Count(p, "cc") + Count(p, "bcc"));
        if (personalizations.Count > 1000 || recipients > 1000)
        {
            return new Refusal(400, "The personalizations field must have at most 1000 items, and at most 1000 recipients in all.", "personalizations", null);
        }

        return categories is { Count: > 10 } ? new Refusal(400, "Too many categories: at most 10 per message.", "categories", null) : null;
    }

    private void Deliver(HttpRequest request, JsonObject body, JsonArray personalizations, int number)
    {
        var contents = body["content"] as JsonArray ?? [];
        var text = contents.FirstOrDefault(c => (string?)c?["type"] == "text/plain")?["value"]?.GetValue<string>();
        var html = contents.FirstOrDefault(c => (string?)c?["type"] == "text/html")?["value"]?.GetValue<string>();
        var baseUri = BaseOf(request);
        var messageId = Base64UrlToken(16);
        var index = 0;
        foreach (var personalization in personalizations)
        {
            var substitutions = (personalization?["substitutions"] as JsonObject ?? [])
                .Select(s => (Key: s.Key, Value: (string?)s.Value ?? string.Empty))
                .OrderByDescending(s => s.Key.Length)
                .ToArray();
            var token = Base64UrlToken(24);
            var unsubscribe = $"{baseUri.ToString().TrimEnd('/')}{Prefix}/unsubscribe?token={token}";
            string? Resolve(string? value)
            {
                if (value is null)
                {
                    return null;
                }

                foreach (var (key, replacement) in substitutions)
                {
                    value = value.Replace(key, replacement, StringComparison.Ordinal);
                }

                return body["asm"] is null ? value : value.Replace(UnsubscribeTag, unsubscribe, StringComparison.Ordinal);
            }

            var customArgs = personalization?["custom_args"]?.DeepClone() as JsonObject ?? [];
            var deliveryId = (string?)customArgs["deliveryId"];
            var message = new JsonObject
            {
                ["to"] = personalization?["to"]?[0]?["email"]?.GetValue<string>(),
                ["toName"] = personalization?["to"]?[0]?["name"]?.GetValue<string>(),
                ["from"] = body["from"]?["email"]?.GetValue<string>(),
                ["subject"] = Resolve(personalization?["subject"]?.GetValue<string>() ?? body["subject"]?.GetValue<string>()),
                ["text"] = Resolve(text),
                ["html"] = Resolve(html),
                ["kind"] = (string?)customArgs["kind"],
                ["asmGroupId"] = body["asm"]?["group_id"]?.DeepClone(),
                ["categories"] = body["categories"]?.DeepClone(),
                ["customArgs"] = customArgs,
                ["deliveryId"] = deliveryId,
                ["messageId"] = $"{messageId}.{index++}",
                ["unsubscribeUrl"] = body["asm"] is null ? null : unsubscribe,
                ["requestNumber"] = number,
                ["duplicate"] = deliveryId is not null && _byDelivery.ContainsKey(deliveryId),
                ["receivedAt"] = _clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
            };
            lock (_gate)
            {
                _mail.Add(message);
            }

            if (body["asm"] is not null)
            {
                _byToken[token] = message;
            }

            if (deliveryId is not null)
            {
                _byDelivery[deliveryId] = message;
            }
        }
    }

    private static Uri BaseOf(HttpRequest request) => new($"{request.Scheme}://{request.Host}/");

    private static string Base64UrlToken(int bytes) => System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(bytes));

    private sealed record Fault(int Remaining, int Status, int? RetryAfter, string? Category);

    private sealed record Refusal(int Status, string Message, string? Field, int? RetryAfter);
}
