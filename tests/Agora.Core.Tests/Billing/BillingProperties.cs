using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Common;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Billing;

/// <summary>What must hold for any invoice, terms and payments (issue 12): installments add up to the total in every
/// currency's rounding, allocations never overpay an installment, and a statement's balance is invoices − credit notes −
/// payments.</summary>
public sealed class BillingProperties
{
    private static readonly string[] Currencies = ["BRL", "JPY", "KWD", "EUR", "CLP", "USD"];
    private static readonly DateOnly Issued = new(2026, 12, 1);

    private static (decimal Total, string Currency, InvoiceTerms Terms) RandomInvoice(int seed)
    {
        var random = new Random(seed);
        var currency = Currencies[random.Next(Currencies.Length)];
        var minor = Currency.MinorUnitsOf(currency);
        var total = Currency.Round((decimal)(random.NextDouble() * 1_000_000), minor, MidpointRounding.ToZero);
        if (random.Next(10) == 0)
        {
            total = Installments.Unit(minor) * random.Next(0, 5); // a few minor units over many installments
        }

        var days = Enumerable.Range(1, random.Next(1, PaymentTerms.MaxInstallments + 1)).Select(i => i * random.Next(1, 30)).Distinct().Order().ToArray();
        var deposit = random.Next(3) == 0 ? Math.Round((decimal)(random.NextDouble() * 100), 2) : 0;
        return (total, currency, InvoiceTerms.Checked(new PaymentTerms(days), deposit, random.Next(8) == 0));
    }

    [Property(MaxTest = 500)]
    public bool Installments_add_up_to_the_total_in_the_currency_minor_unit_and_are_never_negative(int seed)
    {
        var (total, currency, terms) = RandomInvoice(seed);
        var plan = Installments.Split(total, currency, terms, Issued);
        var unit = Installments.Unit(Currency.MinorUnitsOf(currency));
        return plan.Sum(i => i.Amount) == total
            && plan.All(i => i.Amount >= 0 && i.Amount % unit == 0)
            && plan.Select(i => i.Number).SequenceEqual(Enumerable.Range(1, plan.Count))
            && plan.Zip(plan.Skip(1)).All(p => p.First.DueDate <= p.Second.DueDate);
    }

    [Property(MaxTest = 500)]
    public bool Even_installments_differ_by_at_most_one_minor_unit(int seed)
    {
        var (total, currency, terms) = RandomInvoice(seed);
        var regular = Installments.Split(total, currency, terms with { DepositPercent = 0, Prepayment = false }, Issued);
        return regular.Max(i => i.Amount) - regular.Min(i => i.Amount) <= Installments.Unit(Currency.MinorUnitsOf(currency));
    }

    [Property(MaxTest = 500)]
    public bool A_payment_never_leaves_an_installment_below_zero_and_is_all_accounted_for(int seed)
    {
        var random = new Random(seed);
        var open = Enumerable.Range(0, random.Next(0, 8))
            .Select(i => new OpenInstallment($"inv-{random.Next(3)}", i + 1, Issued.AddDays(random.Next(-60, 90)), Math.Round((decimal)(random.NextDouble() * 1000), 2)))
            .ToList();
        for (var p = 0; p < random.Next(1, 6); p++)
        {
            var amount = Math.Round((decimal)(random.NextDouble() * 1500), 2) + 0.01m;
            var named = open.Count > 0 && random.Next(3) == 0 ? open[random.Next(open.Count)] : null;
            var result = PaymentAllocation.Allocate(open, amount, named is null ? null : new InstallmentRef(named.InvoiceId, named.Number));
            if (result.Allocations.Sum(a => a.Amount) + result.Credit != amount || result.Credit < 0 || result.Allocations.Any(a => a.Amount <= 0))
            {
                return false;
            }

            foreach (var a in result.Allocations)
            {
                var i = open.FindIndex(o => o.InvoiceId == a.InvoiceId && o.Number == a.Number);
                open[i] = open[i] with { Open = open[i].Open - a.Amount };
                if (open[i].Open < 0)
                {
                    return false;
                }
            }

            // Credit is left only when nothing is owed any more.
            if (result.Credit > 0 && open.Any(o => o.Open > 0))
            {
                return false;
            }
        }

        return true;
    }

    [Property(MaxTest = 300)]
    public bool The_balance_is_invoices_minus_credit_notes_minus_payments(int seed)
    {
        var random = new Random(seed);
        var entries = Enumerable.Range(0, random.Next(0, 30)).Select(i => new LedgerEntry(
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(random.Next(0, 5000)),
            (LedgerKind)random.Next(3), $"r{i}", Math.Round((decimal)(random.NextDouble() * 10_000), 2))).ToArray();

        var statement = Statement.Of(entries);

        var expected = entries.Where(e => e.Kind == LedgerKind.Invoice).Sum(e => e.Amount)
            - entries.Where(e => e.Kind == LedgerKind.CreditNote).Sum(e => e.Amount)
            - entries.Where(e => e.Kind == LedgerKind.Payment).Sum(e => e.Amount);
        return statement.Balance == expected
            && statement.Lines.Count == entries.Length
            && (statement.Lines.Count == 0 || statement.Lines[^1].Balance == expected)
            && statement.Lines.Zip(statement.Lines.Skip(1)).All(p => p.First.Entry.At <= p.Second.Entry.At);
    }
}
