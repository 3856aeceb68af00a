using Agora.Core.Common;

namespace Agora.Core.Billing;

/// <summary>What is still owed on one installment of one invoice.</summary>
public sealed record OpenInstallment(string InvoiceId, int Number, DateOnly DueDate, decimal Open);

/// <summary>An installment a payment names (the boleto it paid).</summary>
public sealed record InstallmentRef(string InvoiceId, int Number);

/// <summary>The part of a payment that settles (part of) one installment.</summary>
public sealed record Allocated(string InvoiceId, int Number, decimal Amount);

/// <summary>How a payment was spread: the installments it settled, and what was left over, kept as the customer's credit.</summary>
public sealed record AllocationResult(IReadOnlyList<Allocated> Allocations, decimal Credit);

/// <summary>Spreads a payment over a customer's open installments (issue 12): the one it names first, if any, then the
/// oldest open one (by due date, then invoice, then installment), and so on; nothing is allocated past what an installment
/// still owes, and what remains is the customer's credit.</summary>
public static class PaymentAllocation
{
    public static AllocationResult Allocate(IReadOnlyList<OpenInstallment> open, decimal amount, InstallmentRef? named = null)
    {
        ArgumentNullException.ThrowIfNull(open);
        if (amount <= 0)
        {
            throw DomainException.Invalid("amount", "must be more than zero.");
        }

        if (named is not null && !open.Any(i => i.InvoiceId == named.InvoiceId && i.Number == named.Number))
        {
            throw DomainException.Invalid("installment", $"invoice '{named.InvoiceId}' has no open installment {named.Number}.");
        }

        var order = open.Where(i => i.Open > 0)
            .OrderBy(i => named is not null && i.InvoiceId == named.InvoiceId && i.Number == named.Number ? 0 : 1)
            .ThenBy(i => i.DueDate)
            .ThenBy(i => i.InvoiceId, StringComparer.Ordinal)
            .ThenBy(i => i.Number);
        var allocations = new List<Allocated>();
        var left = amount;
        foreach (var installment in order)
        {
            if (left == 0)
            {
                break;
            }

            var part = Math.Min(left, installment.Open);
            allocations.Add(new Allocated(installment.InvoiceId, installment.Number, part));
            left -= part;
        }

        return new AllocationResult(allocations, left);
    }
}

/// <summary>One line of a customer's statement.</summary>
public enum LedgerKind
{
    Invoice,
    CreditNote,
    Payment,
}

/// <summary>An entry of a customer account's ledger: an amount the customer owes (an invoice) or no longer owes (a credit
/// note, a payment), positive in each case.</summary>
public sealed record LedgerEntry(DateTimeOffset At, LedgerKind Kind, string Reference, decimal Amount);

/// <summary>A statement line: the entry and the balance after it.</summary>
public sealed record StatementLine(LedgerEntry Entry, decimal Balance);

/// <summary>A customer account's statement: its entries in time order with the running balance. The balance is invoices −
/// credit notes − payments: positive, the customer owes; negative, the customer has credit.</summary>
public sealed record Statement(IReadOnlyList<StatementLine> Lines, decimal Balance)
{
    public static Statement Of(IEnumerable<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var lines = new List<StatementLine>();
        var balance = 0m;
        foreach (var entry in entries.OrderBy(e => e.At).ThenBy(e => e.Kind).ThenBy(e => e.Reference, StringComparer.Ordinal))
        {
            balance += entry.Kind == LedgerKind.Invoice ? entry.Amount : -entry.Amount;
            lines.Add(new StatementLine(entry, balance));
        }

        return new Statement(lines, balance);
    }
}
