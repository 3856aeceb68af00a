using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Fulfilment;

/// <summary>What a dispatch does to one product's stock in one warehouse, in base units: the order's hold shrinks by
/// <see cref="ReleaseHold"/> (and <see cref="WarehouseStock.Reserved"/> with it) and <see cref="WarehouseStock.OnHand"/>
/// by <see cref="Decrement"/>. Reserved stock becomes shipped stock: the goods that leave were promised to this order,
/// so what is available to others does not change, except by backordered goods that shipped from free stock.</summary>
/// <param name="HoldId">The order whose hold it is (holds are keyed by order id, decision 0016b).</param>
public sealed record StockMove(string Sku, string WarehouseId, string HoldId, decimal ReleaseHold, decimal Decrement)
{
    /// <summary>The stock after the move, as the store adapter writes it in one conditional patch; a hold that reaches
    /// zero is removed. Throws as <see cref="StockMoves.AtDispatch"/> does when the stock no longer allows it.</summary>
    public WarehouseStock ApplyTo(WarehouseStock stock)
    {
        ArgumentNullException.ThrowIfNull(stock);
        var held = stock.HeldBy(HoldId);
        if (held < ReleaseHold || stock.Reserved < ReleaseHold || stock.OnHand < Decrement)
        {
            throw StockMoves.Short(this, stock);
        }

        // Backordered goods ship from free stock only: what other orders hold here is theirs, even if it is on the shelf.
        var unheld = Decrement - ReleaseHold;
        if (unheld > 0 && stock.OnHand - stock.Reserved < unheld)
        {
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"Dispatching {Decrement} of {Sku} from warehouse {WarehouseId} takes {unheld} beyond what order {HoldId} holds there, and only {Math.Max(0, stock.OnHand - stock.Reserved)} is free: the rest is held for other orders. Ship less, or wait for more stock.");
            throw new DomainException(FailureKind.Conflict, reason, new Dictionary<string, string[]> { ["stock"] = [reason] });
        }

        var holds = (stock.Holds ?? new Dictionary<string, decimal>()).ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        if (held == ReleaseHold)
        {
            holds.Remove(HoldId);
        }
        else
        {
            holds[HoldId] = held - ReleaseHold;
        }

        return stock with { OnHand = stock.OnHand - Decrement, Reserved = stock.Reserved - ReleaseHold, Holds = holds };
    }
}

/// <summary>The stock moves of a dispatch (pure), as data a store adapter applies: one per (SKU, warehouse, order), the
/// shipment's lines of one SKU of one order summed, since an order holds a SKU once per warehouse.</summary>
public static class StockMoves
{
    /// <summary>The moves <paramref name="shipment"/>'s dispatch makes, checked against <paramref name="products"/> (by SKU,
    /// as just read): 409 when a product or its stock record in the warehouse is gone, or when the hold or the stock on
    /// hand would go below zero (a count since checkout found less than the order holds).</summary>
    public static IReadOnlyList<StockMove> AtDispatch(Shipment shipment, IReadOnlyDictionary<string, Product> products)
    {
        ArgumentNullException.ThrowIfNull(shipment);
        ArgumentNullException.ThrowIfNull(products);
        var moves = shipment.Lines
            .GroupBy(l => (l.Sku, l.WarehouseId, l.OrderId))
            .Select(g => new StockMove(g.Key.Sku, g.Key.WarehouseId, g.Key.OrderId, g.Sum(l => l.FromHold), g.Sum(l => l.BaseQuantity)))
            .ToArray();
        // One SKU's orders (a consolidated lot) share its stock record: they must fit one after the other.
        foreach (var place in moves.GroupBy(m => (m.Sku, m.WarehouseId)))
        {
            var stock = products.GetValueOrDefault(place.Key.Sku)?.Stock.GetValueOrDefault(place.Key.WarehouseId)
                ?? throw DomainException.Conflict($"Product {place.Key.Sku} has no stock record in warehouse {place.Key.WarehouseId} any more; shipment {shipment.Id} cannot be dispatched from there.");
            foreach (var move in place)
            {
                stock = move.ApplyTo(stock);
            }
        }

        return moves;
    }

    /// <summary>The product once <paramref name="shipment"/>'s dispatch took its lines of it off the shipment's warehouse,
    /// and the shipment's id remembered there (<see cref="WarehouseStock.Moves"/>), so that the same dispatch applied again
    /// returns the product unchanged. The goods have left by then: when a count since the dispatch was checked found less
    /// than they took, the record stops at zero (never negative) and <paramref name="shortBy"/> says by how much on hand fell
    /// short, for the supplier's timeline. The dispatch's time becomes the record's <see cref="WarehouseStock.LastSaleAt"/>.</summary>
    public static Product Ship(Shipment shipment, Product product, out decimal shortBy)
    {
        ArgumentNullException.ThrowIfNull(shipment);
        ArgumentNullException.ThrowIfNull(product);
        shortBy = 0;
        if (product.Stock.GetValueOrDefault(shipment.WarehouseId) is not { } stock || stock.HasMoved(shipment.Id))
        {
            return product;
        }

        var holds = stock.Holds!.ToDictionary(h => h.Key, h => h.Value, StringComparer.Ordinal);
        var (onHand, reserved) = (stock.OnHand, stock.Reserved);
        foreach (var line in shipment.Lines.Where(l => l.Sku == product.Sku).GroupBy(l => l.OrderId))
        {
            var release = Math.Min(line.Sum(l => l.FromHold), holds.GetValueOrDefault(line.Key));
            var take = line.Sum(l => l.BaseQuantity);
            if (release > 0)
            {
                if (holds[line.Key] == release)
                {
                    holds.Remove(line.Key);
                }
                else
                {
                    holds[line.Key] -= release;
                }
            }

            reserved = Math.Max(0, reserved - release);
            shortBy += Math.Max(0, take - onHand);
            onHand = Math.Max(0, onHand - take);
        }

        var stocks = product.Stock.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        // The dispatch is the sale that resets how long the stock has waited here (clearance, decision 0021b).
        var soldAt = shipment.Dispatch?.DispatchedAt ?? shipment.UpdatedAt ?? shipment.CreatedAt;
        var lastSale = stock.LastSaleAt is { } before && before > soldAt ? before : soldAt;
        stocks[shipment.WarehouseId] = (stock with { OnHand = onHand, Reserved = reserved, Holds = holds, LastSaleAt = lastSale }).Remember(shipment.Id);
        return product with { Stock = stocks };
    }

    internal static DomainException Short(StockMove move, WarehouseStock stock)
    {
        var reason = string.Create(CultureInfo.InvariantCulture,
            $"Dispatching {move.Decrement} of {move.Sku} from warehouse {move.WarehouseId} needs {move.ReleaseHold} held for order {move.HoldId} and {move.Decrement} on hand; the warehouse has {stock.HeldBy(move.HoldId)} held for it and {stock.OnHand} on hand. Count the stock again or ship less.");
        return new DomainException(FailureKind.Conflict, reason, new Dictionary<string, string[]> { ["stock"] = [reason] });
    }
}
