using System.Collections.Concurrent;
using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Inventory;

/// <summary>What asking <see cref="IStockHolds"/> to hold stock came to.</summary>
public enum HoldOutcome
{
    /// <summary>Held now: the hold is recorded and <see cref="WarehouseStock.Reserved"/> grew by its quantity.</summary>
    Held,

    /// <summary>The hold id already holds this product in this warehouse (a retry, or a plan made on a stale read): nothing
    /// changed. What it holds is in the stored product, whatever quantity was asked this time.</summary>
    AlreadyHeld,

    /// <summary>Less is available there than asked (someone else took it since the product was read): nothing was held.</summary>
    Insufficient,

    /// <summary>The product does not exist, or has no stock record in that warehouse.</summary>
    NotStocked,
}

/// <summary>Holds of stock for orders, one per (product, warehouse, hold id), recorded in the product itself. Each change is
/// one atomic conditional write of the product (Cosmos DB: PATCH with a filter predicate, decision 0016b), so concurrent
/// orders never hold more than is on hand and a retried hold is never counted twice, without reading the product first.</summary>
public interface IStockHolds
{
    /// <summary>Holds <paramref name="quantity"/> (base units, above zero, at most <see cref="Quantities.MaxDecimals"/>
    /// decimals) of <paramref name="sku"/> in <paramref name="warehouseId"/> for <paramref name="holdId"/>, when on hand
    /// minus reserved there is at least <paramref name="quantity"/> and <paramref name="holdId"/> holds nothing there yet.</summary>
    Task<HoldOutcome> HoldAsync(string supplierId, string sku, string warehouseId, string holdId, decimal quantity, CancellationToken cancellationToken);

    /// <summary>Releases what <paramref name="holdId"/> holds of <paramref name="sku"/> in <paramref name="warehouseId"/>;
    /// false when it held nothing (releasing is idempotent).</summary>
    Task<bool> ReleaseAsync(string supplierId, string sku, string warehouseId, string holdId, CancellationToken cancellationToken);

    /// <summary>As <see cref="ReleaseAsync"/> for a caller that has read what <paramref name="holdId"/> holds there
    /// (<paramref name="expected"/>): one request instead of a read and a write. When the stored hold is another quantity by
    /// then, that one is released. Returns the quantity released, 0 when it held nothing.</summary>
    Task<decimal> ReleaseHeldAsync(string supplierId, string sku, string warehouseId, string holdId, decimal expected, CancellationToken cancellationToken);
}

/// <summary>What an order needs of one product: <see cref="Line"/> is the order's line number, reported back as is.</summary>
public sealed record ReservationLine(int Line, string Sku, decimal BaseQuantity);

/// <summary>What is held of a product in a warehouse, in base units.</summary>
public sealed record Allocation(string Sku, string WarehouseId, decimal Quantity);

/// <summary>What was held for one line: <see cref="Held"/> by warehouse, and <see cref="Short"/> what could not be held
/// (to backorder, or to refuse the order).</summary>
#pragma warning disable CA1720 // "Short" is the order flow's word for what is backordered, not the type.
public sealed record LineReservation(int Line, string Sku, decimal Requested, IReadOnlyList<Allocation> Held, decimal Short);
#pragma warning restore CA1720

/// <summary>The lines of a reservation in the order they were asked; <see cref="Complete"/> when nothing is short.</summary>
public sealed record ReservationResult(IReadOnlyList<LineReservation> Lines)
{
    public bool Complete => Lines.All(l => l.Short == 0);
}

