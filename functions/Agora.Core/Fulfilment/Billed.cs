using Agora.Core.Billing;
using Agora.Core.Catalog;
using Agora.Core.Ordering;

namespace Agora.Core.Fulfilment;

/// <summary>What a shipment bills of its order's lines (pure), in the lines' sale units as invoices state them.</summary>
public static class Billed
{
    /// <summary>The parts of <paramref name="order"/>'s lines that <paramref name="shipment"/> carries. A line's sale-unit
    /// quantity shipped so far is its base quantity over the line's factor, rounded to 6 decimals, and exactly the line's
    /// quantity once all of it has left; each shipment bills the difference that it makes. So the parts of a line's
    /// shipments add up to its quantity exactly (and InvoiceDrafts gives the last one the rest of the line's total) even
    /// when a box of 12 leaves 5 units at a time. "Before" is what the order, as this settlement wrote it, shows left in its
    /// other shipments.</summary>
    public static IReadOnlyList<BilledPart> Parts(Order order, Shipment shipment)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(shipment);
        return shipment.Lines.Where(l => l.OrderId == order.Id).GroupBy(l => l.OrderLine).Select(g =>
        {
            var line = order.Lines[g.Key];
            var before = order.Shipments.Where(s => s.Id != shipment.Id && s.HasLeft).SelectMany(s => s.Lines).Where(l => l.OrderLine == g.Key).Sum(l => l.BaseQuantity);
            var after = before + g.Sum(l => l.BaseQuantity);
            return new BilledPart(g.Key, InSaleUnits(line, after) - InSaleUnits(line, before));
        }).Where(p => p.Quantity > 0).ToArray();
    }

    /// <summary><paramref name="baseQuantity"/> of the line in its sale unit, rounded to 6 decimals; the line's own quantity
    /// when it is the whole line.</summary>
    public static decimal InSaleUnits(OrderLine line, decimal baseQuantity)
    {
        ArgumentNullException.ThrowIfNull(line);
        return baseQuantity >= line.BaseQuantity ? line.Price.Quantity : Quantities.Round(baseQuantity / ShipmentPlan.Factor(line));
    }

    /// <summary>What each line shipped so far (dispatched or delivered), in its sale unit: the whole line's quantity once
    /// all of it has left. What an order invoiced as a whole bills.</summary>
    public static IReadOnlyList<BilledPart> Shipped(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        var state = FulfilmentState.Of(order with { ClosedShort = null }, order.Shipments);
        return state.Lines.Select(l => new BilledPart(l.Line, InSaleUnits(order.Lines[l.Line], l.Shipped))).Where(p => p.Quantity > 0).ToArray();
    }

    /// <summary>The value of <see cref="Shipped"/> at the order's net prices (a whole line at its total).</summary>
    public static decimal ShippedValue(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return Shipped(order).Sum(p => p.Quantity == order.Lines[p.LineIndex].Price.Quantity
            ? order.Lines[p.LineIndex].Price.LineTotal
            : Common.Currency.Round((order.Lines[p.LineIndex].Price.NetUnitPrice ?? 0) * p.Quantity, order.Currency));
    }
}
