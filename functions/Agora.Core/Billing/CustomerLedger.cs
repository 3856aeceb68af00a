using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Billing;

/// <summary>What an invoice (or credit note) billed of one order line: <see cref="BilledSoFar"/> with its line.</summary>
public sealed record BilledLine(int LineIndex, decimal Quantity, decimal Amount);

/// <summary>One installment of an invoice as the ledger follows it: what was issued, paid and credited on it, and the
/// reminder steps (days after the due date) already sent or passed.</summary>
public sealed record LedgerInstallment(int Number, DateOnly DueDate, decimal Amount, decimal Paid, decimal Credited, IReadOnlyList<int> Reminded)
{
    public decimal Open => Amount - Paid - Credited;
}

/// <summary>An invoice or credit note in its customer's ledger: enough to follow what is owed on it, to bound the credit
/// notes against it (<see cref="Billed"/>, net of the credit notes already issued) and to rebuild its statement line.
/// <see cref="Pending"/> holds the whole document from the moment the ledger records it until its own document is stored,
/// so a retry after a crash in between writes the same document, never a second draft.</summary>
public sealed record LedgerInvoice(
    string Id,
    InvoiceKind Kind,
    string Number,
    string OrderId,
    string? CorrectsInvoiceId,
    DateOnly IssuedOn,
    DateTimeOffset IssuedAt,
    decimal Total,
    IReadOnlyList<LedgerInstallment> Installments,
    IReadOnlyList<BilledLine> Billed,
    Invoice? Pending = null)
{
    public decimal Open => Installments.Sum(i => i.Open);
}

/// <summary>What an order has been invoiced so far per line, net of credit notes: <see cref="InvoiceDrafts"/> bills the rest
/// exactly from it.</summary>
public sealed record OrderBilling(string OrderId, IReadOnlyList<BilledLine> Lines)
{
    public decimal Amount => Lines.Sum(l => l.Amount);
}

/// <summary>A payment recorded from the supplier's ERP, with how it was spread; <see cref="ToCredit"/> went to the
/// customer's credit.</summary>
public sealed record LedgerPayment(string PaymentId, decimal Amount, DateOnly ReceivedOn, DateTimeOffset RecordedAt, string? Reference, IReadOnlyList<Allocated> Allocations, decimal ToCredit);

/// <summary>A customer account's ledger at one supplier (issue 12; decision 0018c): its invoices and credit notes with their
/// installments owed and paid, the customer's credit, what each order was billed so far, and the payments recorded. It is
/// one document in a partition of its own in <c>sales</c>, with an outbox, so every change that others must hear about
/// (an invoice issued, a payment received) is one conditional write, like an order's.</summary>
/// <remarks>Its size is bounded by <see cref="Trim"/>: payments older than <see cref="RetentionDays"/> (a payment may be
/// recorded at most <see cref="MaxPaymentAgeDays"/> days after it was received, so an id aged out can never come back), and
/// invoices fully paid or credited and issued before that, are folded into <see cref="Opening"/>, the balance brought
/// forward.</remarks>
public sealed record CustomerLedger : ISalesDocument
{
    /// <summary>How long settled invoices and recorded payment ids stay in the ledger.</summary>
    public const int RetentionDays = 400;

    /// <summary>How long after it was received a payment may be recorded: less than <see cref="RetentionDays"/>, so the
    /// ids kept always cover every payment that may still be sent.</summary>
    public const int MaxPaymentAgeDays = 365;

    public required string Id { get; init; }

    public string Kind => "ledger";

    public required string SupplierId { get; init; }

    public required string BuyerId { get; init; }

    /// <summary>The parties' names as the last invoice printed them, for listings.</summary>
    public string? SupplierName { get; init; }

    public string? BuyerName { get; init; }

    /// <summary>The currency of its first invoice (the customer account's): every amount of the ledger is in it.</summary>
    public string? Currency { get; init; }

    public IReadOnlyList<LedgerInvoice> Invoices { get; init; } = [];

    public IReadOnlyList<OrderBilling> Orders { get; init; } = [];

    public IReadOnlyList<LedgerPayment> Payments { get; init; } = [];

    /// <summary>What the customer paid or was credited beyond what it owed: used on its next invoices.</summary>
    public decimal Credit { get; init; }

    /// <summary>The balance of what <see cref="Trim"/> folded away (invoices − credit notes − payments).</summary>
    public decimal Opening { get; init; }

    public DateTimeOffset? OpeningAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public Outbox Outbox { get; init; } = Outbox.Empty;

    public string Subject => $"ledger:{Id}";

    public static string IdOf(string supplierId, string buyerId) => $"ledger.{supplierId}.{buyerId}";

    public static CustomerLedger Empty(string supplierId, string buyerId, DateTimeOffset now) =>
        new() { Id = IdOf(supplierId, buyerId), SupplierId = supplierId, BuyerId = buyerId, UpdatedAt = now };

    public LedgerInvoice? InvoiceOf(string invoiceId) => Invoices.FirstOrDefault(i => i.Id == invoiceId);

