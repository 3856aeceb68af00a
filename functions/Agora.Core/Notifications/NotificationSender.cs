using System.Globalization;
using System.Net;
using Agora.Core.Common;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Notifications;

public sealed class NotificationOptions
{
    /// <summary>Where people open links from emails (the web client), e.g. https://portal.example.com.</summary>
    public string PortalUrl { get; set; } = "http://localhost:3000";
}

/// <summary>Turns a notification into an email and sends it, once per notification id.</summary>
public sealed partial class NotificationSender(IEmailSender email, IDeliveryLog log, NotificationOptions options, TimeProvider clock, ILogger<NotificationSender> logger)
{
    /// <summary>Sends <paramref name="notification"/> unless it was sent before. A crash between sending and recording
    /// sends it again on redelivery: at least once, never silently lost.</summary>
    public async Task<bool> SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (await log.WasSentAsync(notification.Id, cancellationToken).ConfigureAwait(false))
        {
            LogDuplicate(logger, notification.Id);
            return false;
        }

        await email.SendAsync(Compose(notification), cancellationToken).ConfigureAwait(false);
        AgoraMetrics.EmailsSent.Add(1, new KeyValuePair<string, object?>("agora.email.kind", "notification"));
        await log.MarkSentAsync(notification.Id, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        LogSent(logger, notification.Kind, notification.Id);
        return true;
    }

    public EmailMessage Compose(Notification n)
    {
        string D(string key) => n.Data.TryGetValue(key, out var value) ? value : string.Empty;
        string H(string key) => WebUtility.HtmlEncode(D(key));
        var greeting = n.ToName is { Length: > 0 } name ? name : n.To;
        switch (n.Kind)
        {
            case NotificationKind.InvitationSent:
            {
                // The portal posts the token to POST /api/orgs/{orgId}/invitations/accept.
                var link = $"{options.PortalUrl.TrimEnd('/')}/invitations/{Uri.EscapeDataString(D("orgId"))}/accept?token={Uri.EscapeDataString(D("token"))}";
                var expires = DateTimeOffset.Parse(D("expiresAt"), CultureInfo.InvariantCulture).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
                return new EmailMessage(
                    n.To,
                    n.ToName,
                    $"{D("inviterName")} invited you to {D("orgName")} on Agora",
                    $"Hello {greeting},\n\n{D("inviterName")} invited you to join {D("orgName")} on Agora as {D("roles")}.\n\nAccept the invitation: {link}\n\nThe invitation expires on {expires}.\n",
                    $"<p>Hello {WebUtility.HtmlEncode(greeting)},</p><p>{H("inviterName")} invited you to join <b>{H("orgName")}</b> on Agora as {H("roles")}.</p>" +
                    $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">Accept the invitation</a></p><p>The invitation expires on {WebUtility.HtmlEncode(expires)}.</p>");
            }

            case NotificationKind.InvitationExpired:
                return new EmailMessage(
                    n.To,
                    n.ToName,
                    $"Your invitation of {D("inviteeEmail")} to {D("orgName")} expired",
                    $"Hello {greeting},\n\nThe invitation you sent to {D("inviteeEmail")} to join {D("orgName")} expired unanswered. You can invite them again from the organization's members page.\n",
                    $"<p>Hello {WebUtility.HtmlEncode(greeting)},</p><p>The invitation you sent to {H("inviteeEmail")} to join <b>{H("orgName")}</b> expired unanswered. You can invite them again from the organization's members page.</p>");

            case NotificationKind.StockDiscrepancies:
                return new EmailMessage(
                    n.To,
                    n.ToName,
                    $"{D("discrepancies")} stock discrepancies corrected at {D("orgName")}",
                    $"Hello {greeting},\n\nLast night's reconciliation compared {D("checked")} stock counts of {D("orgName")} with the snapshot {D("snapshotFile")} " +
                    $"and found {D("discrepancies")} discrepancies; {D("corrected")} were corrected (reservations kept).\n\nThe full report is at reports/{D("report")}.\n\n" +
                    $"sku;warehouse;expected;found;delta;reserved\n{D("lines")}\n",
                    $"<p>Hello {WebUtility.HtmlEncode(greeting)},</p><p>Last night's reconciliation compared {H("checked")} stock counts of <b>{H("orgName")}</b> with the snapshot " +
                    $"{H("snapshotFile")} and found <b>{H("discrepancies")}</b> discrepancies; {H("corrected")} were corrected (reservations kept).</p>" +
                    $"<p>The full report is at reports/{H("report")}.</p><pre>sku;warehouse;expected;found;delta;reserved\n{H("lines")}</pre>");

            case NotificationKind.SalesUpdate:
            {
                var link = $"{options.PortalUrl.TrimEnd('/')}{D("path")}";
                return new EmailMessage(
                    n.To,
                    n.ToName,
                    D("subject"),
                    $"Hello {greeting},\n\n{D("headline")}\n\n{D("details")}\n\nOpen it: {link}\n",
                    $"<p>Hello {WebUtility.HtmlEncode(greeting)},</p><p><b>{H("headline")}</b></p><p>{H("details")}</p><p><a href=\"{WebUtility.HtmlEncode(link)}\">Open it in Agora</a></p>");
            }

            case NotificationKind.SalesTaskDigest:
            {
                var link = $"{options.PortalUrl.TrimEnd('/')}{D("path")}";
                var lines = D("lines").Split('\n', StringSplitOptions.RemoveEmptyEntries);
                return new EmailMessage(
                    n.To,
                    n.ToName,
                    D("subject"),
                    $"Hello {greeting},\n\n{D("headline")}\n\n{string.Concat(lines.Select(l => $"- {l}\n"))}\nOpen your tasks: {link}\n",
                    $"<p>Hello {WebUtility.HtmlEncode(greeting)},</p><p><b>{H("headline")}</b></p><ul>{string.Concat(lines.Select(l => $"<li>{WebUtility.HtmlEncode(l)}</li>"))}</ul>" +
                    $"<p><a href=\"{WebUtility.HtmlEncode(link)}\">Open your tasks in Agora</a></p>");
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(n), n.Kind, "Unknown notification kind.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification {NotificationId} was sent before; skipped")]
    private static partial void LogDuplicate(ILogger logger, string notificationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent {Kind} notification {NotificationId}")]
    private static partial void LogSent(ILogger logger, NotificationKind kind, string notificationId);
}
