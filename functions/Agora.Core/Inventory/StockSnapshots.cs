using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;

namespace Agora.Core.Inventory;

/// <summary>The supplier system's latest full stock count: the file it came in and when it was taken.</summary>
public sealed record StockSnapshot(string SupplierId, string JobId, string File, string Version, DateTimeOffset TakenAt, long Rows);

public interface IStockSnapshotStore
{
    Task<StockSnapshot?> LatestAsync(string supplierId, CancellationToken cancellationToken);

    /// <summary>Records <paramref name="snapshot"/> as the latest unless a later one (by TakenAt) is recorded.</summary>
    Task RecordAsync(StockSnapshot snapshot, CancellationToken cancellationToken);
}

/// <summary>Stock snapshot files (<c>imports/{supplierId}/stock/</c>): SKU, warehouse and on-hand count per row, taken at
/// the time the file was written. Importing checks every row (the product and warehouse exist, the count is valid) and
/// records the file as the latest snapshot; the nightly reconciliation then corrects drift against it. Valid rows are
/// counted as applied: they are part of the snapshot.</summary>
public sealed class StockSnapshotImport(IProductStore products, IWarehouseStore warehouses, IStockSnapshotStore snapshots, IDueIndex due, TimeProvider clock) : ImportHandler
{
    public const string DueKind = "stockReconciliation";

    public static readonly IReadOnlyList<Column> SnapshotColumns =
    [
        new("sku", true, "sku", "codigo", "referencia", "ref"),
        new("warehouseId", true, "warehouse", "warehouseId", "deposito", "armazem", "almoxarifado"),
        new("onHand", true, "onHand", "quantity", "quantidade", "estoque", "saldo", "qtd"),
    ];

    public override ImportKind Kind => ImportKind.Stock;

    public override IReadOnlyList<Column> Columns => SnapshotColumns;

    public override object Parse(ImportRow row) => ParseCount(row, DateTimeOffset.MinValue);

    /// <summary>One row of a snapshot as a count (shared with the reconciliation, which reads the file again).</summary>
    public static StockCount ParseCount(ImportRow row, DateTimeOffset asOf)
    {
        var v = new Validation();
        var sku = row.Text("sku");
        v.Check(Ids.IsWellFormed(sku), "sku", "is required: letters, digits, '-', '_' or '.'.");
        var warehouse = row.Text("warehouseId");
        v.Check(Ids.IsWellFormed(warehouse), "warehouseId", "is required: a warehouse id.");
        var onHand = row.Number("onHand");
        v.Check(onHand is { } q && StockLevels.IsValidQuantity(q), "onHand", $"is required: zero or more, at most {StockLevels.MaxDecimals} decimals.");
        v.ThrowIfInvalid();
        return new StockCount(sku!, warehouse!, onHand!.Value, asOf);
    }

    public override async Task<IReadOnlyList<RowOutcome>> ApplyAsync(Organization supplier, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        var counts = rows.Cast<StockCount>().ToArray();
        var known = ((await warehouses.ListAsync(supplier.Id, cancellationToken).ConfigureAwait(false))?.Value ?? []).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        var found = (await products.FindManyAsync(supplier.Id, counts.Select(c => c.Sku).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false))
            .Select(p => p.Value.Sku).ToHashSet(StringComparer.Ordinal);
        return counts.Select(c =>
            !found.Contains(c.Sku) ? RowOutcome.Rejected(DomainException.Invalid("sku", $"'{c.Sku}' is not in the catalog."))
            : !known.Contains(c.WarehouseId) ? RowOutcome.Rejected(DomainException.Invalid("warehouseId", $"warehouse '{c.WarehouseId}' does not exist."))
            : RowOutcome.Applied).ToArray();
    }

    public override async Task CompleteAsync(Organization supplier, ImportJob job, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await snapshots.RecordAsync(new StockSnapshot(supplier.Id, job.Id, job.File, job.Version, job.FileTime ?? job.StartedAt, job.Applied), cancellationToken).ConfigureAwait(false);
        await due.AddAsync(new DueEntry(DueEntry.DayOf(now), job.Id, DueKind, supplier.Id, now), cancellationToken).ConfigureAwait(false);
    }
}
