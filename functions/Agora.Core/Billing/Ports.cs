using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Billing;

/// <summary>Where an invoice stands for listings: still owed (<see cref="Open"/>, of which <see cref="Overdue"/> is past its
/// due date), or nothing left to pay (<see cref="Paid"/>, also when credited). Credit notes are <see cref="Credit"/>.</summary>
public enum InvoiceStatus
{
    Open,
    Overdue,
    Paid,
    Credit,
}

/// <summary>What listings show of an invoice or credit note, kept beside the supplier's and the buyer's other data (like
/// <see cref="OrderSummary"/>) and rewritten with every ledger change that touches it (a payment, a credit note).</summary>
/// <param name="Open">What is still owed on it.</param>
/// <param name="NextDueDate">The due date of its oldest open installment; none once nothing is owed.</param>
public sealed record InvoiceSummary(
    string Id,
    InvoiceKind Kind,
    string Number,
    string SupplierId,
    string SupplierName,
    string BuyerId,
    string BuyerName,
    string OrderId,
    string? CorrectsInvoiceId,
    string Currency,
    decimal Total,
    decimal Open,
    DateOnly IssuedOn,
    DateTimeOffset IssuedAt,
    DateOnly? NextDueDate)
{
    /// <summary>As of <paramref name="today"/>.</summary>
    public InvoiceStatus Status(DateOnly today) =>
        Kind == InvoiceKind.CreditNote ? InvoiceStatus.Credit
        : Open <= 0 ? InvoiceStatus.Paid
        : NextDueDate < today ? InvoiceStatus.Overdue
        : InvoiceStatus.Open;

    public static InvoiceSummary Of(CustomerLedger ledger, LedgerInvoice entry) => new(
        entry.Id, entry.Kind, entry.Number, ledger.SupplierId, ledger.SupplierName ?? ledger.SupplierId, ledger.BuyerId, ledger.BuyerName ?? ledger.BuyerId, entry.OrderId,
        entry.CorrectsInvoiceId, ledger.Currency ?? string.Empty, entry.Total, entry.Kind == InvoiceKind.Invoice ? entry.Open : 0, entry.IssuedOn, entry.IssuedAt,
        entry.Installments.Where(i => i.Open > 0).Select(i => (DateOnly?)i.DueDate).Min());
}

/// <summary>A listing's filter: the other organization, and the status as of today.</summary>
public sealed record InvoiceFilter(string? CounterpartyId, InvoiceStatus? Status, DateOnly Today);

/// <summary>Issued invoices and credit notes (never replaced, never deleted), their summaries in both organizations'
/// partitions, and each supplier's billing settings.</summary>
public interface IBillingStore
{
    Task<Versioned<BillingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken);

    Task<Versioned<BillingSettings>> SaveSettingsAsync(string supplierId, BillingSettings settings, string? ifMatch, CancellationToken cancellationToken);

    Task<Invoice?> FindAsync(string invoiceId, CancellationToken cancellationToken);

    /// <summary>Stores the document if no document has its id; either way returns the one stored (the first one written).</summary>
    Task<Invoice> CreateIfAbsentAsync(Invoice invoice, CancellationToken cancellationToken);

    Task UpsertAsync(InvoiceSummary summary, CancellationToken cancellationToken);

    /// <summary>Binds the supplier's payment id to <paramref name="buyerId"/> the first time (kept as long as the ledger keeps
    /// payments); returns the customer it is bound to, so the same id sent for another customer is refused.</summary>
    Task<string> ClaimPaymentAsync(string supplierId, string paymentId, string buyerId, CancellationToken cancellationToken);

    /// <summary>Newest first, in <paramref name="orgId"/>'s partition: what it billed (sales) or was billed (purchases).</summary>
    Task<Page<InvoiceSummary>> ListAsync(string orgId, OrderSide side, InvoiceFilter filter, string? after, int limit, CancellationToken cancellationToken);
}