/// <summary>Which warehouses ship a line (pure). The rule, first that applies (decision 0016b):
/// <list type="number">
/// <item>One warehouse in the delivery country that can ship the whole line: the first such in the supplier's list.</item>
/// <item>Any one warehouse that can ship the whole line: the first such in the supplier's list. One shipment beats a nearer
/// split, since each shipment costs freight and handling.</item>
/// <item>Otherwise the line is split, largest available first (which uses as few warehouses as any split can); equal
/// amounts go to a warehouse in the delivery country first, then in list order. What all of them together lack is left
/// out of the plan (it is short).</item>
/// </list>
/// Inactive warehouses, warehouses the supplier does not list, and warehouses with nothing available are never used.
/// Countries compare without case; without a delivery country step 1 is skipped.</summary>
public static class WarehouseChoice
{
    /// <summary>The plan for one line of <paramref name="baseQuantity"/> given <paramref name="product"/>'s stock and the
    /// supplier's <paramref name="warehouses"/> in its list order; empty when nothing is available.</summary>
    public static IReadOnlyList<Allocation> Plan(Product product, decimal baseQuantity, IReadOnlyList<Warehouse> warehouses, string? deliveryCountry)
    {
        ArgumentNullException.ThrowIfNull(product);
        ArgumentNullException.ThrowIfNull(warehouses);
        if (baseQuantity <= 0)
        {
            return [];
        }

        var candidates = warehouses
            .Select((w, order) => (Warehouse: w, Order: order))
            .Where(c => c.Warehouse.Active)
            .DistinctBy(c => c.Warehouse.Id, StringComparer.Ordinal)
            .Select(c => (c.Warehouse.Id, c.Order,
                Local: deliveryCountry is not null && string.Equals(c.Warehouse.Country, deliveryCountry, StringComparison.OrdinalIgnoreCase),
                Available: product.Stock.GetValueOrDefault(c.Warehouse.Id)?.Available ?? 0))
            .Where(c => c.Available > 0)
            .ToArray();

        // Steps 1 and 2: the first local warehouse that ships it all, else the first of any.
        if (candidates.Where(c => c.Available >= baseQuantity).OrderByDescending(c => c.Local).ThenBy(c => c.Order).FirstOrDefault() is { Id: not null } whole)
        {
            return [new Allocation(product.Sku, whole.Id, baseQuantity)];
        }

        var plan = new List<Allocation>();
        var remaining = baseQuantity;
        foreach (var c in candidates.OrderByDescending(c => c.Available).ThenByDescending(c => c.Local).ThenBy(c => c.Order))
        {
            if (remaining <= 0)
            {
                break;
            }

            var take = Math.Min(c.Available, remaining);
            plan.Add(new Allocation(product.Sku, c.Id, take));
            remaining -= take;
        }

        return plan;
    }
}

/// <summary>Holds stock for orders and releases it: what checkout calls. An order's holds are keyed by its id (the hold id)
/// in each product and warehouse, so holding again is a no-op and releasing knows what to give back.
/// <para>Lines of one SKU in one order share one hold per warehouse: their quantities are summed and planned as one
/// (one shipment where one warehouse can ship the sum), and what is held is then reported line by line in the order given,
/// each line taking from the warehouses in the supplier's list order. Keying holds by line instead would make a reordered
/// or renumbered order hold twice.</para>
/// <para>Cost: one read of the warehouse list, one query for the products not in <c>alreadyRead</c>, and one conditional
/// write per (SKU, warehouse) held. A product is read again only after one of its holds lost a race, at most
/// <see cref="MaxAttempts"/> times per SKU. SKUs are held <see cref="Parallelism"/> at a time.</para>
/// <para>Calls for one hold id are meant to follow each other (an order changes under its own ETag): two at once may each
/// hold part of a line in different warehouses.</para></summary>
public sealed class StockReserver(IStockHolds holds, IProductStore products, IWarehouseStore warehouses)
{
    /// <summary>Plans per SKU: after a lost race the product is read again and the rest planned again.</summary>
    public const int MaxAttempts = Concurrency.MaxAttempts;

    /// <summary>SKUs of one order held at once: each is its own document, so they never contend with each other.</summary>
    public const int Parallelism = 32;

    /// <summary><see cref="IProductStore.FindManyAsync"/> reads up to this many in one query.</summary>
    private const int ReadChunk = 1000;

