using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Fulfilment;

/// <summary>One lot a supplier asks for: what leaves <see cref="WarehouseId"/> together.</summary>
public sealed record LotRequest(string? WarehouseId, IReadOnlyList<LotLineRequest>? Lines);

/// <summary>Part of an order line in a lot: <see cref="Quantity"/> in the line's sale unit (3 CX of a line sold in CX),
/// which may be a fraction when the base units it comes to are whole enough (half a box of 12 is 6 units).</summary>
/// <param name="Line">The line's index in the order.</param>
/// <param name="InBaseUnits">The quantity is in the product's base unit instead: holds are kept in base units, and what a
/// warehouse holds of a line sold by the box need not be whole boxes (5 of a box of 12 is no decimal number of boxes).</param>
public sealed record LotLineRequest(int Line, decimal Quantity, bool InBaseUnits = false);

/// <summary>Whether <paramref name="warehouseId"/> is an active warehouse of the supplier where
/// <paramref name="baseQuantity"/> of <paramref name="sku"/> is available now beyond every hold: what backordered
/// quantity needs before it ships. The caller answers from the products and warehouses it read.</summary>
public delegate bool BackorderStock(string sku, string warehouseId, decimal baseQuantity);

/// <summary>Splits an order into lots (pure). The rules, checked for every lot line and reported together by field
/// (<c>lots[1].lines[0].quantity</c>):
/// <list type="bullet">
/// <item>Only a confirmed or partially shipped order is split: the supplier accepted it and it is not all on its way.</item>
/// <item>Per line, what every shipment that is not cancelled carries never exceeds the ordered base quantity.</item>
/// <item>A lot takes first from what the order holds of the line in the lot's warehouse (its <see cref="OrderLine.Held"/>
/// allocations, less what earlier lots took from there); beyond that only backordered quantity may ship, from any
/// warehouse where <see cref="BackorderStock"/> says it has arrived. Held stock in another warehouse never ships from
/// this one: moving stock between warehouses is the supplier's own business, told to Agora by a stock push.</item>
/// <item>A quantity is in the line's sale unit and converted with the line's factor (its base quantity over its
/// quantity); what it comes to must be a base quantity (at most <see cref="Quantities.MaxDecimals"/> decimals).</item>
/// </list></summary>
public static class ShipmentPlan
{
    public const int MaxLots = 50;

    /// <summary>Shipments per order, cancelled ones included (each is copied into the order).</summary>
    public const int MaxPerOrder = 200;

    /// <summary>Shipment lines per order over all its shipments: ~150 bytes each in the order's copy, so 5,000 add ~0.75 MB
    /// to a 1,000-line order's ~0.5 MB.</summary>
    public const int MaxLinesPerOrder = 5000;

