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

/// <summary>Stock snapshot files (<c>imports/{supplierId}/stock/</c>): SKU, warehouse and on-hand count per row, counted at
/// the time the file's name carries (<c>estoque-2026-11-30T2200.csv</c>; see <see cref="TakenAt"/>), never at the time
/// the file happened to be written. A file without that time, with a time in the future, or older than the snapshot
/// already applied fails unread. Importing checks every row (the product and warehouse exist, the count is valid) and
/// records the file as the latest snapshot; the nightly reconciliation then corrects drift against it. Valid rows are
/// counted as applied: they are part of the snapshot.</summary>
public sealed partial class StockSnapshotImport(IProductStore products, IWarehouseStore warehouses, IStockSnapshotStore snapshots, IDueIndex due, TimeProvider clock) : ImportHandler
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

    public override async Task StartAsync(ImportContext file, ImportRow row, CancellationToken cancellationToken)
    {
        var takenAt = TakenAt(file.Job.File) ?? throw new ImportFileException(
            $"'{file.Job.File}' does not say when the stock was counted: put the time in the file name, such as estoque-2026-11-30T2200.csv " +
            "(UTC), or with its offset, estoque-2026-11-30T1900-0300.csv. The time the file was uploaded is not used: an old export uploaded again would undo newer counts.");
        var now = clock.GetUtcNow();
        if (takenAt > now + StockLevels.ClockSkew)
        {
            throw new ImportFileException($"The snapshot is dated {takenAt:u}, in the future (the server's time is {now:u}); check the time and offset in the file name.");
        }

        if (await snapshots.LatestAsync(file.Supplier.Id, cancellationToken).ConfigureAwait(false) is { } latest && takenAt < latest.TakenAt)
        {
            throw new ImportFileException($"The snapshot is dated {takenAt:u}, older than the one already applied ('{latest.File}', counted {latest.TakenAt:u}); it would undo newer counts.");
        }

        file.StateOf<Snapshot>().TakenAt = takenAt;
    }

    private sealed class Snapshot
    {
        public DateTimeOffset TakenAt { get; set; }
    }

    /// <summary>The count's time in a snapshot's file name: <c>yyyy-MM-dd</c>, then <c>T</c> or <c>_</c>, <c>HHmm</c> or
    /// <c>HHmmss</c> (a <c>h</c> or <c>-</c> may separate hours and minutes), then an optional offset <c>Z</c>, <c>-0300</c>
    /// or <c>+01:00</c>; UTC without one. Null when the name has no such time or it is not a real one.</summary>
    public static DateTimeOffset? TakenAt(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        var match = TimeInName().Match(fileName);
        if (!match.Success)
        {
            return null;
        }

        int Part(string name) => match.Groups[name].Success ? int.Parse(match.Groups[name].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var offset = TimeSpan.Zero;
        if (match.Groups["oh"].Success)
        {
            offset = new TimeSpan(Part("oh"), Part("om"), 0) * (match.Groups["sign"].Value == "-" ? -1 : 1);
        }

        try
        {
            return new DateTimeOffset(Part("y"), Part("mo"), Part("d"), Part("h"), Part("mi"), Part("s"), offset).ToUniversalTime();
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<!\d)(?<y>\d{4})-(?<mo>\d{2})-(?<d>\d{2})[T_t](?<h>\d{2})[h\-]?(?<mi>\d{2})(?<s>\d{2})?(?:Z|z|(?<sign>[+-])(?<oh>\d{2}):?(?<om>\d{2}))?(?!\d)")]
    private static partial System.Text.RegularExpressions.Regex TimeInName();

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

    public override async Task<IReadOnlyList<RowOutcome>> ApplyAsync(ImportContext file, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        var supplier = file.Supplier;
        var counts = rows.Cast<StockCount>().ToArray();
        var known = ((await warehouses.ListAsync(supplier.Id, cancellationToken).ConfigureAwait(false))?.Value ?? []).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        var found = (await products.FindManyAsync(supplier.Id, counts.Select(c => c.Sku).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false))
            .Select(p => p.Value.Sku).ToHashSet(StringComparer.Ordinal);
        return counts.Select(c =>
            !found.Contains(c.Sku) ? RowOutcome.Rejected(DomainException.Invalid("sku", $"'{c.Sku}' is not in the catalog."))
            : !known.Contains(c.WarehouseId) ? RowOutcome.Rejected(DomainException.Invalid("warehouseId", $"warehouse '{c.WarehouseId}' does not exist."))
            : RowOutcome.Applied).ToArray();
    }

    public override async Task CompleteAsync(ImportContext file, CancellationToken cancellationToken)
    {
        var (supplier, job) = (file.Supplier, file.Job);
        var now = clock.GetUtcNow();
        await snapshots.RecordAsync(new StockSnapshot(supplier.Id, job.Id, job.File, job.Version, file.StateOf<Snapshot>().TakenAt, job.Applied), cancellationToken).ConfigureAwait(false);
        await due.AddAsync(new DueEntry(DueEntry.DayOf(now), job.Id, DueKind, supplier.Id, now), cancellationToken).ConfigureAwait(false);
    }
}
