using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Fulfilment;

public enum ShipmentStatus
{
    /// <summary>Planned: the warehouse's staff are taking its goods off the shelves.</summary>
    Picking,

    /// <summary>Packed and waiting for the carrier.</summary>
    Packed,

    /// <summary>Handed to the carrier: its stock has left the warehouse (on hand down, hold released).</summary>
    Dispatched,

    /// <summary>The buyer received it.</summary>
    Delivered,

    /// <summary>Dropped before it left: its quantities go back to what the order still has to ship.</summary>
    Cancelled,
}

/// <summary>What a shipment carries of one order line, in base units, from the shipment's warehouse.</summary>
/// <param name="OrderLine">The line's index in <see cref="Ordering.Order.Lines"/>.</param>
/// <param name="Unit">The line's sale unit, for the packing list; the quantity itself is in base units.</param>
/// <param name="FromHold">The part of <paramref name="BaseQuantity"/> taken from what the order holds in this warehouse;
/// the rest is backordered stock that arrived since. Dispatch releases exactly this much of the hold.</param>
public sealed record ShipmentLine(string OrderId, int OrderLine, string Sku, string Unit, decimal BaseQuantity, string WarehouseId, decimal FromHold);

/// <summary>The carrier's facts, recorded when the goods leave.</summary>
public sealed record DispatchInfo(string Carrier, string TrackingNumber, DateTimeOffset DispatchedAt);

/// <summary>One lot on its way to a buyer: goods of one or more orders of one supplier and one buyer, leaving one
/// warehouse together. A shipment is its own document (not part of the order) so that warehouse staff packing one lot
/// never contend with the order's other lots nor with the buyer's comments on the order.</summary>
public sealed record Shipment : ISalesDocument
{
    public const int MaxText = 100;

    public required string Id { get; init; }

    public string Kind => "shipment";

    public required string SupplierId { get; init; }

    public required string BuyerId { get; init; }

    /// <summary>Where the whole lot leaves from: a parcel leaves from one place.</summary>
    public required string WarehouseId { get; init; }

    public required IReadOnlyList<ShipmentLine> Lines { get; init; }

    public required ShipmentStatus Status { get; init; }

    public DispatchInfo? Dispatch { get; init; }