    public bool HasPayment(string paymentId) => Payments.Any(p => p.PaymentId == paymentId);

    /// <summary>What <paramref name="orderId"/> has been billed so far, per line, as <see cref="InvoiceDrafts"/> takes it.</summary>
    public IReadOnlyDictionary<int, BilledSoFar> BilledOf(string orderId) =>
        (Orders.FirstOrDefault(o => o.OrderId == orderId)?.Lines ?? []).ToDictionary(l => l.LineIndex, l => new BilledSoFar(l.Quantity, l.Amount));

    /// <summary>What is owed on open installments (before the customer's credit).</summary>
    public decimal OpenBalance => Invoices.Where(i => i.Kind == InvoiceKind.Invoice).Sum(i => i.Open);

    /// <summary>What the customer owes: invoices − credit notes − payments, negative when it has credit.</summary>
    public decimal Balance => OpenBalance - Credit;

    /// <summary>The open installments, as <see cref="PaymentAllocation"/> spreads a payment over them.</summary>
    public IReadOnlyList<OpenInstallment> OpenInstallments() =>
        Invoices.Where(i => i.Kind == InvoiceKind.Invoice).SelectMany(i => i.Installments.Where(n => n.Open > 0).Select(n => new OpenInstallment(i.Id, n.Number, n.DueDate, n.Open))).ToArray();

    /// <summary>The open installments as the overdue run and the checkout block see them.</summary>
    public IReadOnlyList<DueInstallment> DueInstallments() =>
        Invoices.Where(i => i.Kind == InvoiceKind.Invoice).SelectMany(i => i.Installments.Where(n => n.Open > 0)
            .Select(n => new DueInstallment(i.Id, i.Number, n.Number, n.DueDate, n.Open, Currency ?? string.Empty, n.Reminded.ToHashSet()))).ToArray();

    /// <summary>Records reminder steps as sent (or passed) for one installment.</summary>
    public CustomerLedger Reminded(string invoiceId, int number, IReadOnlyList<int> steps) => this with
    {
        Invoices = Invoices.Select(i => i.Id != invoiceId ? i : i with
        {
            Installments = i.Installments.Select(n => n.Number != number ? n : n with { Reminded = n.Reminded.Union(steps).Order().ToArray() }).ToArray(),
        }).ToArray(),
    };

    /// <summary>The statement: what <see cref="Trim"/> brought forward, then every invoice, credit note and payment kept.</summary>
    public Statement Statement()
    {
        var entries = new List<LedgerEntry>();
        if (Opening != 0)
        {
            // First, whatever the dates of the open invoices kept (an open invoice may be older than what was folded).
            var first = Invoices.Select(i => i.IssuedAt).Concat(Payments.Select(p => p.RecordedAt)).Append(OpeningAt ?? DateTimeOffset.UnixEpoch).Min();
            entries.Add(new LedgerEntry(first.AddTicks(-1), Opening > 0 ? LedgerKind.Invoice : LedgerKind.Payment, "balance brought forward", Math.Abs(Opening)));
        }

        entries.AddRange(Invoices.Select(i => new LedgerEntry(i.IssuedAt, i.Kind == InvoiceKind.Invoice ? LedgerKind.Invoice : LedgerKind.CreditNote, i.Number, i.Total)));
        entries.AddRange(Payments.Select(p => new LedgerEntry(p.RecordedAt, LedgerKind.Payment, p.PaymentId, p.Amount)));
        return Billing.Statement.Of(entries);
    }

    /// <summary>Records an issued invoice (still <paramref name="pending"/> its own document): its installments, what it billed
    /// of its order, and the customer's credit used on its installments, oldest first.</summary>
    public CustomerLedger Record(Invoice invoice, IReadOnlyList<BilledPart> parts, Order order, bool pending)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(order);
        var billed = parts.Select((p, i) => new BilledLine(p.LineIndex, p.Quantity, invoice.Lines[i].Total)).ToArray();
        var installments = invoice.Installments.Select(n => new LedgerInstallment(n.Number, n.DueDate, n.Amount, 0, 0, [])).ToList();
        var credit = Credit;
        if (credit > 0 && invoice.Total > 0)
        {
            var used = PaymentAllocation.Allocate(installments.Select(n => new OpenInstallment(invoice.Id, n.Number, n.DueDate, n.Open)).ToArray(), credit);
            foreach (var a in used.Allocations)
            {
                var at = installments.FindIndex(n => n.Number == a.Number);
                installments[at] = installments[at] with { Credited = installments[at].Credited + a.Amount };
            }

            credit = used.Credit;
        }

