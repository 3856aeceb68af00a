using Agora.Core.Common;
using Agora.Core.Marketing;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Marketing;

public sealed class SequenceTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyList<SequenceStep> Abandoned = Sequences.Checked([new(0, 24, null), new(0, 72, "promo-5")]);

    [Fact]
    public void An_abandoned_cart_gets_its_two_steps_and_no_third()
    {
        var progress = new SequenceProgress("u1", Start, new HashSet<int>());
        Assert.Null(Sequences.Next(Abandoned, progress, null, Start.AddHours(23)).Due);
        var first = Sequences.Next(Abandoned, progress, null, Start.AddHours(24));
        Assert.Equal(1, first.Due!.Number);
        progress = progress with { Sent = new HashSet<int> { 1 } };
        Assert.Null(Sequences.Next(Abandoned, progress, null, Start.AddHours(48)).Due);
        var second = Sequences.Next(Abandoned, progress, null, Start.AddHours(72));
        Assert.Equal(("promo-5", 2), (second.Due!.OfferId, second.Due.Number));
        progress = progress with { Sent = new HashSet<int> { 1, 2 } };
        Assert.Equal((null, SequenceEnd.Finished), (Sequences.Next(Abandoned, progress, null, Start.AddDays(30)).Due, Sequences.Next(Abandoned, progress, null, Start.AddDays(30)).End));
    }

    [Fact]
    public void A_customer_who_ordered_since_gets_none_and_a_late_run_sends_only_the_latest_step()
    {
        var progress = new SequenceProgress("u1", Start, new HashSet<int>());
        Assert.Equal(SequenceEnd.Ordered, Sequences.Next(Abandoned, progress, Start.AddHours(5), Start.AddHours(80)).End);
        Assert.Equal(1, Sequences.Next(Abandoned, progress, Start.AddHours(-5), Start.AddHours(30)).Due!.Number); // an order before the cart was left counts for nothing

        var late = Sequences.Next(Abandoned, progress, null, Start.AddHours(100));
        Assert.Equal(2, late.Due!.Number);
        Assert.Equal([1], late.Passed);
    }

    [Fact]
    public void Steps_are_checked_by_field()
    {
        var e = Assert.Throws<DomainException>(() => Sequences.Checked([new(0, 48, null), new(0, 24, null), new(0, 99999, null)]));
        Assert.Equal(["steps[1].afterHours", "steps[2].afterHours"], e.Errors.Keys.Order());
    }

    [Property(MaxTest = 300)]
    public void Whatever_the_runs_each_step_goes_at_most_once_in_order_and_never_after_an_order(byte[] runs, byte orderAtHour)
    {
        var steps = Sequences.Checked([new(0, 24, null), new(0, 72, "a"), new(0, 120, "b")]);
        var ordered = orderAtHour % 3 == 0 ? (DateTimeOffset?)Start.AddHours(orderAtHour) : null;
        var sent = new List<int>();
        var hour = 0;
        foreach (var step in runs)
        {
            hour += step % 40;
            var now = Start.AddHours(hour);
            var (due, passed, _) = Sequences.Next(steps, new SequenceProgress("u", Start, sent.ToHashSet()), ordered is { } o && o <= now ? o : null, now);
            if (due is not null)
            {
                // An order at the start (or before) is the one the cart was left after: only a later one stops it.
                Assert.True(ordered is null || ordered <= Start || ordered > now);
                Assert.All(passed, p => Assert.True(p < due.Number));
                sent.Add(due.Number);
            }
        }

        Assert.Equal(sent.Distinct().Count(), sent.Count);
        Assert.Equal(sent.Order(), sent);
    }
}
