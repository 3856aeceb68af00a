using System.Globalization;
using System.Text.Json;
using Agora.Core.Common;

namespace Agora.Core.Marketing;

/// <summary>Checks that a call of the event webhook comes from SendGrid: its ECDSA signature over the timestamp header and
/// the raw body, with the public key of the SendGrid account (infrastructure: <c>SendGridEventSignature</c>).</summary>
public interface IEventWebhookSignature
{
    /// <summary>False for a signature that does not verify, is malformed, or when no public key is configured.</summary>
    bool IsValid(string timestamp, string signature, ReadOnlySpan<byte> body);
}

/// <summary>What an event of SendGrid's Event Webhook means to Agora.</summary>
public enum MailEventKind
{
    /// <summary>Processed, deferred, group_resubscribe and anything SendGrid adds later: nothing to record.</summary>
    Ignored,
    Delivered,
    Opened,
    Clicked,

    /// <summary>A hard bounce suppresses every kind; a block (<c>type: blocked</c>, temporary) is counted only.</summary>
    Bounced,

    /// <summary>Dropped because the address bounced, reported spam or unsubscribed before: suppresses every kind.</summary>
    Dropped,
    SpamReport,

    /// <summary>Unsubscribed from everything (the global link, or list-unsubscribe).</summary>
    Unsubscribed,

    /// <summary>Left one unsubscribe group: that group's kind only.</summary>
    GroupUnsubscribed,
}

/// <summary>One event as SendGrid posts it, reduced to what Agora reads. The custom arguments of the email (deliveryId,
/// campaignId, supplierId) come back as top-level properties of each event.</summary>
public sealed record MailEvent(
    string Event,
    string? Email,
    string? EventId,
    string? DeliveryId,
    string? CampaignId,
    string? SupplierId,
    int? GroupId,
    string? Type,
    string? Reason);

/// <summary>What one event changes: an opt-out (every kind when <see cref="SuppressKind"/> is null and
/// <see cref="Suppress"/> is set), and a campaign counter applied once per <see cref="CountKey"/>.</summary>
public sealed record MailEventEffect(MailEventKind Kind, bool Suppress, MarketingKind? SuppressKind, string Reason, CampaignCounts? Count, string? CountKey)
{
    public static readonly MailEventEffect None = new(MailEventKind.Ignored, false, null, string.Empty, null, null);
}

/// <summary>What a webhook call recorded: events received, opt-outs added, counters added to, events ignored.</summary>
public sealed record MailEventReport(int Received, int Suppressions, int Counted, int Ignored);

/// <summary>SendGrid's Event Webhook (issue 13): verify → parse → classify → record. A call is SendGrid's only if its
/// signature verifies over the timestamp and the raw body and the timestamp is within <see cref="Tolerance"/> of now, so
/// a forged call and an old one replayed are refused whole, before anything is read. Bounces, spam reports and
/// unsubscribes become opt-outs (<see cref="ISuppressions"/>), honoured before the next send; delivered, opened, clicked,
/// bounced, spam reports and unsubscribes count in the campaign's results once per email and kind of event, so an event
/// SendGrid sends again (it retries on any failure, and sends an open per open) counts once.</summary>
public sealed class MailEvents(IEventWebhookSignature signature, ISuppressions suppressions, ICampaignResults results, UnsubscribeGroups groups, TimeProvider clock)
{
    /// <summary>SendGrid posts a batch every 30 seconds or at 768 KB, whichever comes first: a larger body is no batch of
    /// SendGrid's (413).</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public const string SignatureHeader = "X-Twilio-Email-Event-Webhook-Signature";

    public const string TimestampHeader = "X-Twilio-Email-Event-Webhook-Timestamp";

    /// <summary>How far the signed timestamp may be from now: a captured call replayed later is refused.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>Events recorded at once: a batch of thousands takes seconds, not minutes, without flooding the stores.</summary>
    private const int InFlight = 8;

    private const string NotSigned = "The request is not signed by SendGrid: the event webhook takes only calls whose X-Twilio-Email-Event-Webhook-Signature verifies with the account's public key.";

