using Agora.Core.Ordering;

namespace Agora.Core.Fulfilment;

/// <summary>Where one order line stands, in base units.</summary>
/// <param name="Planned">In shipments that count (not cancelled), whatever their state.</param>
/// <param name="Shipped">In shipments that have left (dispatched or delivered).</param>
/// <param name="Delivered">In delivered shipments.</param>
public sealed record LineFulfilment(int Line, string Sku, decimal Ordered, decimal Planned, decimal Shipped, decimal Delivered)
{
    /// <summary>What has not left yet.</summary>
    public decimal Remaining => Ordered - Shipped;

    /// <summary>What no shipment carries yet: what a new lot may still take.</summary>
    public decimal Unplanned => Ordered - Planned;
}

/// <summary>An order's fulfilment as its shipments tell it (pure). What counts as shipped is what has left the warehouse:
/// a lot being picked or packed is planned, not shipped, and a cancelled lot counts for nothing.</summary>
public sealed record FulfilmentState(IReadOnlyList<LineFulfilment> Lines, OrderStatus Status)
{
    /// <summary>The order's lines against <paramref name="shipments"/> (lines of other orders in a consolidated shipment
    /// are ignored), and the status the order follows: delivered when every line was delivered whole, shipped when every
    /// line left whole, partially shipped when anything left, otherwise the order's own status before shipping
    /// (placed or confirmed; confirmed for any other).</summary>
    public static FulfilmentState Of(Order order, IReadOnlyList<Shipment> shipments)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(shipments);
        var carried = shipments.Where(s => s.Counts)
            .SelectMany(s => s.Lines.Where(l => l.OrderId == order.Id).Select(l => (s.Status, l.OrderLine, l.BaseQuantity)))
            .ToArray();
        var lines = order.Lines.Select((line, i) =>
        {
            var mine = carried.Where(c => c.OrderLine == i).ToArray();
            // Closed short, a line's order is what left of it: nothing more is to ship.
            var left = mine.Where(c => c.Status is ShipmentStatus.Dispatched or ShipmentStatus.Delivered).Sum(c => c.BaseQuantity);
            return new LineFulfilment(i, line.Price.Sku, order.ClosedShort is null ? line.BaseQuantity : left,
                mine.Sum(c => c.BaseQuantity),
                mine.Where(c => c.Status is ShipmentStatus.Dispatched or ShipmentStatus.Delivered).Sum(c => c.BaseQuantity),
                mine.Where(c => c.Status == ShipmentStatus.Delivered).Sum(c => c.BaseQuantity));
        }).ToArray();

        var status = !lines.Any(l => l.Shipped > 0) ? (order.Status == OrderStatus.Placed ? OrderStatus.Placed : OrderStatus.Confirmed)
            : lines.All(l => l.Delivered >= l.Ordered) ? OrderStatus.Delivered
            : lines.All(l => l.Shipped >= l.Ordered) ? OrderStatus.Shipped
            : OrderStatus.PartiallyShipped;
        return new FulfilmentState(lines, status);
    }
}
