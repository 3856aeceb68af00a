using Agora.Core.Marketing;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>The SendGrid side's stores on the emulator (issue 13, decision 0021a): campaign counters that concurrent
/// adders never lose a count of and that apply each key once, and opt-outs per email, per kind or all.</summary>
public sealed class MarketingStoreTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Two_hundred_concurrent_additions_lose_no_count_and_a_key_applied_again_counts_once()
    {
        var results = fixture.Get<ICampaignResults>();
        var supplier = SharedEmulators.Unique("sup");

        // 100 events, each delivered twice at once (SendGrid retrying a batch while the first is still being recorded).
        var keys = Enumerable.Range(1, 100).Select(i => $"mk-{i:000}:Delivered").ToArray();
        await Task.WhenAll(keys.Concat(keys).Select(key => results.AddAsync(supplier, "camp-1", key, new CampaignCounts(Delivered: 1), default)));
        await results.AddAsync(supplier, "camp-1", "mk-007:Delivered", new CampaignCounts(Delivered: 1), default);
        await results.AddAsync(supplier, "camp-1", "mk-007:Opened", new CampaignCounts(Opened: 1), default);

        var counts = await results.GetAsync(supplier, "camp-1", default);
        Assert.Equal(100, counts.Delivered);
        Assert.Equal(1, counts.Opened);
        Assert.Equal(0, (await results.GetAsync(supplier, "camp-2", default)).Delivered); // another campaign counts on its own
    }

    [Fact]
    public async Task A_duplicate_that_reads_no_marker_while_the_first_adder_finishes_takes_its_count_back()
    {
        var results = fixture.Get<ICampaignResults>();
        var supplier = SharedEmulators.Unique("sup");
        await results.AddAsync(supplier, "camp-1", "warm-up", new CampaignCounts(Opened: 1), default); // the counter item exists

        // Each key delivered 8 times, the copies started one after another without waiting: later copies read no marker
        // while earlier ones finish theirs and free the slot, the interleaving in which a second count could get in.
        var keys = Enumerable.Range(1, 40).Select(i => $"dup-{i:000}:Delivered").ToArray();
        var adds = new List<Task>();
        foreach (var key in keys)
        {
            for (var copy = 0; copy < 8; copy++)
            {
                adds.Add(Task.Run(() => results.AddAsync(supplier, "camp-1", key, new CampaignCounts(Delivered: 1), default)));
                await Task.Yield();
            }
        }

        await Task.WhenAll(adds);
        Assert.Equal(40, (await results.GetAsync(supplier, "camp-1", default)).Delivered);
    }

    [Fact]
    public async Task Revenue_adds_up_per_currency_exactly_and_a_wide_increment_is_applied_whole_once()
    {
        var results = fixture.Get<ICampaignResults>();
        var supplier = SharedEmulators.Unique("sup");
        for (var i = 0; i < 10; i++)
        {
            await results.AddAsync(supplier, "camp", $"order-{i}", new CampaignCounts(Orders: 1, Revenue: new Dictionary<string, decimal> { ["BRL"] = 0.1m, ["EUR"] = 19.99m }), default);
        }

        // Every field at once: more than one patch can carry, so it goes by replace, still once.
        var wide = new CampaignCounts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, new Dictionary<string, decimal> { ["USD"] = 1.2345m });
        await results.AddAsync(supplier, "camp", "run-1:batch-1", wide, default);
        await results.AddAsync(supplier, "camp", "run-1:batch-1", wide, default);

        var counts = await results.GetAsync(supplier, "camp", default);
        Assert.Equal(20, counts.Orders);
        Assert.Equal(1.0m, counts.Revenue!["BRL"]);
        Assert.Equal(199.9m, counts.Revenue["EUR"]);
        Assert.Equal(1.2345m, counts.Revenue["USD"]);
        Assert.Equal((1, 2, 3, 4, 5, 6, 7, 8, 9), (counts.Sent, counts.Deferred, counts.Suppressed, counts.Delivered, counts.Opened, counts.Clicked, counts.Bounced, counts.SpamReports, counts.Unsubscribed));
    }

    [Fact]
    public async Task An_opt_out_of_one_kind_blocks_that_kind_only_and_a_bounce_blocks_every_kind()
    {
        var suppressions = fixture.Get<ISuppressions>();
        var one = $"{SharedEmulators.Unique("ana")}@Example.com";
        var two = $"{SharedEmulators.Unique("bia")}@example.com";
        var none = $"{SharedEmulators.Unique("caio")}@example.com";
        var at = DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        await suppressions.AddAsync(one, MarketingKind.CartReminders, "group_unsubscribe", at, default);
        await suppressions.AddAsync(one, MarketingKind.CartReminders, "group_unsubscribe", at.AddDays(1), default); // twice: changes nothing
        await Task.WhenAll(suppressions.AddAsync(two, MarketingKind.Offers, "group_unsubscribe", at, default), suppressions.AddAsync(two, null, "bounce", at, default));

        var found = await suppressions.FindAsync([one.ToUpperInvariant(), two, none], default);

        Assert.Equal(2, found.Count);
        var first = found[one.ToLowerInvariant()];
        Assert.True(first.Blocks(MarketingKind.CartReminders));
        Assert.False(first.Blocks(MarketingKind.Offers));
        Assert.Equal(at, first.At);
        var second = found[two];
        Assert.True(second.All);
        Assert.True(second.Blocks(MarketingKind.Reactivation));
        Assert.Equal("bounce", second.Reason);
    }

    [Fact]
    public async Task A_thousand_emails_are_looked_up_at_once()
    {
        var suppressions = fixture.Get<ISuppressions>();
        var prefix = SharedEmulators.Unique("r");
        var emails = Enumerable.Range(0, 1000).Select(i => $"{prefix}-{i}@example.com").ToArray();
        await Task.WhenAll(emails.Where((_, i) => i % 100 == 0).Select(e => suppressions.AddAsync(e, null, "spamreport", DateTimeOffset.UnixEpoch, default)));

        var found = await suppressions.FindAsync(emails, default);

        Assert.Equal(10, found.Count);
        Assert.All(found.Values, s => Assert.Equal("spamreport", s.Reason));
    }
}
