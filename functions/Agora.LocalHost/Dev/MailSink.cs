using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Agora.LocalHost.Dev;

/// <summary>Development-only stand-in for SendGrid's v3 mail/send endpoint. The app's real SendGrid client posts here
/// (SendGrid__Host), so the whole email path runs locally; <c>GET /dev/mail</c> shows what was sent.</summary>
public sealed class MailSink
{
    public const string Prefix = "/dev/sendgrid";
    private readonly ConcurrentQueue<JsonObject> _mail = new();

    public IReadOnlyList<JsonObject> Mail => _mail.ToArray();

    public static void Map(WebApplication app)
    {
        var sink = new MailSink();
        app.MapPost(Prefix + "/v3/mail/send", async (HttpRequest request) =>
        {
            if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
            {
                return Results.Json(new { errors = new[] { new { message = "The provided authorization grant is invalid, expired, or revoked" } } }, statusCode: 401);
            }

            var body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted).ConfigureAwait(false) as JsonObject;
            if (body?["personalizations"] is not JsonArray { Count: > 0 } || body["from"] is null)
            {
                return Results.Json(new { errors = new[] { new { message = "personalizations and from are required", field = "personalizations" } } }, statusCode: 400);
            }

            // As SendGrid would deliver it: one message per recipient, with the subject and bodies resolved.
            var personalization = body["personalizations"]![0]!;
            var contents = body["content"] as JsonArray ?? [];
            sink._mail.Enqueue(new JsonObject
            {
                ["to"] = personalization["to"]?[0]?["email"]?.GetValue<string>(),
                ["from"] = body["from"]?["email"]?.GetValue<string>(),
                ["subject"] = personalization["subject"]?.GetValue<string>() ?? body["subject"]?.GetValue<string>(),
                ["text"] = contents.FirstOrDefault(c => (string?)c?["type"] == "text/plain")?["value"]?.GetValue<string>(),
                ["html"] = contents.FirstOrDefault(c => (string?)c?["type"] == "text/html")?["value"]?.GetValue<string>(),
                ["receivedAt"] = DateTimeOffset.UtcNow.ToString("O"),
                ["request"] = body,
            });
            return Results.StatusCode(202);
        });
        app.MapGet("/dev/mail", () => Results.Json(sink.Mail));
        app.MapDelete("/dev/mail", () =>
        {
            sink._mail.Clear();
            return Results.NoContent();
        });
    }
}