    public DateTimeOffset? DeliveredAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public string? CancellationReason { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Whether the stock moves of its dispatch were made (on hand down, holds released, in each product's record):
    /// false from the dispatch until <see cref="ShipmentSettlement"/> made them, which the request tries at once and the
    /// sales queue finishes when it could not.</summary>
    public bool StockMoved { get; init; }

    /// <summary>Whether its orders were told its latest state (their copy of it, their status) and, once it has left, its
    /// invoices issued: the last step <see cref="ShipmentSettlement"/> takes.</summary>
    public bool Settled { get; init; } = true;

    /// <summary>Whether the invoices of its goods were issued once it left (per shipment or, when it completed its order,
    /// per order: the supplier's billing setting).</summary>
    public bool Invoiced { get; init; }

    public Outbox Outbox { get; init; } = Outbox.Empty;

    /// <summary>What is left to do after a write: hand on the outbox, move the stock, tell the orders.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasWork => !Outbox.IsEmpty || !Settled || (HasLeft && !StockMoved);

    /// <summary>The part of it that carries <paramref name="orderId"/>'s lines: what the order keeps of it.</summary>
    public Shipment For(string orderId) => this with { Lines = Lines.Where(l => l.OrderId == orderId).ToArray(), Outbox = Outbox.Empty };

    /// <summary>The orders it carries, in the order their lines appear: one, or several for a consolidated delivery.</summary>
    public IReadOnlyList<string> OrderIds => Lines.Select(l => l.OrderId).Distinct(StringComparer.Ordinal).ToArray();

    /// <summary>Whether its quantities count as taken from their order lines: every shipment but a cancelled one.</summary>
    public bool Counts => Status != ShipmentStatus.Cancelled;

    /// <summary>Whether its goods have left the warehouse.</summary>
    public bool HasLeft => Status is ShipmentStatus.Dispatched or ShipmentStatus.Delivered;

    /// <summary>Picking → packed.</summary>
    public Shipment Pack() => ShipmentLifecycle.Apply(this, ShipmentStatus.Packed);

    /// <summary>Packed → dispatched with the carrier's facts; the stock moves it implies are
    /// <see cref="StockMoves.AtDispatch"/>'s, applied by the store in the same step.</summary>
    public Shipment Dispatched(string? carrier, string? trackingNumber, DateTimeOffset at)
    {
        var validation = new Validation();
        var c = validation.RequiredText(carrier, "carrier", MaxText);
        var t = validation.RequiredText(trackingNumber, "trackingNumber", MaxText);
        validation.ThrowIfInvalid();
        return ShipmentLifecycle.Apply(this, ShipmentStatus.Dispatched) with { Dispatch = new DispatchInfo(c!, t!, at) };
    }

    /// <summary>Dispatched → delivered.</summary>
    public Shipment Delivered(DateTimeOffset at) => ShipmentLifecycle.Apply(this, ShipmentStatus.Delivered) with { DeliveredAt = at };

    /// <summary>Picking or packed → cancelled: nothing has left, so no stock moves; the order's holds stay for its next lot.</summary>
    public Shipment Cancelled(string? reason, DateTimeOffset at)
    {
        var validation = new Validation();
        var r = validation.OptionalText(reason, "reason", Returns.MaxText);
        validation.ThrowIfInvalid();
        return ShipmentLifecycle.Apply(this, ShipmentStatus.Cancelled) with { CancelledAt = at, CancellationReason = r };
    }
}

/// <summary>What the warehouse's work list shows of a shipment.</summary>
public sealed record ShipmentSummary(
    string Id,
    string SupplierId,
    string BuyerId,
    string BuyerName,
    string WarehouseId,
    ShipmentStatus Status,
    int LineCount,
    decimal BaseQuantity,
    IReadOnlyList<string> OrderIds,
    IReadOnlyList<string> OrderNumbers,
    string? Carrier,
    string? TrackingNumber,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt)
{
    public static ShipmentSummary Of(Shipment shipment, IReadOnlyList<Ordering.Order> orders) => new(
        shipment.Id, shipment.SupplierId, shipment.BuyerId, orders.Count > 0 ? orders[0].BuyerName : shipment.BuyerId, shipment.WarehouseId, shipment.Status, shipment.Lines.Count,
        shipment.Lines.Sum(l => l.BaseQuantity), shipment.OrderIds, orders.Select(o => o.Number).ToArray(), shipment.Dispatch?.Carrier, shipment.Dispatch?.TrackingNumber,
        shipment.CreatedAt, shipment.UpdatedAt);
}

/// <summary>The shipment lifecycle as one table, as <see cref="Ordering.OrderLifecycle"/> is the order's: picking →
/// packed → dispatched → delivered, or cancelled before it leaves. A dispatched lot is never cancelled: goods on the
/// road come back as a return.</summary>
public static class ShipmentLifecycle
{
    public sealed record Move(ShipmentStatus From, ShipmentStatus To, string Verb);

    public static readonly IReadOnlyList<Move> Moves =
    [
        new(ShipmentStatus.Picking, ShipmentStatus.Packed, "packed"),
        new(ShipmentStatus.Picking, ShipmentStatus.Cancelled, "cancelled"),
        new(ShipmentStatus.Packed, ShipmentStatus.Dispatched, "dispatched"),
        new(ShipmentStatus.Packed, ShipmentStatus.Cancelled, "cancelled"),
        new(ShipmentStatus.Dispatched, ShipmentStatus.Delivered, "delivered"),
    ];

    /// <summary>The states <paramref name="from"/> may move to.</summary>
    public static IReadOnlyList<ShipmentStatus> Next(ShipmentStatus from) => Moves.Where(m => m.From == from).Select(m => m.To).ToArray();

    /// <summary>The move from the shipment's state to <paramref name="to"/>; 409 naming the current state and the allowed
    /// ones (in the API's words) when there is none.</summary>
    public static Move Check(Shipment shipment, ShipmentStatus to)
    {
        ArgumentNullException.ThrowIfNull(shipment);
        var move = Moves.FirstOrDefault(m => m.From == shipment.Status && m.To == to);
        if (move is not null)
        {
            return move;
        }

        throw DomainException.MoveNotAllowed($"Shipment {shipment.Id}", Name(shipment.Status), Next(shipment.Status).Select(Name).ToArray(), Name(to));
    }

    /// <summary>The status as the API writes it (camelCase).</summary>
    public static string Name(ShipmentStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    internal static Shipment Apply(Shipment shipment, ShipmentStatus to)
    {
        Check(shipment, to);
        return shipment with { Status = to };
    }
}
