using Agora.Core.Marketing;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>SendGrid's Event Webhook. Anonymous to the bearer pipeline: SendGrid sends no token, and the signature over
/// the raw body is the authentication, which <see cref="MailEvents"/> checks before it reads anything.</summary>
public sealed class SendGridWebhookFunctions(MailEvents events)
{
    [Function(nameof(ReceiveSendGridEvents))]
    [AllowAnonymous]
    [ApiOperation("Marketing", "SendGrid Event Webhook", Description = "Called by SendGrid, signed with the account's ECDSA key (X-Twilio-Email-Event-Webhook-Signature over " +
        "X-Twilio-Email-Event-Webhook-Timestamp + body): a forged, unsigned or stale call (timestamp more than 5 minutes off) answers 403 and records nothing. " +
        "The body is SendGrid's array of events, in SendGrid's schema: properties Agora does not read are accepted. Bounces, spam reports and unsubscribes " +
        "become opt-outs; delivered, opened, clicked, bounced, spam reports and unsubscribes count in the campaign's results once per email and kind of event.",
        Request = typeof(IReadOnlyList<SendGridEvent>), Response = typeof(MailEventReport), SignedBy = "sendGridSignature", RoleRestricted = false)]
    public async Task<IActionResult> ReceiveSendGridEvents(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "sendgrid/events")] HttpRequest req, CancellationToken cancellationToken)
    {
        var tooLarge = $"The body is larger than {MailEvents.MaxBodyBytes} bytes: SendGrid posts its events in batches of at most 768 KB.";
        using var buffer = new MemoryStream();
        await using (var body = req.BodyUpTo(MailEvents.MaxBodyBytes, tooLarge))
        {
            await body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var report = await events.ReceiveAsync(
            req.Headers[MailEvents.TimestampHeader].ToString(),
            req.Headers[MailEvents.SignatureHeader].ToString(),
            buffer.GetBuffer().AsMemory(0, (int)buffer.Length),
            cancellationToken).ConfigureAwait(false);
        return Api.Ok(report);
    }

    /// <summary>The properties of a SendGrid event that Agora reads, for the OpenAPI document; SendGrid sends many more
    /// (and the custom arguments of the email), all accepted.</summary>
    public sealed record SendGridEvent(
        string Email,
        string Event,
        long Timestamp,
        [property: System.Text.Json.Serialization.JsonPropertyName("sg_event_id")] string? SgEventId,
        [property: System.Text.Json.Serialization.JsonPropertyName("asm_group_id")] int? AsmGroupId,
        string? Type,
        string? Reason,
        string? DeliveryId,
        string? CampaignId,
        string? SupplierId);
}