    /// <summary>The shipments <paramref name="lots"/> become, in picking, in the order given; nothing when any lot breaks a
    /// rule. <paramref name="existing"/> are the order's shipments so far (any status; cancelled ones count for nothing).</summary>
    public static IReadOnlyList<Shipment> Split(Order order, IReadOnlyList<Shipment> existing, IReadOnlyList<LotRequest>? lots, BackorderStock backorderStock, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(backorderStock);
        ArgumentNullException.ThrowIfNull(clock);
        if (order.Status is not (OrderStatus.Confirmed or OrderStatus.PartiallyShipped))
        {
            throw DomainException.Conflict(
                $"Order {order.Number} is {OrderLifecycle.Name(order.Status)}; only a confirmed or partially shipped order is split into shipments.");
        }

        var validation = new Validation();
        if (lots is null || lots.Count == 0 || lots.Count > MaxLots)
        {
            validation.Add("lots", $"must list 1 to {MaxLots} lots.");
            validation.ThrowIfInvalid();
        }

        if (existing.Count + lots!.Count > MaxPerOrder || existing.Sum(e => e.Lines.Count) + lots.Sum(l => l?.Lines?.Count ?? 0) > MaxLinesPerOrder)
        {
            // The order keeps a copy of each of its shipments: bounded, so it stays far below the 2 MB item limit.
            throw DomainException.Conflict($"Order {order.Number} has {existing.Count} shipments with {existing.Sum(e => e.Lines.Count)} lines; an order takes at most {MaxPerOrder} shipments and {MaxLinesPerOrder} shipment lines in all, cancelled ones included.");
        }

        var taken = Taken.Of(order, existing);
        var shipments = new List<Shipment>();
        for (var i = 0; i < lots!.Count; i++)
        {
            var lot = lots[i];
            var path = $"lots[{i}]";
            if (lot is null || !Ids.IsWellFormed(lot.WarehouseId))
            {
                validation.Add($"{path}.warehouseId", "is missing or not a warehouse id.");
                continue;
            }

            if (lot.Lines is not { Count: > 0 } requested || requested.Count > Order.MaxLines)
            {
                validation.Add($"{path}.lines", $"must list 1 to {Order.MaxLines} order lines.");
                continue;
            }

            var lines = new List<ShipmentLine>();
            var seen = new HashSet<int>();
            for (var j = 0; j < requested.Count; j++)
            {
                if (Line(order, lot.WarehouseId!, requested[j], $"{path}.lines[{j}]", seen, taken, backorderStock, validation) is { } line)
                {
                    lines.Add(line);
                }
            }

            shipments.Add(new Shipment
            {
                Id = Ids.New(clock),
                SupplierId = order.SupplierId,
                BuyerId = order.BuyerId,
                WarehouseId = lot.WarehouseId!,
                Lines = lines,
                Status = ShipmentStatus.Picking,
                CreatedAt = clock.GetUtcNow(),
            });
        }

        validation.ThrowIfInvalid();
        return shipments;
    }

