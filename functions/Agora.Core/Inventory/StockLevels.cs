using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Inventory;

/// <summary>An on-hand count from the supplier's system for one product in one warehouse, measured at <see cref="AsOf"/>.</summary>
public sealed record StockCount(string Sku, string WarehouseId, decimal OnHand, DateTimeOffset AsOf);

/// <summary>How counts change stock records (pure).</summary>
public static class StockLevels
{
    public const int MaxDecimals = Quantities.MaxDecimals;

    /// <summary>How far ahead of the server's clock a count's measured time may be (the supplier's clock may run a little
    /// fast); later is refused, as it would shadow every real count until then.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Applies <paramref name="counts"/> of one product: a count older than the record's is stale and ignored,
    /// one equal to it changes nothing; reservations and every order's hold are always kept. Returns the product
    /// (unchanged instance when nothing applied) and how many counts applied.</summary>
    public static (Product Product, int Applied) Apply(Product product, IEnumerable<StockCount> counts, DateTimeOffset now)
    {
        var stock = new Dictionary<string, WarehouseStock>(product.Stock, StringComparer.Ordinal);
        var applied = 0;
        var changed = false;
        // Within one delivery only the newest count per warehouse matters; the others are superseded.
        foreach (var count in counts.GroupBy(c => c.WarehouseId, StringComparer.Ordinal).Select(g => g.MaxBy(c => c.AsOf)!))
        {
            var current = stock.GetValueOrDefault(count.WarehouseId);
            if (current is not null && count.AsOf <= current.AsOf)
            {
                continue; // stale, or the measurement already recorded
            }

            // A newer count of the same quantity still moves AsOf, so an older count arriving late cannot undo it. A count
            // says what is on the shelves; what orders hold (Reserved and each hold) is theirs and stays.
            // More on hand than before is a receipt (clearance ages stock from it, decision 0021b). A record written before
            // receipts were kept gets its last count as its receipt on this first rewrite, so an unchanged count pushed every
            // night does not make old stock look new.
            stock[count.WarehouseId] = current is null
                ? new WarehouseStock(count.OnHand, 0, count.AsOf, LastReceiptAt: count.OnHand > 0 ? count.AsOf : null)
                : current with
                {
                    OnHand = count.OnHand,
                    AsOf = count.AsOf,
                    LastReceiptAt = count.OnHand > current.OnHand ? Later(current.LastReceiptAt, count.AsOf)
                        : current.LastReceiptAt ?? (current.LastSaleAt is null ? current.AsOf : null),
                };
            applied += current?.OnHand == count.OnHand ? 0 : 1;
            changed = true;
        }

        return changed ? (product with { Stock = stock, UpdatedAt = now }, applied) : (product, 0);
    }

    private static DateTimeOffset Later(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x > b ? x : b;

    public static bool IsValidQuantity(decimal quantity) => quantity >= 0 && decimal.Round(quantity, MaxDecimals) == quantity && quantity < 1_000_000_000_000m;

    /// <summary>Writes a product's new stock, reading and deciding again when someone else wrote it meanwhile.</summary>
    public static Task<int> WriteAsync(IProductStore products, Versioned<Product> found, IReadOnlyList<StockCount> counts, DateTimeOffset now, CancellationToken cancellationToken) =>
        Concurrency.RetryAsync($"The stock of '{found.Value.Sku}'", async attempt =>
        {
            if (attempt > 1)
            {
                found = await products.FindAsync(found.Value.SupplierId, found.Value.Sku, cancellationToken).ConfigureAwait(false) ?? found;
            }

            var (changed, applied) = Apply(found.Value, counts, now);
            if (ReferenceEquals(changed, found.Value))
            {
                return 0;
            }

            await products.ReplaceAsync(changed, found.ETag, cancellationToken).ConfigureAwait(false);
            return applied;
        });
}
