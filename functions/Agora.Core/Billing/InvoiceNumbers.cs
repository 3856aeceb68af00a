namespace Agora.Core.Billing;

/// <summary>Gap-free invoice numbers per supplier and series (issue 12; decision 0018): 1, 2, 3… in the order they were
/// taken, under any number of concurrent issuers on any number of instances, and the same number for the same invoice
/// however often its issuing is retried. Several countries require it (NL, SE, FR, BE; Brazil's NF-e series).</summary>
/// <remarks>A number is bound to an invoice id when taken, so the only way to leave a gap would be to take a number and
/// never write its invoice: the issuer writes the invoice with the number it was given (retrying until it is stored,
/// which the queue that drives issuing does), then <see cref="SettleAsync"/>s it. <see cref="UnsettledAsync"/> lists the
/// numbers taken whose invoice was not yet confirmed written, for the sweep that finishes them.</remarks>
public interface IInvoiceNumbers
{
    /// <summary>The number of <paramref name="invoiceId"/> in <paramref name="series"/>: the next one the first time, the
    /// same one every later time until it is settled and aged out.</summary>
    Task<long> TakeAsync(string supplierId, string series, string invoiceId, CancellationToken cancellationToken);

    /// <summary>Records that the invoice holding its number is stored.</summary>
    Task SettleAsync(string supplierId, string series, string invoiceId, CancellationToken cancellationToken);

    /// <summary>Numbers taken and not yet settled, oldest first.</summary>
    Task<IReadOnlyList<(long Number, string InvoiceId)>> UnsettledAsync(string supplierId, string series, CancellationToken cancellationToken);
}
