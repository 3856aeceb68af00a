using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Notifications;
using Agora.Core.Ordering;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Billing;

/// <summary>Issue the invoice of <paramref name="Parts"/> of order <paramref name="OrderId"/> (quantities in the order line's
/// sale unit), under the id <paramref name="InvoiceId"/> the caller derives from what it invoices.</summary>
public sealed record IssueRequest(string InvoiceId, string OrderId, IReadOnlyList<BilledPart> Parts, string? ShipmentId);

/// <summary>Credit <paramref name="Parts"/> of invoice <paramref name="InvoiceId"/> (returned goods), under the id
/// <paramref name="CreditNoteId"/> the caller derives from the return.</summary>
public sealed record CreditRequest(string CreditNoteId, string InvoiceId, IReadOnlyList<BilledPart> Parts, string Reason);

/// <summary>Issuing invoices and credit notes (issue 12; decisions 0018, 0018c). Fulfilment decides when (per shipment or
/// per order, from <see cref="SettingsAsync"/>) and calls it from a queue handler that retries until it succeeds; this
/// decides what: the lines at the order's prices, the installments from the order's payment terms, a gap-free number.
/// Each document is recorded in the customer's ledger in one conditional write with its outbox (the integration event,
/// the order's timeline entry, the buyer's emails), then stored, then its number settled. Everything is keyed by the
/// caller's id, so a retry or a duplicate message returns the same document with the same number and tells nobody twice.</summary>
public sealed partial class BillingService(
    ISalesDocuments<Order> orders,
    ISalesDocuments<CustomerLedger> ledgers,
    IBillingStore store,
    IInvoiceNumbers numbers,
    IOrganizationStore organizations,
    IDueIndex due,
    SalesSignal outbox,
    TimeProvider clock,
    ILogger<BillingService> logger)
{
    /// <summary>Due entries that ask the sweep to settle the numbers of a supplier's series.</summary>
    public const string NumbersDueKind = "invoiceNumbers";

    /// <summary>How long after a number is taken the sweep looks at it: issuing normally settles it within seconds.</summary>
    public static readonly TimeSpan SettleGrace = TimeSpan.FromMinutes(10);

    /// <summary>The supplier's billing settings (<see cref="BillingSettings.Default"/> when never set).</summary>
    public async Task<BillingSettings> SettingsAsync(string supplierId, CancellationToken cancellationToken) =>
        (await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false)).Value;

    /// <summary>Issues the invoice of the request's parts, idempotent by its id.</summary>
    /// <exception cref="DomainException">The order is not found (404), waits for approval or ended (422), or the parts ask for
    /// more than is left to invoice (400).</exception>
    public async Task<Invoice> IssueAsync(IssueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Check(request.InvoiceId, "invoiceId", request.Parts);
        var v = new Validation();
        v.Check(Ids.IsWellFormed(request.OrderId), "orderId", "must be an order id.");
        v.Check(request.ShipmentId is null || Ids.IsWellFormed(request.ShipmentId), "shipmentId", "must be a shipment id.");
        v.ThrowIfInvalid();
        if (await store.FindAsync(request.InvoiceId, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return await FinishAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        var order = (await orders.FindAsync(request.OrderId, cancellationToken).ConfigureAwait(false))?.Value ?? throw DomainException.NotFound("Order", request.OrderId);
        if (order.Status is OrderStatus.PendingApproval or OrderStatus.Cancelled or OrderStatus.Rejected)
        {
            throw DomainException.Unprocessable("orderId", $"Order {order.Number} is {OrderLifecycle.Name(order.Status)}; only an order the supplier has accepted is invoiced.");
        }

        var settings = await SettingsAsync(order.SupplierId, cancellationToken).ConfigureAwait(false);
        var (seller, buyer, buyerOrg) = await PartiesAsync(order, cancellationToken).ConfigureAwait(false);
        var terms = new InvoiceTerms(order.PaymentTerms, settings.DepositPercent, settings.Prepayment);
        var language = settings.Language ?? (buyerOrg?.Country == "BR" ? "pt-BR" : "en");
        var ledgerNow = (await ledgers.FindAsync(CustomerLedger.IdOf(order.SupplierId, order.BuyerId), cancellationToken).ConfigureAwait(false))?.Value;
        if (ledgerNow?.InvoiceOf(request.InvoiceId)?.Pending is { } recorded)
        {
            // Recorded by an attempt that did not finish: finish it with the number it took, whatever the settings say now.
            return await FinishAsync(recorded, cancellationToken).ConfigureAwait(false);
        }

        if (ledgerNow?.InvoiceOf(request.InvoiceId) is null)
        {
            // Drafted once before a number is taken, so a request that asks for too much is refused without using up a number.
            _ = InvoiceDrafts.Invoice(order, request.Parts, ledgerNow?.BilledOf(order.Id) ?? new Dictionary<int, BilledSoFar>(), seller, buyer, terms,
                new InvoiceDrafts.Numbering(request.InvoiceId, settings.InvoiceSeries, 0, clock.GetUtcNow(), language), request.ShipmentId);
        }

        var number = await TakeAsync(order.SupplierId, settings.InvoiceSeries, request.InvoiceId, cancellationToken).ConfigureAwait(false);
        var numbering = new InvoiceDrafts.Numbering(request.InvoiceId, settings.InvoiceSeries, number, clock.GetUtcNow(), language);
        var invoice = await RecordAsync(order.SupplierId, order.BuyerId, request.InvoiceId, ledger =>
        {
            var draft = InvoiceDrafts.Invoice(order, request.Parts, ledger.BilledOf(order.Id), seller, buyer, terms, numbering, request.ShipmentId);
            var next = ledger.Record(draft, request.Parts, order, pending: true);
            return (next with { Outbox = IssuedFacts(next.Outbox, draft, order, buyerOrg) }, draft);
        }, cancellationToken).ConfigureAwait(false);
        return await FinishAsync(invoice, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A credit note against an issued invoice, idempotent by its id; never credits more than the invoice billed of
    /// a line (net of its earlier credit notes). What it credits beyond what is still owed becomes the customer's credit.</summary>
    public async Task<Invoice> CreditAsync(CreditRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Check(request.CreditNoteId, "creditNoteId", request.Parts);
        var v = new Validation();
        v.Check(Ids.IsWellFormed(request.InvoiceId), "invoiceId", "must be an invoice id.");
        var reason = v.RequiredText(request.Reason, "reason", 2000);
        v.ThrowIfInvalid();
        if (await store.FindAsync(request.CreditNoteId, cancellationToken).ConfigureAwait(false) is { } stored)
        {
            return await FinishAsync(stored, cancellationToken).ConfigureAwait(false);
        }

        var corrected = await store.FindAsync(request.InvoiceId, cancellationToken).ConfigureAwait(false);
        if (corrected is not { Kind: InvoiceKind.Invoice })
        {
            throw DomainException.NotFound("Invoice", request.InvoiceId);
        }

        var orderId = corrected.Lines.Count > 0 ? corrected.Lines[0].OrderId : throw DomainException.Unprocessable("invoiceId", $"Invoice {corrected.DisplayNumber} has no lines to credit.");
        var order = (await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false))?.Value ?? throw DomainException.NotFound("Order", orderId);
        var settings = await SettingsAsync(corrected.SupplierId, cancellationToken).ConfigureAwait(false);
        var buyerOrg = (await organizations.FindAsync(corrected.BuyerId, cancellationToken).ConfigureAwait(false))?.Value;
        var ledgerNow = (await ledgers.FindAsync(CustomerLedger.IdOf(corrected.SupplierId, corrected.BuyerId), cancellationToken).ConfigureAwait(false))?.Value;
        if (ledgerNow?.InvoiceOf(request.CreditNoteId)?.Pending is { } recorded)
        {
            return await FinishAsync(recorded, cancellationToken).ConfigureAwait(false);
        }

        if (ledgerNow?.InvoiceOf(request.CreditNoteId) is null)
        {
            // As for invoices: refused before a number is used up.
            var entry = ledgerNow?.InvoiceOf(corrected.Id)
                ?? throw DomainException.Unprocessable("invoiceId", $"Invoice {corrected.DisplayNumber} was settled more than {CustomerLedger.RetentionDays} days ago; it can no longer be credited here.");
            _ = InvoiceDrafts.CreditNote(order, corrected, request.Parts, entry.Billed.ToDictionary(l => l.LineIndex, l => new BilledSoFar(l.Quantity, l.Amount)), reason!,
                new InvoiceDrafts.Numbering(request.CreditNoteId, settings.CreditNoteSeries, 0, clock.GetUtcNow(), corrected.Language));
        }

        var number = await TakeAsync(corrected.SupplierId, settings.CreditNoteSeries, request.CreditNoteId, cancellationToken).ConfigureAwait(false);
        var numbering = new InvoiceDrafts.Numbering(request.CreditNoteId, settings.CreditNoteSeries, number, clock.GetUtcNow(), corrected.Language);
        var note = await RecordAsync(corrected.SupplierId, corrected.BuyerId, request.CreditNoteId, ledger =>
        {
            var entry = ledger.InvoiceOf(corrected.Id)
                ?? throw DomainException.Unprocessable("invoiceId", $"Invoice {corrected.DisplayNumber} was settled more than {CustomerLedger.RetentionDays} days ago; it can no longer be credited here.");
            var billed = entry.Billed.ToDictionary(l => l.LineIndex, l => new BilledSoFar(l.Quantity, l.Amount));
            var draft = InvoiceDrafts.CreditNote(order, corrected, request.Parts, billed, reason!, numbering);
            var next = ledger.RecordCredit(draft, request.Parts, entry, pending: true);
            return (next with { Outbox = CreditedFacts(next.Outbox, draft, corrected, order, buyerOrg) }, draft);
        }, cancellationToken).ConfigureAwait(false);
        return await FinishAsync(note, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The sweep's side of numbering: settles the numbers of a series whose invoice is stored, and logs (and keeps
    /// due) those whose invoice is missing, for an operator: issuing retries until it stores them, so a missing one means
    /// its queue message went to the poison queue.</summary>
    public async Task SettleNumbersAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var missing = 0;
        foreach (var (number, invoiceId) in await numbers.UnsettledAsync(entry.OrgId, entry.Id, cancellationToken).ConfigureAwait(false))
        {
            if (await store.FindAsync(invoiceId, cancellationToken).ConfigureAwait(false) is not null)
            {
                await numbers.SettleAsync(entry.OrgId, entry.Id, invoiceId, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                missing++;
                LogNumberWithoutInvoice(logger, entry.OrgId, entry.Id, number, invoiceId);
            }
        }

        if (missing > 0)
        {
            throw new IncompleteWorkException($"{missing} numbers of series '{entry.Id}' of supplier '{entry.OrgId}' have no stored invoice yet.");
        }
    }

    /// <summary>Rewrites the listings' summaries of <paramref name="invoiceIds"/> from the ledger as it is now.</summary>
    public async Task IndexAsync(string supplierId, string buyerId, IEnumerable<string> invoiceIds, CancellationToken cancellationToken)
    {
        var ledger = (await ledgers.FindAsync(CustomerLedger.IdOf(supplierId, buyerId), cancellationToken).ConfigureAwait(false))?.Value;
        foreach (var id in invoiceIds.Distinct(StringComparer.Ordinal))
        {
            if (ledger?.InvoiceOf(id) is { } entry)
            {
                await store.UpsertAsync(InvoiceSummary.Of(ledger, entry), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void Check(string id, string field, IReadOnlyList<BilledPart> parts)
    {
        var v = new Validation();
        v.Check(Ids.IsWellFormed(id), field, "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        v.Check(parts is { Count: > 0 and <= Order.MaxLines }, "lines", $"must name 1 to {Order.MaxLines} parts of the order's lines.");
        v.ThrowIfInvalid();
    }

    private async Task<long> TakeAsync(string supplierId, string series, string invoiceId, CancellationToken cancellationToken)
    {
        var number = await numbers.TakeAsync(supplierId, series, invoiceId, cancellationToken).ConfigureAwait(false);
        var at = clock.GetUtcNow() + SettleGrace;
        await due.AddAsync(new DueEntry(DueEntry.DayOf(at), series, NumbersDueKind, supplierId, at), cancellationToken).ConfigureAwait(false);
        return number;
    }

    /// <summary>Records the document <paramref name="record"/> drafts from the ledger as it is (again on a newer version after
    /// a lost race), unless the ledger has it already: then the document recorded first is the one returned.</summary>
    private async Task<Invoice> RecordAsync(string supplierId, string buyerId, string invoiceId, Func<CustomerLedger, (CustomerLedger Next, Invoice Draft)> record, CancellationToken cancellationToken)
    {
        var ledgerId = CustomerLedger.IdOf(supplierId, buyerId);
        var (written, invoice) = await Concurrency.RetryAsync("The customer's ledger", async _ =>
        {
            var current = await ledgers.FindAsync(ledgerId, cancellationToken).ConfigureAwait(false);
            var ledger = current?.Value ?? CustomerLedger.Empty(supplierId, buyerId, clock.GetUtcNow());
            if (ledger.InvoiceOf(invoiceId) is { } recorded)
            {
                return (current!.Value, recorded.Pending ?? await store.FindAsync(invoiceId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"Invoice '{invoiceId}' is in the ledger '{ledgerId}' but neither pending nor stored."));
            }

            var (next, draft) = record(ledger);
            next = next.Trim(clock.GetUtcNow()) with { UpdatedAt = clock.GetUtcNow() };
            var stored = current is null
                ? await ledgers.CreateAsync(next, cancellationToken).ConfigureAwait(false)
                : await ledgers.ReplaceAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
            return (stored.Value, draft);
        }).ConfigureAwait(false);
        LogRecorded(logger, invoice.Kind, invoice.Id, invoice.DisplayNumber, written.Id);
        return invoice;
    }

    /// <summary>Stores the document (if it is not yet), settles its number, lets the ledger stop carrying it, rewrites the
    /// summaries, and asks the queue to hand the outbox on. Every step is idempotent, so a retry finishes what a crash left.</summary>
    private async Task<Invoice> FinishAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        var stored = await store.CreateIfAbsentAsync(invoice, cancellationToken).ConfigureAwait(false);
        await numbers.SettleAsync(stored.SupplierId, stored.Series, stored.Id, cancellationToken).ConfigureAwait(false);
        var ledgerId = CustomerLedger.IdOf(stored.SupplierId, stored.BuyerId);
        var ledger = await Concurrency.RetryAsync("The customer's ledger", async _ =>
        {
            var current = await ledgers.FindAsync(ledgerId, cancellationToken).ConfigureAwait(false);
            if (current?.Value.InvoiceOf(stored.Id) is not { Pending: not null })
            {
                return current?.Value;
            }

            return (await ledgers.ReplaceAsync(current.Value.Stored(stored.Id), current.ETag, cancellationToken).ConfigureAwait(false)).Value;
        }).ConfigureAwait(false);
        if (ledger is not null)
        {
            await OverdueService.ScheduleAsync(due, stored.SupplierId, ledgerId, stored.Installments.Select(i => i.DueDate), cancellationToken).ConfigureAwait(false);
            await IndexAsync(stored.SupplierId, stored.BuyerId, [stored.Id, .. stored.CorrectsInvoiceId is { } c ? [c] : Array.Empty<string>()], cancellationToken).ConfigureAwait(false);
            await outbox.SignalAsync(ledger, cancellationToken).ConfigureAwait(false);
        }

        return stored;
    }

    private async Task<(InvoiceParty Seller, InvoiceParty Buyer, Organization? BuyerOrg)> PartiesAsync(Order order, CancellationToken cancellationToken)
    {
        var supplierTask = organizations.FindAsync(order.SupplierId, cancellationToken);
        var buyerTask = organizations.FindAsync(order.BuyerId, cancellationToken);
        var supplier = (await supplierTask.ConfigureAwait(false))?.Value;
        var buyer = (await buyerTask.ConfigureAwait(false))?.Value;
        return (new InvoiceParty(order.SupplierId, supplier?.Name ?? order.SupplierName, supplier?.TaxId, null),
            new InvoiceParty(order.BuyerId, buyer?.Name ?? order.BuyerName, buyer?.TaxId, order.DeliveryAddress), buyer);
    }

    private Outbox IssuedFacts(Outbox box, Invoice invoice, Order order, Organization? buyer)
    {
        var money = CheckoutService.Money(invoice.Total, invoice.Currency);
        var dues = string.Join(", ", invoice.Installments.Select(i => $"{CheckoutService.Money(i.Amount, invoice.Currency)} on {i.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"));
        var summary = $"Invoice {invoice.DisplayNumber} issued for {money} ({invoice.Lines.Count} lines{(invoice.ShipmentId is null ? string.Empty : $", shipment {invoice.ShipmentId}")}); due: {dues}.";
        return box
            .Add(SalesFacts.Entry(clock, order.Subject, Actor.System(order.SupplierId), "invoiced", summary, Visibility.Both))
            .Add(Event("invoice.issued", invoice))
            .Add(Emails(order, buyer, $"Invoice {invoice.DisplayNumber} from {order.SupplierName}", $"{order.SupplierName} invoiced order {order.Number}: {money}.", $"Due: {dues}.", invoice));
    }

    private Outbox CreditedFacts(Outbox box, Invoice note, Invoice corrected, Order order, Organization? buyer)
    {
        var money = CheckoutService.Money(note.Total, note.Currency);
        var summary = $"Credit note {note.DisplayNumber} issued for {money} against invoice {corrected.DisplayNumber}: {note.Reason}";
        return box
            .Add(SalesFacts.Entry(clock, order.Subject, Actor.System(order.SupplierId), "credited", summary, Visibility.Both))
            .Add(Event("credit-note.issued", note))
            .Add(Emails(order, buyer, $"Credit note {note.DisplayNumber} from {order.SupplierName}", $"{order.SupplierName} credited {money} of invoice {corrected.DisplayNumber}.", note.Reason ?? string.Empty, note));
    }

    private IntegrationEvent Event(string type, Invoice invoice) =>
        IntegrationEvent.Create(Ids.New(clock), type, invoice.SupplierId, $"invoice:{invoice.Id}", clock.GetUtcNow(), new
        {
            invoice = new
            {
                invoice.Id,
                invoice.Kind,
                number = invoice.DisplayNumber,
                invoice.Series,
                sequence = invoice.Number,
                invoice.SupplierId,
                invoice.BuyerId,
                invoice.Currency,
                invoice.Total,
                invoice.IssuedOn,
                invoice.Installments,
                invoice.ShipmentId,
                invoice.CorrectsInvoiceId,
                orderIds = invoice.Lines.Select(l => l.OrderId).Distinct(StringComparer.Ordinal).ToArray(),
            },
            href = $"/api/orgs/{invoice.SupplierId}/invoices/{invoice.Id}",
        });

    /// <summary>The order's placer and the buyer's admins, each once.</summary>
    private Notification[] Emails(Order order, Organization? buyer, string subject, string headline, string details, Invoice invoice)
    {
        var to = new List<(string Email, string? Name)>();
        if (order.PlacedBy.Email is { } placer)
        {
            to.Add((placer, order.PlacedBy.Name));
        }

        to.AddRange(buyer?.Members.Where(m => m.Has(Role.BuyerAdmin) && m.Email is not null).Select(m => (m.Email!, m.Name)) ?? []);
        return to.DistinctBy(t => t.Email, StringComparer.OrdinalIgnoreCase)
            .Select(t => SalesFacts.Email(clock, t.Email, t.Name, subject, headline, details, $"/invoices/{invoice.Id}")).ToArray();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recorded {Kind} {InvoiceId} ({Number}) in ledger {LedgerId}")]
    private static partial void LogRecorded(ILogger logger, InvoiceKind kind, string invoiceId, string number, string ledgerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Supplier {SupplierId} series {Series} number {Number} is bound to invoice {InvoiceId}, which is not stored: its issuing has not finished (see the poison queue)")]
    private static partial void LogNumberWithoutInvoice(ILogger logger, string supplierId, string series, long number, string invoiceId);
}
