using System.Collections.Concurrent;
using System.Text;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Core.Tests.Marketing;

/// <summary>The Event Webhook's use case (decision 0021a), pure: which SendGrid events become opt-outs of which kinds and
/// which count in a campaign's results, and that nothing is read from a call that is unsigned, forged or stale.</summary>
public sealed class MailEventsTests
{
    private static readonly UnsubscribeGroups Groups = new() { Offers = 11, CartReminders = 12, Reactivation = 13 };

    private static MailEvent Event(string name, int? group = null, string? type = null, string? reason = null, string? deliveryId = "mk-1", string? campaign = "camp-1") =>
        new(name, "ana@example.com", "sg-1", deliveryId, campaign, campaign is null ? null : "acme", group, type, reason);

    [Fact]
    public void Bounces_spam_reports_and_unsubscribes_suppress_every_kind_and_a_group_unsubscribe_its_own_kind_only()
    {
        Assert.Equal((true, (MarketingKind?)null), Suppression(Event("bounce", type: "bounce")));
        Assert.Equal((true, (MarketingKind?)null), Suppression(Event("spamreport")));
        Assert.Equal((true, (MarketingKind?)null), Suppression(Event("unsubscribe")));
        Assert.Equal((true, (MarketingKind?)null), Suppression(Event("dropped", reason: "Bounced Address")));
        Assert.Equal((true, (MarketingKind?)MarketingKind.CartReminders), Suppression(Event("group_unsubscribe", group: 12)));
        Assert.Equal((true, (MarketingKind?)MarketingKind.Reactivation), Suppression(Event("group_unsubscribe", group: 13)));

        Assert.Equal((false, (MarketingKind?)null), Suppression(Event("bounce", type: "blocked"))); // temporary: counted, not suppressed
        Assert.Equal((false, (MarketingKind?)null), Suppression(Event("group_unsubscribe", group: 99))); // a group Agora does not send in
        Assert.Equal((false, (MarketingKind?)null), Suppression(Event("dropped", reason: "Spam Content (if spam checker app enabled)")));
        Assert.Equal((false, (MarketingKind?)null), Suppression(Event("delivered")));
        Assert.Equal((false, (MarketingKind?)null), Suppression(Event("group_resubscribe", group: 12)));
    }

    [Fact]
    public void Delivered_opened_and_clicked_count_once_per_email_and_kind_of_event_in_the_campaign_they_carry()
    {
        var delivered = MailEvents.Classify(Event("delivered"), Groups);
        var open = MailEvents.Classify(Event("open"), Groups);
        var openAgain = MailEvents.Classify(Event("open") with { EventId = "sg-2" }, Groups);
        var click = MailEvents.Classify(Event("click"), Groups);

        Assert.Equal(new CampaignCounts(Delivered: 1), delivered.Count);
        Assert.Equal(new CampaignCounts(Opened: 1), open.Count);
        Assert.Equal(new CampaignCounts(Clicked: 1), click.Count);
        Assert.Equal(open.CountKey, openAgain.CountKey); // a second open of the same email: the same key, counted once
        Assert.NotEqual(open.CountKey, click.CountKey);
        Assert.Equal(new CampaignCounts(Bounced: 1), MailEvents.Classify(Event("bounce", type: "blocked"), Groups).Count);
        Assert.Equal(new CampaignCounts(Unsubscribed: 1), MailEvents.Classify(Event("group_unsubscribe", group: 11), Groups).Count);

        Assert.Null(MailEvents.Classify(Event("delivered", campaign: null), Groups).Count); // transactional email: no campaign
        Assert.Null(MailEvents.Classify(Event("processed"), Groups).Count);
        Assert.Equal("event:sg-1", MailEvents.Classify(Event("open", deliveryId: null), Groups).CountKey); // keyed by SendGrid's id then
    }

    [Fact]
    public void Only_a_json_array_is_a_batch_and_unknown_properties_and_odd_elements_are_accepted()
    {
        var events = MailEvents.Parse(Encoding.UTF8.GetBytes("""
            [{"email":"Ana@Example.com","event":"group_unsubscribe","asm_group_id":12,"sg_event_id":"e1","deliveryId":"mk-1","campaignId":"c","supplierId":"s","useragent":"x","ip":"1.2.3.4","category":["a"],"pool":{"name":"p","id":1}},
             {"no":"event"}, 42, null]
            """));

        var only = Assert.Single(events);
        Assert.Equal(("ana@example.com", 12, "mk-1"), (only.Email, only.GroupId, only.DeliveryId));
        Assert.Equal("$", Assert.Single(Assert.Throws<DomainException>(() => MailEvents.Parse("{\"event\":\"open\"}"u8)).Errors).Key);
        Assert.Equal(FailureKind.Validation, Assert.Throws<DomainException>(() => MailEvents.Parse("[{\"event\":"u8)).Kind);
    }

    [Fact]
    public async Task An_unsigned_forged_or_stale_call_is_refused_and_records_nothing()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var suppressions = new Suppressions();
        var results = new Results();
        var events = new MailEvents(new Signature(), suppressions, results, Groups, clock);
        var body = Encoding.UTF8.GetBytes("""[{"email":"a@example.com","event":"spamreport","deliveryId":"mk-1","campaignId":"c","supplierId":"s"}]""");
        var now = clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var stale = (clock.GetUtcNow().ToUnixTimeSeconds() - 301).ToString(System.Globalization.CultureInfo.InvariantCulture);

        foreach (var (timestamp, signature) in new[] { (null, "good"), (now, null), (now, ""), (now, "forged"), (stale, "good"), ("soon", "good"), ("99999999999999999999", "good") })
        {
            var refused = await Assert.ThrowsAsync<DomainException>(() => events.ReceiveAsync(timestamp, signature, body, default));
            Assert.Equal(FailureKind.Forbidden, refused.Kind);
        }

        Assert.Empty(suppressions.Added);
        Assert.Empty(results.Added);

        var report = await events.ReceiveAsync(now, "good", body, default);
        Assert.Equal(new MailEventReport(1, 1, 1, 0), report);
        Assert.Equal(("a@example.com", (MarketingKind?)null), Assert.Single(suppressions.Added));
    }

    private static (bool, MarketingKind?) Suppression(MailEvent e)
    {
        var effect = MailEvents.Classify(e, Groups);
        return (effect.Suppress, effect.SuppressKind);
    }

    /// <summary>Verifies only the signature "good": the cryptography is the infrastructure's, tested through the API.</summary>
    private sealed class Signature : IEventWebhookSignature
    {
        public bool IsValid(string timestamp, string signature, ReadOnlySpan<byte> body) => signature == "good";
    }

    private sealed class Suppressions : ISuppressions
    {
        public ConcurrentQueue<(string, MarketingKind?)> Added { get; } = new();

        public Task<IReadOnlyDictionary<string, Suppression>> FindAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, Suppression>>(new Dictionary<string, Suppression>());

        public Task AddAsync(string email, MarketingKind? kind, string reason, DateTimeOffset at, CancellationToken cancellationToken)
        {
            Added.Enqueue((email, kind));
            return Task.CompletedTask;
        }
    }

    private sealed class Results : ICampaignResults
    {
        public ConcurrentQueue<string> Added { get; } = new();

        public Task AddAsync(string supplierId, string campaignId, string key, CampaignCounts increment, CancellationToken cancellationToken)
        {
            Added.Enqueue(key);
            return Task.CompletedTask;
        }

        public Task<CampaignCounts> GetAsync(string supplierId, string campaignId, CancellationToken cancellationToken) => Task.FromResult(new CampaignCounts());
    }
}
