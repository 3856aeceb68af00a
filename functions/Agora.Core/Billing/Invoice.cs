using Agora.Core.Ordering;

namespace Agora.Core.Billing;

/// <summary>An invoice, or a credit note that corrects one (issue 12). Once issued it never changes and is never deleted:
/// what is paid on it lives in the customer's ledger, and a correction is a credit note with its own series and number.</summary>
public enum InvoiceKind
{
    Invoice,
    CreditNote,
}

/// <summary>A party as the document names it: its organization id, legal name, tax id (CNPJ, VAT number) and address.</summary>
public sealed record InvoiceParty(string OrganizationId, string Name, string? TaxId, Address? Address);

/// <summary>One line: what was delivered (or credited), in its sale unit, at the price of the order it comes from.</summary>
public sealed record InvoiceLine(int Line, string Sku, string Name, string Unit, decimal Quantity, decimal UnitPrice, decimal Total, string OrderId, string OrderNumber);

public sealed record Invoice
{
    /// <summary>Derived from what it invoices (the shipment, or the order), so issuing it twice is one invoice.</summary>
    public required string Id { get; init; }

    public required InvoiceKind Kind { get; init; }

    public required string SupplierId { get; init; }

    public required string BuyerId { get; init; }

    /// <summary>The numbering series (<see cref="IInvoiceNumbers"/>): the supplier's invoice series, or its credit-note series.</summary>
    public required string Series { get; init; }

    /// <summary>Gap-free within <see cref="Series"/>, in issue order.</summary>
    public required long Number { get; init; }

    public required InvoiceParty Seller { get; init; }

    public required InvoiceParty Buyer { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<InvoiceLine> Lines { get; init; }

    /// <summary>The sum of the lines (each already rounded to the currency).</summary>
    public required decimal Total { get; init; }

    /// <summary>When it falls due, adding up to <see cref="Total"/> (<see cref="Installments.Split"/>); none for a credit note.</summary>
    public required IReadOnlyList<Installment> Installments { get; init; }

    /// <summary>The payment terms as the customer knows them ("30/60/90"; with a deposit or prepayment said in words).</summary>
    public required string PaymentTerms { get; init; }

    public required DateOnly IssuedOn { get; init; }

    public required DateTimeOffset IssuedAt { get; init; }

    /// <summary>The buyer's purchase order numbers of the orders it covers, as their accounts payable match them.</summary>
    public IReadOnlyList<string> PurchaseOrderNumbers { get; init; } = [];

    /// <summary>The shipment it invoices, when the supplier invoices per shipment.</summary>
    public string? ShipmentId { get; init; }

    /// <summary>For a credit note: the invoice it corrects and why.</summary>
    public string? CorrectsInvoiceId { get; init; }

    public string? Reason { get; init; }

    /// <summary>The language of its printed form: pt-BR or en.</summary>
    public required string Language { get; init; }

    /// <summary>The number as printed: series and number, zero-padded (<c>NF1-000042</c>).</summary>
    public string DisplayNumber => $"{Series.ToUpperInvariant()}-{Number.ToString("D6", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>The printed form of an invoice or credit note, as a buyer files it.</summary>
public interface IInvoiceDocuments
{
    /// <summary>The document as a PDF in its <see cref="Invoice.Language"/>.</summary>
    byte[] Pdf(Invoice invoice);
}
