using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Core.Billing;

/// <summary>One part of an invoice that falls due on its own date.</summary>
/// <param name="Number">1 for the first; a deposit is number 1 when there is one.</param>
/// <param name="Deposit">The part due before the goods leave (prepayment or a deposit percentage), due on the invoice date.</param>
public sealed record Installment(int Number, DateOnly DueDate, decimal Amount, bool Deposit = false);

/// <summary>How an invoice's total falls due (issue 12): the customer's payment terms (<see cref="PaymentTerms"/>: net N days
/// or installments such as 30/60/90, as days after the invoice date), optionally a deposit — a percentage of the total due
/// on the invoice date, the rest spread over the installments — or prepayment (all of it on the invoice date).</summary>
public sealed record InvoiceTerms(PaymentTerms Terms, decimal DepositPercent = 0, bool Prepayment = false)
{
    public const decimal MaxDepositPercent = 100;

    /// <summary>Checks the terms; field names as in the supplier's settings.</summary>
    public static InvoiceTerms Checked(PaymentTerms terms, decimal depositPercent, bool prepayment)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var v = new Validation();
        v.Check(depositPercent is >= 0 and <= MaxDepositPercent && decimal.Round(depositPercent, 2) == depositPercent, "depositPercent",
            "must be a percentage from 0 to 100 with at most 2 decimals.");
        v.Check(terms.InstallmentDays.Count is > 0 and <= PaymentTerms.MaxInstallments, "paymentTermsDays", $"must list 1 to {PaymentTerms.MaxInstallments} due days.");
        v.ThrowIfInvalid();
        return new InvoiceTerms(terms, depositPercent, prepayment);
    }
}

/// <summary>Splits an invoice total into its installments. Amounts are in the currency's minor units and add up to the
/// total exactly: each installment gets the total divided evenly, rounded down to the minor unit, and the minor units
/// left over go one each to the first installments (so R$ 100,00 over 30/60/90 is 33,34 + 33,33 + 33,33), as boleto
/// and ERP installment plans do.</summary>
public static class Installments
{
    /// <summary>The installments of <paramref name="total"/> (zero or more, in <paramref name="currency"/>'s minor unit)
    /// issued on <paramref name="issuedOn"/>.</summary>
    /// <exception cref="ArgumentException">A negative total or one with more decimals than the currency has.</exception>
    public static IReadOnlyList<Installment> Split(decimal total, string currency, InvoiceTerms terms, DateOnly issuedOn)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var minor = Currency.MinorUnitsOf(currency);
        if (total < 0 || Currency.Round(total, minor, MidpointRounding.ToZero) != total)
        {
            throw new ArgumentException($"An invoice total is zero or more in whole {currency} minor units; {total} is not.", nameof(total));
        }

        if (terms.Prepayment)
        {
            return [new Installment(1, issuedOn, total, Deposit: true)];
        }

        var plan = new List<Installment>(terms.Terms.InstallmentDays.Count + 1);
        var rest = total;
        if (terms.DepositPercent > 0)
        {
            var deposit = Currency.Round(total * terms.DepositPercent / 100, minor, MidpointRounding.AwayFromZero);
            plan.Add(new Installment(1, issuedOn, deposit, Deposit: true));
            rest -= deposit;
        }

        var days = terms.Terms.InstallmentDays;
        var unit = Unit(minor);
        var units = rest / unit; // a whole number: rest has at most `minor` decimals
        var each = decimal.Floor(units / days.Count);
        var left = units - (each * days.Count);
        for (var i = 0; i < days.Count; i++)
        {
            plan.Add(new Installment(plan.Count + 1, issuedOn.AddDays(days[i]), (each + (i < left ? 1 : 0)) * unit));
        }

        return plan;
    }

    /// <summary>The currency's smallest amount: 0.01 for BRL, 1 for JPY, 0.001 for KWD.</summary>
    public static decimal Unit(int minorUnits)
    {
        var unit = 1m;
        for (var i = 0; i < minorUnits; i++)
        {
            unit /= 10;
        }

        return unit;
    }
}
