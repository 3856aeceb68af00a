using Agora.Core.Catalog;
using Agora.Core.Inventory;

namespace Agora.Core.Tests.Inventory;

/// <summary>Holds on the in-memory products, one at a time (as each Cosmos patch is atomic on its item), counting calls
/// so tests can bound what an order costs.</summary>
internal sealed class InMemoryStockHolds(InMemoryStores stores) : IStockHolds
{
    private readonly Lock _gate = new();

    public int HoldCalls { get; private set; }

    public int ReleaseCalls { get; private set; }

    public Task<HoldOutcome> HoldAsync(string supplierId, string sku, string warehouseId, string holdId, decimal quantity, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            HoldCalls++;
            if (stores.Product(supplierId, sku) is not { } found || found.Value.Stock.GetValueOrDefault(warehouseId) is not { } stock)
            {
                return Task.FromResult(HoldOutcome.NotStocked);
            }

            if (stock.Holds!.ContainsKey(holdId))
            {
                return Task.FromResult(HoldOutcome.AlreadyHeld);
            }

            if (stock.OnHand - stock.Reserved < quantity)
            {
                return Task.FromResult(HoldOutcome.Insufficient);
            }

            Write(found, warehouseId, stock with { Reserved = stock.Reserved + quantity, Holds = new Dictionary<string, decimal>(stock.Holds) { [holdId] = quantity } });
            return Task.FromResult(HoldOutcome.Held);
        }
    }

    public async Task<bool> ReleaseAsync(string supplierId, string sku, string warehouseId, string holdId, CancellationToken cancellationToken) =>
        await ReleaseHeldAsync(supplierId, sku, warehouseId, holdId, 0, cancellationToken) > 0;

    public Task<decimal> ReleaseHeldAsync(string supplierId, string sku, string warehouseId, string holdId, decimal expected, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ReleaseCalls++;
            if (stores.Product(supplierId, sku) is not { } found || found.Value.Stock.GetValueOrDefault(warehouseId) is not { } stock
                || !stock.Holds!.TryGetValue(holdId, out var held))
            {
                return Task.FromResult(0m);
            }

            var holds = new Dictionary<string, decimal>(stock.Holds);
            holds.Remove(holdId);
            Write(found, warehouseId, stock with { Reserved = stock.Reserved - held, Holds = holds });
            return Task.FromResult(held);
        }
    }

    private void Write(Core.Common.Versioned<Product> found, string warehouseId, WarehouseStock stock) =>
        stores.ReplaceAsync(found.Value with { Stock = new Dictionary<string, WarehouseStock>(found.Value.Stock) { [warehouseId] = stock } }, found.ETag, default).GetAwaiter().GetResult();
}