    /// <summary>Holds stock for every line under <paramref name="holdId"/> and reports what was held and what is short;
    /// the caller decides what a short line means (refuse: <see cref="ReleaseAsync"/>; or backorder).</summary>
    /// <remarks>Idempotent: what <paramref name="holdId"/> already holds counts first, so calling again with the same
    /// lines holds nothing twice and reports the same allocations. A hold is never shrunk here: when it holds more than the
    /// lines ask (fewer lines than last time), the surplus is reported on the last line of its SKU, so nothing held is
    /// hidden; release and reserve again to change quantities.</remarks>
    /// <param name="deliveryCountry">ISO country the order ships to, for <see cref="WarehouseChoice"/>.</param>
    /// <param name="alreadyRead">Products the caller has just read (pricing does), by SKU, so they are not read again.
    /// They must have been read after any earlier call for <paramref name="holdId"/>: a stale one does not show that
    /// call's holds, and its plan could hold the same line again in another warehouse.</param>
    public async Task<ReservationResult> ReserveAsync(string supplierId, string holdId, IReadOnlyList<ReservationLine> lines, string? deliveryCountry, IReadOnlyDictionary<string, Product>? alreadyRead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lines);
        RequireHoldId(holdId);
        Validate(lines);
        if (lines.Count == 0)
        {
            return new ReservationResult([]);
        }

