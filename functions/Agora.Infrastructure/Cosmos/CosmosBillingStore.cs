using Agora.Core.Billing;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Invoices and credit notes in <c>sales</c>, each in the partition of its own id; their summaries beside the
/// order summaries in the supplier's and the buyer's partitions of <c>organizations</c>; the supplier's billing settings
/// in its partition there. A document's item id is <c>invoice:{id}</c>, not the bare id: invoice ids are derived from
/// shipment ids, and a shipment lives in the partition of its own id in the same container.</summary>
public sealed class CosmosBillingStore(CosmosContainers cosmos) : IBillingStore
{
    private const string Type = "invoice";
    private const string SalesInvoice = "salesInvoice";
    private const string PurchaseInvoice = "purchaseInvoice";
    private const string SettingsId = "billingSettings";

    private Container Sales => cosmos.Get(Containers.Sales);

    private Container Organizations => cosmos.Get(Containers.Organizations);

    public async Task<Versioned<BillingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<BillingSettings>(Organizations, SettingsId, supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? Versions.NotStored(BillingSettings.Default) : new Versioned<BillingSettings>(document.Data, document.ETag!);
    }

    public Task<Versioned<BillingSettings>> SaveSettingsAsync(string supplierId, BillingSettings settings, string? ifMatch, CancellationToken cancellationToken) =>
        CosmosContainers.CreateOrReplaceAsync(Organizations, new Document<BillingSettings> { Id = SettingsId, Pk = supplierId, Type = SettingsId, Data = settings }, ifMatch,
            "The billing settings", cancellationToken);

    public async Task<Invoice?> FindAsync(string invoiceId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<Invoice>(Sales, $"{Type}:{invoiceId}", invoiceId, cancellationToken).ConfigureAwait(false);
        return document?.Type == Type ? document.Data : null;
    }

    /// <summary>A create, never a replace: an issued document is immutable, so the first one written stays.</summary>
    public async Task<Invoice> CreateIfAbsentAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        try
        {
            await CosmosContainers.CreateAsync(Sales, new Document<Invoice> { Id = $"{Type}:{invoice.Id}", Pk = invoice.Id, Type = Type, Data = invoice }, "stored", cancellationToken).ConfigureAwait(false);
            return invoice;
        }
        catch (DomainException e) when (e.IsWriteConflict)
        {
            return await FindAsync(invoice.Id, cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException($"Invoice '{invoice.Id}' exists and cannot be read.");
        }
    }

    public async Task UpsertAsync(InvoiceSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var index = new Dictionary<string, object?>
        {
            ["buyerId"] = summary.BuyerId,
            ["supplierId"] = summary.SupplierId,
            ["invoice"] = summary.Kind == InvoiceKind.Invoice,
            ["open"] = summary.Open > 0,
            ["nextDue"] = summary.NextDueDate?.DayNumber,
        };
        var sortKey = CosmosSalesIndex.Newest(summary.IssuedAt, summary.Id);
        await CosmosContainers.UpsertAsync(Organizations, new Document<InvoiceSummary> { Id = $"{Type}:{summary.Id}", Pk = summary.SupplierId, Type = SalesInvoice, SortKey = sortKey, Data = summary, Index = index },
            cancellationToken).ConfigureAwait(false);
        await CosmosContainers.UpsertAsync(Organizations, new Document<InvoiceSummary> { Id = $"{Type}:{summary.Id}", Pk = summary.BuyerId, Type = PurchaseInvoice, SortKey = sortKey, Data = summary, Index = index },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A create of <c>payment:{id}</c> in the supplier's partition, expiring with the ledger's retention, like
    /// the checkout claims.</summary>
    public async Task<string> ClaimPaymentAsync(string supplierId, string paymentId, string buyerId, CancellationToken cancellationToken)
    {
        var id = $"payment:{paymentId}";
        try
        {
            await CosmosContainers.CreateAsync(Organizations, new Document<string> { Id = id, Pk = supplierId, Type = "paymentClaim", Data = buyerId, Ttl = (CustomerLedger.RetentionDays + 1) * 24 * 3600 },
                "claimed", cancellationToken).ConfigureAwait(false);
            return buyerId;
        }
        catch (DomainException e) when (e.IsWriteConflict)
        {
            return (await CosmosContainers.ReadAsync<string>(Organizations, id, supplierId, cancellationToken).ConfigureAwait(false))?.Data ?? buyerId;
        }
    }

    public Task<Page<InvoiceSummary>> ListAsync(string orgId, OrderSide side, InvoiceFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var clauses = new List<string>();
        var parameters = new Dictionary<string, object>();
        if (filter.CounterpartyId is { } party)
        {
            clauses.Add(side == OrderSide.Sales ? "c.index.buyerId = @party" : "c.index.supplierId = @party");
            parameters["@party"] = party;
        }

        switch (filter.Status)
        {
            case InvoiceStatus.Open:
                clauses.Add("c.index.open = true");
                break;
            case InvoiceStatus.Overdue:
                clauses.Add("c.index.open = true AND c.index.nextDue < @today");
                parameters["@today"] = filter.Today.DayNumber;
                break;
            case InvoiceStatus.Paid:
                clauses.Add("c.index.invoice = true AND c.index.open = false");
                break;
        }

        return CosmosContainers.PageAsync<InvoiceSummary>(Organizations, orgId, side == OrderSide.Sales ? SalesInvoice : PurchaseInvoice, after, limit,
            clauses.Count == 0 ? null : string.Join(" AND ", clauses), parameters, cancellationToken);
    }
}
