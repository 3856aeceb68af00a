using Agora.Core.Catalog;
using Agora.Core.Fulfilment;
using Agora.Core.Inventory;
using Agora.Core.Ordering;
using Agora.Core.Pricing;
using Agora.Core.Tests.Inventory;
using Agora.Core.Tests.Ordering;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Core.Tests.Fulfilment;

/// <summary>Orders with lines, held stock and backorders, and the products that hold it, for the fulfilment tests.</summary>
internal static class Fulfil
{
    internal static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A line of <paramref name="quantity"/> <paramref name="unit"/> (each <paramref name="factor"/> base units),
    /// held per warehouse as given (base units), the rest backordered.</summary>
    internal static OrderLine Line(string sku, decimal quantity, string unit = "UN", decimal factor = 1, params (string Warehouse, decimal Quantity)[] held)
    {
        var baseQuantity = quantity * factor;
        var allocations = held.Select(h => new Allocation(sku, h.Warehouse, h.Quantity)).ToArray();
        var price = new QuoteLine(0, sku, unit, quantity, LineStatus.Priced, null, 10, [], 10, quantity * 10, quantity * 10, [], []);
        return new OrderLine(price, $"Product {sku}", baseQuantity, allocations, baseQuantity - allocations.Sum(a => a.Quantity));
    }

    internal static Order Order(params OrderLine[] lines) => LifecycleTests.OrderIn(OrderStatus.Confirmed) with { Lines = lines };

    internal static LotRequest Lot(string warehouse, params (int Line, decimal Quantity)[] lines) =>
        new(warehouse, lines.Select(l => new LotLineRequest(l.Line, l.Quantity)).ToArray());

    internal static FakeTimeProvider Clock() => new(Now);

    /// <summary>No backordered stock has arrived anywhere.</summary>
    internal static bool NoneArrived(string sku, string warehouse, decimal quantity) => false;

    internal static bool AllArrived(string sku, string warehouse, decimal quantity) => true;

    /// <summary>A product with <paramref name="onHand"/> in each warehouse and the holds of <paramref name="order"/>'s lines
    /// of <paramref name="sku"/> on it, as checkout leaves them.</summary>
    internal static Product Holding(Order order, string sku, params (string Warehouse, decimal OnHand)[] onHand)
    {
        var product = WarehouseChoiceTests.Stocked(sku);
        return product with
        {
            Stock = onHand.ToDictionary(w => w.Warehouse, w =>
            {
                var held = order.Lines.Where(l => l.Price.Sku == sku).SelectMany(l => l.Held).Where(a => a.WarehouseId == w.Warehouse).Sum(a => a.Quantity);
                return new WarehouseStock(w.OnHand, held, Now, held > 0 ? new Dictionary<string, decimal> { [order.Id] = held } : null);
            }, StringComparer.Ordinal),
        };
    }
}
