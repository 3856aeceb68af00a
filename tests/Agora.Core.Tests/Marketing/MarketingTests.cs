using Agora.Core.Marketing;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Marketing;

public sealed class MarketingTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Inactive_means_later_than_this_customer_usually_orders()
    {
        var weekly = Enumerable.Range(0, 6).Aggregate(CustomerSignals.None("acme", "weekly"), (s, i) => s.Ordered(Start.AddDays(7 * i), 100));
        var quarterly = Enumerable.Range(0, 4).Aggregate(CustomerSignals.None("acme", "quarterly"), (s, i) => s.Ordered(Start.AddDays(90 * i), 100));
        var lastWeekly = Start.AddDays(35);
        var lastQuarterly = Start.AddDays(270);

        Assert.Equal(7, weekly.TypicalIntervalDays!.Value, 6);
        Assert.False(weekly.IsInactive(lastWeekly.AddDays(13), floorDays: 10, factor: 2));
        Assert.True(weekly.IsInactive(lastWeekly.AddDays(14), floorDays: 10, factor: 2));
        Assert.False(quarterly.IsInactive(lastQuarterly.AddDays(100), floorDays: 10, factor: 2)); // 100 days is normal for it
        Assert.True(quarterly.IsInactive(lastQuarterly.AddDays(180), floorDays: 10, factor: 2));
        Assert.Null(CustomerSignals.None("acme", "prospect").InactiveFrom(10, 2));
        Assert.Equal(Start.AddDays(30), CustomerSignals.None("acme", "once").Ordered(Start, 5).InactiveFrom(30, 2)); // no rhythm yet: the floor
    }

    [Fact]
    public void A_late_order_message_counts_in_the_totals_but_does_not_move_the_rhythm_back()
    {
        var signals = CustomerSignals.None("acme", "b").Ordered(Start, 10).Ordered(Start.AddDays(10), 20);
        var late = signals.Ordered(Start.AddDays(5), 30);
        Assert.Equal((3, 60m, Start.AddDays(10), 10d), (late.Orders, late.Revenue, late.LastOrderAt!.Value, late.TypicalIntervalDays!.Value));
        Assert.Equal(Start.AddDays(3), signals.LoggedIn(Start.AddDays(3)).LoggedIn(Start.AddDays(1)).LastLoginAt);
    }

    [Property(MaxTest = 200)]
    public void The_usual_interval_stays_within_the_intervals_seen(byte[] gaps)
    {
        var intervals = gaps.Select(g => (g % 60) + 1).ToArray();
        var at = Start;
        var signals = CustomerSignals.None("acme", "b").Ordered(at, 1);
        foreach (var gap in intervals)
        {
            at = at.AddDays(gap);
            signals = signals.Ordered(at, 1);
        }

        if (intervals.Length == 0)
        {
            Assert.Null(signals.TypicalIntervalDays);
            return;
        }

        Assert.InRange(signals.TypicalIntervalDays!.Value, intervals.Min() - 1e-9, intervals.Max() + 1e-9);
    }

    private static Recipient Person(bool optedOut = false, string? zone = "America/Sao_Paulo", params DateTimeOffset[] sent) => new("u1", "u1@test.example", optedOut, sent, zone);

    [Fact]
    public void Opt_outs_come_first_then_the_weekly_cap_then_quiet_hours_in_the_recipients_own_time()
    {
        var rules = SendRules.Default; // 2 a week, quiet 21:00-08:00
        var noonInSaoPaulo = new DateTimeOffset(2026, 3, 10, 15, 0, 0, TimeSpan.Zero); // 12:00 at -03:00
        Assert.Equal(SendVerdict.Skip, SendPolicy.Decide(Person(optedOut: true), rules, noonInSaoPaulo).Verdict);
        Assert.Equal(SendVerdict.Send, SendPolicy.Decide(Person(sent: noonInSaoPaulo.AddDays(-3)), rules, noonInSaoPaulo).Verdict);

        var full = SendPolicy.Decide(Person(sent: [noonInSaoPaulo.AddDays(-6), noonInSaoPaulo.AddDays(-2)]), rules, noonInSaoPaulo);
        Assert.Equal((SendVerdict.Later, noonInSaoPaulo.AddDays(1)), (full.Verdict, full.NotBefore!.Value));

        var lateEvening = new DateTimeOffset(2026, 3, 11, 1, 30, 0, TimeSpan.Zero); // 22:30 on the 10th in São Paulo
        var quiet = SendPolicy.Decide(Person(), rules, lateEvening);
        Assert.Equal((SendVerdict.Later, new DateTimeOffset(2026, 3, 11, 8, 0, 0, TimeSpan.FromHours(-3))), (quiet.Verdict, quiet.NotBefore!.Value));
        Assert.Equal(SendVerdict.Send, SendPolicy.Decide(Person(zone: "Asia/Tokyo"), rules, lateEvening).Verdict); // 10:30 in Tokyo
    }

    [Property(MaxTest = 300)]
    public void A_deferred_email_may_go_at_the_time_it_was_deferred_to(int minutes, byte sentCount, byte zoneIndex)
    {
        string[] zones = ["America/Sao_Paulo", "Europe/Lisbon", "Asia/Tokyo", "UTC", "America/Manaus"];
        var now = Start.AddMinutes(Math.Abs(minutes % (60 * 24 * 30)));
        var sent = Enumerable.Range(0, sentCount % 4).Select(i => now.AddHours(-(i * 40) - 1)).ToArray();
        var person = Person(zone: zones[zoneIndex % zones.Length], sent: sent);
        var decision = SendPolicy.Decide(person, SendRules.Default, now);
        if (decision.Verdict == SendVerdict.Later)
        {
            Assert.True(decision.NotBefore > now);
            Assert.Equal(SendVerdict.Send, SendPolicy.Decide(person, SendRules.Default, decision.NotBefore!.Value).Verdict);
        }
        else
        {
            Assert.Equal(SendVerdict.Send, decision.Verdict);
            Assert.True(sent.Count(s => s > now.AddDays(-7)) < SendRules.Default.MaxPerWeek);
        }
    }

    [Fact]
    public void Ten_thousand_recipients_go_in_ten_requests_and_a_resumed_run_sends_only_the_rest()
    {
        var recipients = Enumerable.Range(0, 10_000).Select(i => $"u{i:D5}").Reverse().Append("u00042").ToArray();
        var plan = SendBatches.Plan(recipients);
        Assert.Equal(10, plan.Count);
        Assert.All(plan, b => Assert.True(b.RecipientIds.Count <= SendBatches.MaxPerRequest));
        Assert.Equal(10_000, plan.SelectMany(b => b.RecipientIds).Distinct().Count());

        var resumed = SendBatches.Plan(recipients.Reverse(), afterBatch: 4);
        Assert.Equal(plan.Skip(4).Select(b => (b.Number, string.Join(",", b.RecipientIds))), resumed.Select(b => (b.Number, string.Join(",", b.RecipientIds))));
        Assert.Equal(SendBatches.DeliveryId("c1", 1, "u1"), SendBatches.DeliveryId("c1", 1, "u1"));
        Assert.NotEqual(SendBatches.DeliveryId("c1", 1, "u1"), SendBatches.DeliveryId("c1", 2, "u1"));
    }
}
