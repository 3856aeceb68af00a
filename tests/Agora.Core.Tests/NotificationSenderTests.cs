using Agora.Core.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Core.Tests;

public sealed class NotificationSenderTests
{
    private sealed class Outbox : IEmailSender, IDeliveryLog
    {
        public List<EmailMessage> Sent { get; } = [];

        public HashSet<string> Log { get; } = [];

        public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
        {
            Sent.Add(message);
            return Task.CompletedTask;
        }

        public Task<bool> WasSentAsync(string notificationId, CancellationToken cancellationToken) => Task.FromResult(Log.Contains(notificationId));

        public Task MarkSentAsync(string notificationId, DateTimeOffset sentAt, CancellationToken cancellationToken)
        {
            Log.Add(notificationId);
            return Task.CompletedTask;
        }
    }

    private static Notification Invitation(string inviter = "Bea <Buyer>") => new(
        "invitation-1",
        NotificationKind.InvitationSent,
        "carla@buyer.test",
        null,
        new Dictionary<string, string> { ["orgId"] = "buyer", ["orgName"] = "Buyer SA", ["invitationId"] = "01abc", ["token"] = "s3cr3t-t0ken", ["inviterName"] = inviter, ["roles"] = "Approver", ["expiresAt"] = "2026-12-04T09:00:00.0000000+00:00" },
        DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_notification_delivered_twice_is_emailed_once()
    {
        var mail = new Outbox();
        var sender = new NotificationSender(mail, mail, new NotificationOptions { PortalUrl = "https://portal.test/" }, new FakeTimeProvider(), NullLogger<NotificationSender>.Instance);

        Assert.True(await sender.SendAsync(Invitation(), default));
        Assert.False(await sender.SendAsync(Invitation(), default));

        var email = Assert.Single(mail.Sent);
        Assert.Contains("https://portal.test/invitations/buyer/accept?token=s3cr3t-t0ken", email.Text, StringComparison.Ordinal);
        Assert.Contains("2026-12-04 09:00 UTC", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_in_the_html_body_are_escaped()
    {
        var mail = new Outbox();
        var sender = new NotificationSender(mail, mail, new NotificationOptions(), new FakeTimeProvider(), NullLogger<NotificationSender>.Instance);

        var email = sender.Compose(Invitation("<script>x</script>"));

        Assert.DoesNotContain("<script>", email.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", email.Html, StringComparison.Ordinal);
    }
}