        var entry = new LedgerInvoice(invoice.Id, invoice.Kind, invoice.DisplayNumber, order.Id, null, invoice.IssuedOn, invoice.IssuedAt, invoice.Total, installments, billed,
            pending ? invoice : null);
        return this with
        {
            Currency = Currency ?? invoice.Currency,
            SupplierName = invoice.Seller.Name,
            BuyerName = invoice.Buyer.Name,
            Invoices = [.. Invoices, entry],
            Orders = AddBilled(order.Id, billed, 1),
            Credit = credit,
        };
    }

    /// <summary>Records a credit note against <paramref name="corrected"/>: it lowers what that invoice billed (and so what its
    /// order was billed), then what is still owed on it, latest installment first; what it credits beyond that becomes the
    /// customer's credit.</summary>
    public CustomerLedger RecordCredit(Invoice note, IReadOnlyList<BilledPart> parts, LedgerInvoice corrected, bool pending)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(corrected);
        var credited = parts.Select((p, i) => new BilledLine(p.LineIndex, p.Quantity, note.Lines[i].Total)).ToArray();
        var left = note.Total;
        var installments = corrected.Installments.ToArray();
        for (var i = installments.Length - 1; i >= 0 && left > 0; i--)
        {
            var part = Math.Min(left, installments[i].Open);
            installments[i] = installments[i] with { Credited = installments[i].Credited + part };
            left -= part;
        }

        var updated = corrected with { Installments = installments, Billed = Net(corrected.Billed, credited, -1) };
        var entry = new LedgerInvoice(note.Id, InvoiceKind.CreditNote, note.DisplayNumber, corrected.OrderId, corrected.Id, note.IssuedOn, note.IssuedAt, note.Total, [], credited,
            pending ? note : null);
        return this with
        {
            Invoices = [.. Invoices.Select(i => i.Id == corrected.Id ? updated : i), entry],
            Orders = AddBilled(corrected.OrderId, credited, -1),
            Credit = Credit + left,
        };
    }

    /// <summary>Records a payment spread by <see cref="PaymentAllocation"/>: the installments it settled, the rest as credit.</summary>
    public CustomerLedger RecordPayment(LedgerPayment payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var invoices = Invoices.Select(i =>
        {
            var mine = payment.Allocations.Where(a => a.InvoiceId == i.Id).ToArray();
            return mine.Length == 0 ? i : i with
            {
                Installments = i.Installments.Select(n => mine.Where(a => a.Number == n.Number).Sum(a => a.Amount) is var paid and > 0 ? n with { Paid = n.Paid + paid } : n).ToArray(),
            };
        }).ToArray();
        return this with { Invoices = invoices, Payments = [.. Payments, payment], Credit = Credit + payment.ToCredit };
    }

    /// <summary>Marks the document of <paramref name="invoiceId"/> as stored: the ledger stops carrying it.</summary>
    public CustomerLedger Stored(string invoiceId) => this with { Invoices = Invoices.Select(i => i.Id == invoiceId && i.Pending is not null ? i with { Pending = null } : i).ToArray() };

    /// <summary>Folds what is settled and older than <see cref="RetentionDays"/> into <see cref="Opening"/>: payments, and
    /// invoices with nothing open (with their credit notes); an order's billing goes with its last invoice.</summary>
    public CustomerLedger Trim(DateTimeOffset now)
    {
        var before = now.AddDays(-RetentionDays);
        var oldPayments = Payments.Where(p => p.RecordedAt < before).ToArray();
        var oldInvoices = Invoices.Where(i => i.Kind == InvoiceKind.Invoice && i.Pending is null && i.Open == 0 && i.IssuedAt < before
            && !Invoices.Any(n => n.CorrectsInvoiceId == i.Id && (n.IssuedAt >= before || n.Pending is not null))).Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        if (oldPayments.Length == 0 && oldInvoices.Count == 0)
        {
            return this;
        }

        var dropped = Invoices.Where(i => oldInvoices.Contains(i.Id) || (i.CorrectsInvoiceId is { } c && oldInvoices.Contains(c))).ToArray();
        var kept = Invoices.Except(dropped).ToArray();
        var opening = Opening + dropped.Sum(i => i.Kind == InvoiceKind.Invoice ? i.Total : -i.Total) - oldPayments.Sum(p => p.Amount);
        return this with
        {
            Invoices = kept,
            Payments = Payments.Except(oldPayments).ToArray(),
            Orders = Orders.Where(o => kept.Any(i => i.OrderId == o.OrderId)).ToArray(),
            Opening = opening,
            OpeningAt = before,
        };
    }

    private OrderBilling[] AddBilled(string orderId, IReadOnlyList<BilledLine> lines, int sign)
    {
        var existing = Orders.FirstOrDefault(o => o.OrderId == orderId);
        var next = new OrderBilling(orderId, Net(existing?.Lines ?? [], lines, sign));
        return existing is null ? [.. Orders, next] : Orders.Select(o => o.OrderId == orderId ? next : o).ToArray();
    }

    private static BilledLine[] Net(IReadOnlyList<BilledLine> current, IReadOnlyList<BilledLine> change, int sign)
    {
        var lines = current.ToDictionary(l => l.LineIndex);
        foreach (var c in change)
        {
            var was = lines.GetValueOrDefault(c.LineIndex) ?? new BilledLine(c.LineIndex, 0, 0);
            lines[c.LineIndex] = was with { Quantity = was.Quantity + (sign * c.Quantity), Amount = was.Amount + (sign * c.Amount) };
        }

        return lines.Values.OrderBy(l => l.LineIndex).ToArray();
    }
}