    /// <summary>The lot that takes everything <paramref name="order"/> still holds in <paramref name="warehouseId"/> and no
    /// shipment carries yet, line by line in base units (nothing when it holds nothing there): what a consolidated
    /// delivery takes of each of its orders.</summary>
    public static LotRequest HeldLeft(Order order, IReadOnlyList<Shipment> existing, string warehouseId)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(existing);
        var taken = Taken.Of(order, existing);
        var lines = order.Lines.Select((line, i) => new LotLineRequest(i, Math.Min(
                line.Held.Where(a => a.WarehouseId == warehouseId).Sum(a => a.Quantity) - taken.FromHold(i, warehouseId),
                line.BaseQuantity - taken.Total(i)), InBaseUnits: true))
            .Where(l => l.Quantity > 0)
            .ToArray();
        return new LotRequest(warehouseId, lines);
    }

    /// <summary>The factor from a line's sale unit to its base unit: its base quantity over its quantity.</summary>
    public static decimal Factor(OrderLine line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Price.Quantity > 0 ? line.BaseQuantity / line.Price.Quantity : 1m;
    }

    private static ShipmentLine? Line(Order order, string warehouseId, LotLineRequest? request, string path, HashSet<int> seen, Taken taken, BackorderStock backorderStock, Validation validation)
    {
        if (request is null || request.Line < 0 || request.Line >= order.Lines.Count)
        {
            validation.Add($"{path}.line", $"must be the index of one of the order's {order.Lines.Count} lines (0 to {order.Lines.Count - 1}).");
            return null;
        }

        if (!seen.Add(request.Line))
        {
            validation.Add($"{path}.line", $"Line {request.Line} is listed twice in this lot; list it once with the whole quantity.");
            return null;
        }

        var line = order.Lines[request.Line];
        var unit = line.Price.Unit;
        var quantity = request.InBaseUnits ? request.Quantity : request.Quantity * Factor(line);
        if (request.Quantity <= 0 || !Limits.Fits(request.Quantity) || Quantities.Round(quantity) != quantity)
        {
            validation.Add($"{path}.quantity", $"must be above zero, in {(request.InBaseUnits ? "base units" : unit)}, and come to a whole number of base units with at most {Quantities.MaxDecimals} decimals.");
            return null;
        }

        if (Quantities.Round(quantity / Factor(line)) <= 0)
        {
            // Invoices bill lots in the line's sale unit, to 6 decimals: a lot worth nothing there could never be billed.
            validation.Add($"{path}.quantity", $"comes to less than a millionth of a {unit}; ship at least that much.");
            return null;
        }

        var left = line.BaseQuantity - taken.Total(request.Line);
        if (quantity > left)
        {
            validation.Add($"{path}.quantity", $"Line {request.Line} ({line.Name}) has {InUnit(line.BaseQuantity, line)} ordered and {InUnit(line.BaseQuantity - left, line)} in other shipments; at most {InUnit(left, line)} can still ship, not {InUnit(quantity, line)}.");
            return null;
        }

        var heldHere = line.Held.Where(a => a.WarehouseId == warehouseId).Sum(a => a.Quantity);
        var fromHold = Math.Min(quantity, Math.Max(0, heldHere - taken.FromHold(request.Line, warehouseId)));
        var unheld = quantity - fromHold;
        if (unheld > 0)
        {
            var backorderLeft = line.Backordered - taken.Unheld(request.Line);
            if (unheld > backorderLeft)
            {
                var heldElsewhere = line.Held.Where(a => a.WarehouseId != warehouseId).Select(a => a.WarehouseId).Distinct(StringComparer.Ordinal).ToArray();
                validation.Add($"{path}.quantity", $"Line {request.Line} ({line.Name}) holds {InUnit(Math.Max(0, fromHold), line)} still to ship in warehouse {warehouseId}"
                    + (heldElsewhere.Length > 0 ? $"; the rest of its stock is held in {string.Join(", ", heldElsewhere)}" : "")
                    + $" and {InUnit(Math.Max(0, backorderLeft), line)} of it is backordered, so {InUnit(quantity, line)} cannot ship from {warehouseId}.");
                return null;
            }

            if (!backorderStock(line.Price.Sku, warehouseId, unheld))
            {
                validation.Add($"{path}.quantity", $"Line {request.Line} ({line.Name}) needs {InUnit(unheld, line)} of backordered stock in warehouse {warehouseId}, and that much has not arrived there (or the warehouse is not active).");
                return null;
            }
        }

        taken.Add(request.Line, warehouseId, quantity, fromHold);
        return new ShipmentLine(order.Id, request.Line, line.Price.Sku, unit, quantity, warehouseId, fromHold);
    }

    private static string InUnit(decimal baseQuantity, OrderLine line) =>
        string.Create(CultureInfo.InvariantCulture, $"{Quantities.Round(baseQuantity / Factor(line))} {line.Price.Unit}");

    /// <summary>What the order's shipments that count have taken so far, per line: in all, from holds per warehouse, and
    /// beyond holds (backordered).</summary>
    private sealed class Taken
    {
        private readonly Dictionary<int, decimal> _total = [];
        private readonly Dictionary<(int, string), decimal> _fromHold = [];
        private readonly Dictionary<int, decimal> _unheld = [];

        public static Taken Of(Order order, IReadOnlyList<Shipment> shipments)
        {
            var taken = new Taken();
            foreach (var line in shipments.Where(s => s.Counts).SelectMany(s => s.Lines).Where(l => l.OrderId == order.Id))
            {
                taken.Add(line.OrderLine, line.WarehouseId, line.BaseQuantity, line.FromHold);
            }

            return taken;
        }

        public decimal Total(int line) => _total.GetValueOrDefault(line);

        public decimal FromHold(int line, string warehouseId) => _fromHold.GetValueOrDefault((line, warehouseId));

        public decimal Unheld(int line) => _unheld.GetValueOrDefault(line);

        public void Add(int line, string warehouseId, decimal quantity, decimal fromHold)
        {
            _total[line] = Total(line) + quantity;
            _fromHold[(line, warehouseId)] = FromHold(line, warehouseId) + fromHold;
            _unheld[line] = Unheld(line) + quantity - fromHold;
        }
    }
}
