using Agora.Core.Billing;
using Agora.Core.Common;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Billing;

/// <summary>The overdue run's decisions as a supplier's credit team expects them.</summary>
public sealed class OverdueTests
{
    private static readonly DateOnly Due = new(2026, 12, 1);

    private static DueInstallment Installment(decimal open = 100m, params int[] reminded) =>
        new("inv-1", "NF1-000001", 2, Due, open, "BRL", reminded.ToHashSet());

    [Fact]
    public void Reminders_go_on_the_due_date_then_at_7_and_30_days_each_once()
    {
        var settings = BillingSettings.Default;

        Assert.Null(Overdue.ReminderDue(Installment(), Due.AddDays(-1), settings));
        Assert.Equal(0, Overdue.ReminderDue(Installment(), Due, settings));
        Assert.Null(Overdue.ReminderDue(Installment(100m, 0), Due.AddDays(3), settings));
        Assert.Equal(7, Overdue.ReminderDue(Installment(100m, 0), Due.AddDays(7), settings));
        Assert.Null(Overdue.ReminderDue(Installment(100m, 0, 7), Due.AddDays(20), settings));
        Assert.Equal(30, Overdue.ReminderDue(Installment(100m, 0, 7), Due.AddDays(45), settings));
        Assert.Null(Overdue.ReminderDue(Installment(0m), Due.AddDays(45), settings));
    }

    [Fact]
    public void A_run_that_missed_days_sends_only_the_latest_step_and_records_the_earlier_as_passed()
    {
        var installment = Installment();

        var step = Overdue.ReminderDue(installment, Due.AddDays(10), BillingSettings.Default);

        Assert.Equal(7, step);
        Assert.Equal([0, 7], Overdue.Passed(installment, 7, BillingSettings.Default));
    }

    [Fact]
    public void Orders_are_blocked_past_the_suppliers_days_naming_the_oldest_installment_in_words()
    {
        var settings = BillingSettings.Default with { BlockOrdersAfterDays = 30 };

        Assert.Null(Overdue.BlockReason([Installment()], Due.AddDays(30), settings));
        Assert.Null(Overdue.BlockReason([Installment()], Due.AddDays(300), BillingSettings.Default));
        var reason = Overdue.BlockReason([Installment(), Installment() with { Number = 1, DueDate = Due.AddDays(-10) }], Due.AddDays(31), settings);

        Assert.Contains("installment 1 of invoice NF1-000001", reason, StringComparison.Ordinal);
        Assert.Contains("41 days ago", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_that_would_confuse_numbering_or_reminders_are_refused_per_field()
    {
        var e = Assert.Throws<DomainException>(() => (BillingSettings.Default with { CreditNoteSeries = "NF1", ReminderDays = [7, 0], BlockOrdersAfterDays = -1 }).Checked());

        Assert.Equal(["blockOrdersAfterDays", "creditNoteSeries", "reminderDays"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Property(MaxTest = 300)]
    public bool Day_by_day_every_step_is_sent_at_most_once_and_never_before_its_day(int seed)
    {
        var random = new Random(seed);
        var days = Enumerable.Range(0, random.Next(1, 5)).Select(_ => random.Next(0, 60)).Distinct().Order().ToArray();
        var settings = BillingSettings.Default with { ReminderDays = days };
        var sent = new HashSet<int>();
        var today = Due.AddDays(-3);
        for (var day = 0; day < 90; day++, today = today.AddDays(random.Next(1, 4)))
        {
            var installment = Installment(100m, [.. sent]);
            if (Overdue.ReminderDue(installment, today, settings) is { } step)
            {
                if (sent.Contains(step) || today.DayNumber - Due.DayNumber < step)
                {
                    return false;
                }

                sent.UnionWith(Overdue.Passed(installment, step, settings));
            }
        }

        return sent.SetEquals(days.Where(d => d <= today.DayNumber - Due.DayNumber));
    }

    [Fact]
    public void A_series_is_one_whatever_its_case_since_numbers_print_in_capitals()
    {
        var settings = (BillingSettings.Default with { InvoiceSeries = "NF1", CreditNoteSeries = "Nc1" }).Checked();
        Assert.Equal(("nf1", "nc1"), (settings.InvoiceSeries, settings.CreditNoteSeries));
        Assert.Throws<Agora.Core.Common.DomainException>(() => (BillingSettings.Default with { InvoiceSeries = "NF1", CreditNoteSeries = "nf1" }).Checked());
    }
}
