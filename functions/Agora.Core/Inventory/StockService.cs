using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;

namespace Agora.Core.Inventory;

public sealed record StockCountInput(string? Sku, string? WarehouseId, decimal? OnHand, DateTimeOffset? AsOf);

public sealed record StockPush(IReadOnlyList<StockCountInput>? Items);

public sealed record StockRejection(int Index, string? Sku, string? WarehouseId, string Reason);

/// <summary><see cref="Applied"/> counts changed a quantity; <see cref="Unchanged"/> were stale or equal to the record.</summary>
public sealed record StockPushResult(int Applied, int Unchanged, IReadOnlyList<StockRejection> Rejected);

/// <summary>Stock pushed by the supplier's ERP or warehouse system: absolute on-hand counts per product and warehouse, in
/// batches. Counts carry the time they were measured, so retries and out-of-order deliveries are harmless.</summary>
/// <remarks>Products are written <see cref="ImportOptions.WritesInFlight"/> at a time, as imports write.</remarks>
public sealed class StockService(IProductStore products, IWarehouseStore warehouses, AccessControl access, TimeProvider clock, ImportOptions? options = null)
{
    public const int MaxBatch = 1000;
    private readonly ImportOptions _options = options ?? new ImportOptions();

    public async Task<StockPushResult> PushAsync(Caller caller, string supplierId, StockPush push, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, supplierId, cancellationToken).ConfigureAwait(false)).Require("push stock", Role.SupplierAdmin, Role.Warehouse);
        var items = push.Items ?? [];
        if (items.Count is 0 or > MaxBatch)
        {
            throw DomainException.Invalid("items", $"must hold 1 to {MaxBatch} counts.");
        }

        // A count without the time it was measured cannot be ordered against the others: the server's clock would make a
        // late retry of an old count beat a newer one. Refused as a whole, naming each item.
        var missing = new Validation();
        for (var i = 0; i < items.Count; i++)
        {
            missing.Check(items[i]?.AsOf is not null, $"items[{i}].asOf", "is required: when the count was measured, in ISO 8601 with its offset, such as 2026-11-30T22:00:00Z.");
        }

        missing.ThrowIfInvalid();
        var now = clock.GetUtcNow();
        var known = ((await warehouses.ListAsync(supplierId, cancellationToken).ConfigureAwait(false))?.Value ?? []).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        var rejected = new List<StockRejection>();
        var counts = new List<(int Index, StockCount Count)>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var reason = item switch
            {
                { Sku: var sku } when !Ids.IsWellFormed(sku) => "sku is missing or not a SKU.",
                { WarehouseId: var wh } when !Ids.IsWellFormed(wh) => "warehouseId is missing or not an id.",
                { WarehouseId: var wh } when !known.Contains(wh!) => $"warehouse '{item.WarehouseId}' does not exist; create it first.",
                { OnHand: null } => "onHand is required.",
                { OnHand: var q } when !StockLevels.IsValidQuantity(q!.Value) => $"onHand must be zero or more, with at most {StockLevels.MaxDecimals} decimals.",
                { AsOf: var t } when t > now + StockLevels.ClockSkew => $"asOf is in the future (more than {StockLevels.ClockSkew.TotalMinutes:N0} minutes ahead of the server's clock).",
                _ => null,
            };
            if (reason is not null)
            {
                rejected.Add(new StockRejection(i, item.Sku, item.WarehouseId, reason));
            }
            else
            {
                counts.Add((i, new StockCount(item.Sku!, item.WarehouseId!, item.OnHand!.Value, item.AsOf!.Value)));
            }
        }

        var applied = 0;
        var groups = counts.GroupBy(c => c.Count.Sku, StringComparer.Ordinal).ToArray();
        var found = (await products.FindManyAsync(supplierId, groups.Select(g => g.Key).ToArray(), cancellationToken).ConfigureAwait(false))
            .ToDictionary(p => p.Value.Sku, StringComparer.Ordinal);
        foreach (var group in groups.Where(g => !found.ContainsKey(g.Key)))
        {
            rejected.AddRange(group.Select(c => new StockRejection(c.Index, c.Count.Sku, c.Count.WarehouseId, $"product '{group.Key}' does not exist.")));
        }

        // One write per product (its counts together), products in parallel.
        await _options.ForEachAsync(groups.Where(g => found.ContainsKey(g.Key)), async (group, ct) =>
        {
            var written = await StockLevels.WriteAsync(products, found[group.Key], group.Select(c => c.Count).ToArray(), now, ct).ConfigureAwait(false);
            Interlocked.Add(ref applied, written);
        }, cancellationToken).ConfigureAwait(false);

        return new StockPushResult(applied, items.Count - applied - rejected.Count, rejected.OrderBy(r => r.Index).ToArray());
    }
}