    public async Task<MailEventReport> ReceiveAsync(string? timestamp, string? signatureHeader, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        Verify(timestamp, signatureHeader, body.Span);
        var events = Parse(body.Span);
        var work = events.Select(e => (Event: e, Effect: Classify(e, groups))).ToArray();
        var suppressed = 0;
        var counted = 0;
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var (e, effect) = item;
            if (effect.Suppress)
            {
                await suppressions.AddAsync(e.Email!, effect.SuppressKind, effect.Reason, clock.GetUtcNow(), ct).ConfigureAwait(false);
                Interlocked.Increment(ref suppressed);
            }

            if (effect.Count is { } count)
            {
                await results.AddAsync(e.SupplierId!, e.CampaignId!, effect.CountKey!, count, ct).ConfigureAwait(false);
                Interlocked.Increment(ref counted);
            }
        }).ConfigureAwait(false);
        return new MailEventReport(events.Count, suppressed, counted, work.Count(w => !w.Effect.Suppress && w.Effect.Count is null));
    }

    /// <summary>Refuses (403) a call whose headers are missing, whose timestamp is not within <see cref="Tolerance"/> of
    /// now, or whose signature does not verify over timestamp and body.</summary>
    public void Verify(string? timestamp, string? signatureHeader, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrWhiteSpace(timestamp) || string.IsNullOrWhiteSpace(signatureHeader))
        {
            throw DomainException.Forbidden(NotSigned);
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            || (DateTimeOffset.FromUnixTimeSeconds(seconds) - clock.GetUtcNow()).Duration() > Tolerance)
        {
            throw DomainException.Forbidden("The request's signed timestamp is not within 5 minutes of now: a call recorded earlier and sent again is refused.");
        }

        if (!signature.IsValid(timestamp, signatureHeader, body))
        {
            throw DomainException.Forbidden(NotSigned);
        }
    }

    /// <summary>The events of a signed body: a JSON array of objects (400 otherwise). SendGrid's schema, not Agora's: every
    /// property Agora does not read is ignored, as are elements that are not events (no <c>event</c>), so that one odd
    /// event never makes SendGrid retry the whole batch.</summary>
    public static IReadOnlyList<MailEvent> Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw DomainException.Invalid("$", $"is not JSON: {e.Message.Split(" LineNumber", 2)[0]}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw DomainException.Invalid("$", "must be a JSON array of events, as SendGrid's Event Webhook posts.");
            }

            var events = new List<MailEvent>(document.RootElement.GetArrayLength());
            foreach (var element in document.RootElement.EnumerateArray())
            {
                if (element.ValueKind == JsonValueKind.Object && Text(element, "event") is { } name)
                {
                    events.Add(new MailEvent(
                        name,
                        Text(element, "email")?.Trim().ToLowerInvariant(),
                        Text(element, "sg_event_id"),
                        Text(element, "deliveryId"),
                        Text(element, "campaignId"),
                        Text(element, "supplierId"),
                        element.TryGetProperty("asm_group_id", out var group) && group.ValueKind == JsonValueKind.Number && group.TryGetInt32(out var id) ? id : null,
                        Text(element, "type"),
                        Text(element, "reason")));
                }
            }

            return events;
        }
    }

    /// <summary>What <paramref name="e"/> changes (pure). An event counts in a campaign's results only when it carries the
    /// campaign and supplier Agora sent it with; its key is the email's delivery id and the kind of event (SendGrid's event
    /// id when there is no delivery id), so the results say how many emails were opened, not how often.</summary>
    public static MailEventEffect Classify(MailEvent e, UnsubscribeGroups groups)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(groups);
        var hasEmail = e.Email is { Length: > 3 } email && email.Contains('@', StringComparison.Ordinal);
        var (kind, suppress, suppressKind, count) = e.Event switch
        {
            "delivered" => (MailEventKind.Delivered, false, (MarketingKind?)null, new CampaignCounts(Delivered: 1)),
            "open" => (MailEventKind.Opened, false, null, new CampaignCounts(Opened: 1)),
            "click" => (MailEventKind.Clicked, false, null, new CampaignCounts(Clicked: 1)),
            "bounce" => (MailEventKind.Bounced, !string.Equals(e.Type, "blocked", StringComparison.OrdinalIgnoreCase), null, new CampaignCounts(Bounced: 1)),
            "dropped" when DroppedForGood(e.Reason) => (MailEventKind.Dropped, true, null, (CampaignCounts?)null),
            "spamreport" => (MailEventKind.SpamReport, true, null, new CampaignCounts(SpamReports: 1)),
            "unsubscribe" => (MailEventKind.Unsubscribed, true, null, new CampaignCounts(Unsubscribed: 1)),
            "group_unsubscribe" when e.GroupId is { } group && groups.KindOf(group) is { } groupKind =>
                (MailEventKind.GroupUnsubscribed, true, groupKind, new CampaignCounts(Unsubscribed: 1)),
            _ => (MailEventKind.Ignored, false, null, (CampaignCounts?)null),
        };
        if (kind == MailEventKind.Ignored)
        {
            return MailEventEffect.None;
        }

        var campaign = Ids.IsWellFormed(e.SupplierId) && Ids.IsWellFormed(e.CampaignId);
        var key = Ids.IsWellFormed(e.DeliveryId) ? $"{e.DeliveryId}:{kind}" : e.EventId is { Length: > 0 and <= 128 } eventId ? $"event:{eventId}" : null;
        return new MailEventEffect(
            kind,
            suppress && hasEmail,
            suppressKind,
            ReasonOf(kind, e),
            campaign && key is not null ? count : null,
            campaign ? key : null);
    }

    /// <summary>SendGrid drops an email to an address on one of its suppression lists; Agora records the address so that
    /// later runs skip it rather than pay for a drop each time.</summary>
    private static bool DroppedForGood(string? reason) =>
        reason is not null && (reason.Contains("Bounced Address", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("Spam Reporting Address", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("Unsubscribed Address", StringComparison.OrdinalIgnoreCase));

    private static string ReasonOf(MailEventKind kind, MailEvent e) => kind switch
    {
        MailEventKind.Bounced => "bounce",
        MailEventKind.Dropped => $"dropped: {e.Reason}",
        MailEventKind.SpamReport => "spamreport",
        MailEventKind.Unsubscribed => "unsubscribe",
        MailEventKind.GroupUnsubscribed => "group_unsubscribe",
        _ => kind.ToString(),
    };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