        var listed = (await warehouses.ListAsync(supplierId, cancellationToken).ConfigureAwait(false))?.Value ?? [];
        var active = listed.Where(w => w.Active).ToArray();
        var needed = lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.BaseQuantity), StringComparer.Ordinal);
        var read = await ReadAsync(supplierId, needed.Keys, alreadyRead, cancellationToken).ConfigureAwait(false);
        var held = new ConcurrentDictionary<string, IReadOnlyList<Allocation>>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(needed, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (need, ct) =>
            held[need.Key] = await HoldAsync(supplierId, holdId, need.Key, need.Value, read.GetValueOrDefault(need.Key), active, deliveryCountry, ct).ConfigureAwait(false))
            .ConfigureAwait(false);
        return new ReservationResult(Distribute(lines, held, listed));
    }

    /// <summary>Releases every hold of <paramref name="holdId"/> on <paramref name="skus"/>, in every warehouse; idempotent.
    /// Returns what was released (nothing the second time). Costs one query and one write per (SKU, warehouse) held.</summary>
    public async Task<IReadOnlyList<Allocation>> ReleaseAsync(string supplierId, string holdId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        RequireHoldId(holdId);
        var read = await ReadAsync(supplierId, skus.Distinct(StringComparer.Ordinal).ToArray(), null, cancellationToken).ConfigureAwait(false);
        var heldNow = read.Values.SelectMany(p => HeldBy(p, holdId)).ToArray();
        var released = new ConcurrentBag<Allocation>();
        await Parallel.ForEachAsync(heldNow, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (a, ct) =>
        {
            var quantity = await holds.ReleaseHeldAsync(supplierId, a.Sku, a.WarehouseId, holdId, a.Quantity, ct).ConfigureAwait(false);
            if (quantity > 0)
            {
                released.Add(a with { Quantity = quantity });
            }
        }).ConfigureAwait(false);
        return released.OrderBy(a => a.Sku, StringComparer.Ordinal).ThenBy(a => a.WarehouseId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Holds <paramref name="needed"/> of one SKU: what the hold id holds already counts first, the rest is planned
    /// on the product as read and held warehouse by warehouse; after a lost race (or a hold found already there) the product
    /// is read again, which shows every hold made so far, and the rest is planned again.</summary>
    private async Task<IReadOnlyList<Allocation>> HoldAsync(string supplierId, string holdId, string sku, decimal needed, Product? product, IReadOnlyList<Warehouse> active, string? deliveryCountry, CancellationToken cancellationToken)
    {
        for (var attempt = 1; product is not null; attempt++)
        {
            var held = HeldBy(product, holdId).ToList();
            var remaining = needed - held.Sum(a => a.Quantity);
            if (remaining <= 0 || attempt > MaxAttempts)
            {
                return held;
            }

            // A hold cannot grow: warehouses the hold id holds in are left to the others.
            var open = active.Where(w => held.All(a => a.WarehouseId != w.Id)).ToArray();
            var plan = WarehouseChoice.Plan(product, remaining, open, deliveryCountry);
            var lost = false;
            foreach (var allocation in plan)
            {
                var outcome = await holds.HoldAsync(supplierId, sku, allocation.WarehouseId, holdId, allocation.Quantity, cancellationToken).ConfigureAwait(false);
                if (outcome == HoldOutcome.Held)
                {
                    held.Add(allocation);
                }
                else
                {
                    lost = true;
                }
            }

            if (!lost)
            {
                return held;
            }

            product = (await products.FindAsync(supplierId, sku, cancellationToken).ConfigureAwait(false))?.Value;
        }

        return [];
    }

    /// <summary>What <paramref name="holdId"/> holds of <paramref name="product"/>, in any warehouse (one deactivated since
    /// still holds what it held).</summary>
    private static IEnumerable<Allocation> HeldBy(Product product, string holdId) =>
        product.Stock.Where(s => s.Value.HeldBy(holdId) > 0).Select(s => new Allocation(product.Sku, s.Key, s.Value.HeldBy(holdId)));

    private async Task<Dictionary<string, Product>> ReadAsync(string supplierId, IReadOnlyCollection<string> skus, IReadOnlyDictionary<string, Product>? alreadyRead, CancellationToken cancellationToken)
    {
        var read = new Dictionary<string, Product>(StringComparer.Ordinal);
        foreach (var sku in skus)
        {
            if (alreadyRead?.GetValueOrDefault(sku) is { } product && product.SupplierId == supplierId && product.Sku == sku)
            {
                read[sku] = product;
            }
        }

        foreach (var chunk in skus.Where(s => !read.ContainsKey(s)).Chunk(ReadChunk))
        {
            foreach (var found in await products.FindManyAsync(supplierId, chunk, cancellationToken).ConfigureAwait(false))
            {
                read[found.Value.Sku] = found.Value;
            }
        }

        return read;
    }

    /// <summary>Reports what each SKU holds line by line, in the order the lines were given, each line taking from the
    /// warehouses in the supplier's list order (unlisted ones last, by id); a surplus goes to the SKU's last line.</summary>
    private static LineReservation[] Distribute(IReadOnlyList<ReservationLine> lines, IReadOnlyDictionary<string, IReadOnlyList<Allocation>> held, IReadOnlyList<Warehouse> listed)
    {
        var order = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in listed)
        {
            order.TryAdd(w.Id, order.Count);
        }

        var pool = held.ToDictionary(
            h => h.Key,
            h => h.Value.OrderBy(a => order.GetValueOrDefault(a.WarehouseId, int.MaxValue)).ThenBy(a => a.WarehouseId, StringComparer.Ordinal).ToArray(),
            StringComparer.Ordinal);
        var used = pool.ToDictionary(p => p.Key, p => new decimal[p.Value.Length], StringComparer.Ordinal);
        var lastLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            lastLine[lines[i].Sku] = i;
        }

        var result = new LineReservation[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var pieces = pool.GetValueOrDefault(line.Sku) ?? [];
            var taken = new List<Allocation>();
            var wanted = line.BaseQuantity;
            for (var p = 0; p < pieces.Length; p++)
            {
                var left = pieces[p].Quantity - used[line.Sku][p];
                var take = lastLine[line.Sku] == i ? left : Math.Min(left, wanted);
                if (take > 0)
                {
                    taken.Add(pieces[p] with { Quantity = take });
                    used[line.Sku][p] += take;
                    wanted -= take;
                }
            }

            result[i] = new LineReservation(line.Line, line.Sku, line.BaseQuantity, taken, Math.Max(0, wanted));
        }

        return result;
    }

    private static readonly string QuantityReason =
        $"must be above zero, at most {Limits.MaxMagnitude.ToString("#,0", CultureInfo.InvariantCulture)}, with at most {Quantities.MaxDecimals} decimals, in the product's base unit.";

    private static void RequireHoldId(string holdId)
    {
        if (!Ids.IsWellFormed(holdId))
        {
            throw new ArgumentException("A hold id is an id such as an order's: 1 to 64 letters, digits, '-', '_' or '.'.", nameof(holdId));
        }
    }

    private static void Validate(IReadOnlyList<ReservationLine> lines)
    {
        var validation = new Validation();
        for (var i = 0; i < lines.Count; i++)
        {
            validation.Check(Ids.IsWellFormed(lines[i].Sku), $"lines[{i}].sku", "is missing or not a SKU.");
            validation.Check(lines[i].BaseQuantity > 0 && Quantities.Round(lines[i].BaseQuantity) == lines[i].BaseQuantity && lines[i].BaseQuantity <= Limits.MaxMagnitude,
                $"lines[{i}].quantity", QuantityReason);
        }

        validation.ThrowIfInvalid();
    }
}
