using Agora.Core.Accounts;
using Agora.Core.Inventory;
using Agora.Core.Pricing;

namespace Agora.Core.Ordering;

public enum OrderStatus
{
    /// <summary>Waiting for the approvals its rules require (buyer's first, then supplier's); stock is held meanwhile.</summary>
    PendingApproval,

    /// <summary>Approved where needed and handed to the supplier.</summary>
    Placed,

    /// <summary>The supplier accepted it.</summary>
    Confirmed,

    PartiallyShipped,
    Shipped,
    Delivered,
    Invoiced,
    Paid,

    /// <summary>Withdrawn by the buyer, refused by the supplier, or left unapproved past the supplier's time.</summary>
    Cancelled,

    /// <summary>An approver said no.</summary>
    Rejected,
}

/// <summary>A line as it was sold: the full explained price of the quote it was checked out at (list, tier, every
/// adjustment), the product's name then, its quantity in base units, and where its stock is held.</summary>
/// <param name="Held">The stock held for it per warehouse, in base units.</param>
/// <param name="Backordered">Base units the supplier's backorder policy let the buyer order beyond what was available.</param>
public sealed record OrderLine(QuoteLine Price, string Name, decimal BaseQuantity, IReadOnlyList<Allocation> Held, decimal Backordered);

/// <summary>Where an order's stock stands: held at checkout, released when it is cancelled, rejected or expires (by the
/// queue, once, from <see cref="Order.Outbox"/>'s change).</summary>
public enum StockState
{
    Held,

    /// <summary>The order ended before shipping; its holds are being released.</summary>
    Releasing,

    Released,
}

/// <summary>A buyer's order at one supplier. The whole sale is one document (lines with their explained prices, the
/// approval steps, the outbox), so every change of it is one conditional write; a 1,000-line order with every line
/// explained stays far below Cosmos DB's 2 MB item limit (measured in docs/performance.md).</summary>
public sealed record Order : ISalesDocument
{
    public const int MaxLines = PricingEngine.MaxLines;

    public required string Id { get; init; }

    /// <summary>Unique and increasing per supplier: year and sequence, <c>2026-000123</c>.</summary>
    public required string Number { get; init; }

    public string Kind => "order";

    public required string SupplierId { get; init; }

    public required string SupplierName { get; init; }

    public required string BuyerId { get; init; }

    public required string BuyerName { get; init; }

    /// <summary>The buyer's member who checked out.</summary>
    public required Actor PlacedBy { get; init; }

    public required OrderStatus Status { get; init; }

    public required string Currency { get; init; }

    public required IReadOnlyList<OrderLine> Lines { get; init; }

    public required decimal ListTotal { get; init; }

    public required decimal DiscountTotal { get; init; }

    public required decimal Total { get; init; }

    /// <summary>The quote's hints when it was checked out (volume discounts reached, rules that did not apply).</summary>
    public IReadOnlyList<string> Hints { get; init; } = [];

    public required Address DeliveryAddress { get; init; }

    public DateOnly? RequestedDeliveryDate { get; init; }

    public required DeliveryTerms DeliveryTerms { get; init; }

    public required PaymentTerms PaymentTerms { get; init; }

    /// <summary>The buyer's purchase order number, printed on documents and searched in listings.</summary>
    public string? PurchaseOrderNumber { get; init; }

    public string? Comment { get; init; }

    public IReadOnlyList<string> CouponCodes { get; init; } = [];

    /// <summary>The customer account's sales manager when the order was placed.</summary>
    public string? SalesManagerId { get; init; }

    /// <summary>The negotiated quote this order was checked out from, and its version.</summary>
    public string? QuoteId { get; init; }

    public int? QuoteVersion { get; init; }

    public required ApprovalProcess Approval { get; init; }

    public required StockState Stock { get; init; }

    /// <summary>Until when a pending approval may hold stock: then the order is cancelled and its stock released.</summary>
    public DateTimeOffset? HoldExpiresAt { get; init; }

    public string? CancellationReason { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Its shipments as the order knows them (only its own lines of a consolidated one), kept by
    /// <see cref="Fulfilment.ShipmentSettlement"/> from each shipment's own document: what splitting checks against (so
    /// two people splitting at once never plan a line twice: the second write fails on the order's version) and what its
    /// status follows (<see cref="Fulfilment.FulfilmentState"/>).</summary>
    public IReadOnlyList<Fulfilment.Shipment> Shipments { get; init; } = [];

    /// <summary>Why the rest of a partially shipped order will not ship, when the supplier closed it short: its lines then
    /// count as ordered what left, its remaining holds are released, and (invoiced per order) its invoice bills what left.</summary>
    public string? ClosedShort { get; init; }

    /// <summary>How the order is invoiced, per shipment or as a whole: the supplier's setting when its first lot left, kept
    /// so that a setting changed while it is half shipped neither bills a lot twice nor leaves one unbilled.</summary>
    public Billing.InvoicePer? Invoicing { get; init; }

    /// <summary>Its returns as the order knows them, kept as <see cref="Shipments"/> are: what limits each line's returns to
    /// what was delivered of it.</summary>
    public IReadOnlyList<Fulfilment.GoodsReturn> Returns { get; init; } = [];

    public Outbox Outbox { get; init; } = Outbox.Empty;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasWork => !Outbox.IsEmpty || Stock == StockState.Releasing;

    public string Subject => $"order:{Id}";

    public IEnumerable<string> Skus => Lines.Select(l => l.Price.Sku).Distinct(StringComparer.Ordinal);
}

/// <summary>What listings show of an order, kept beside the supplier's and the buyer's other data so each side pages its
/// orders in one single-partition query.</summary>
/// <param name="Committed">What the customer is committed to when it differs from <paramref name="Total"/>: the value of
/// what left, for an order closed short (what credit exposure counts).</param>
public sealed record OrderSummary(
    string Id,
    string Number,
    string SupplierId,
    string SupplierName,
    string BuyerId,
    string BuyerName,
    string PlacedById,
    string? PlacedByName,
    OrderStatus Status,
    string Currency,
    decimal Total,
    int LineCount,
    string? PurchaseOrderNumber,
    string? SalesManagerId,
    string? QuoteId,
    DateOnly? RequestedDeliveryDate,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<string> WaitingFor,
    decimal? Committed = null)
{
    public static OrderSummary Of(Order o) => new(
        o.Id, o.Number, o.SupplierId, o.SupplierName, o.BuyerId, o.BuyerName, o.PlacedBy.UserId, o.PlacedBy.Name, o.Status, o.Currency, o.Total, o.Lines.Count,
        o.PurchaseOrderNumber, o.SalesManagerId, o.QuoteId, o.RequestedDeliveryDate, o.CreatedAt, o.UpdatedAt,
        o.Status == OrderStatus.PendingApproval ? o.Approval.WaitingFor() : [], o.ClosedShort is null ? null : Fulfilment.Billed.ShippedValue(o));
}
