using System.Globalization;
using System.Text;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Files;
using Agora.Core.Imports;
using Agora.Core.Notifications;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Inventory;

/// <summary>App settings <c>StockReconciliation__AlertThreshold</c>: from how many discrepancies the warehouse staff are emailed.</summary>
public sealed class StockReconciliationOptions
{
    public int AlertThreshold { get; set; } = 10;
}

/// <summary>Where reconciliation reports are written (CSV, for the supplier's warehouse staff).</summary>
public interface IReportFiles
{
    /// <summary>Opens <paramref name="path"/> (under the reports container) for writing; the report is there once disposed.</summary>
    Task<Stream> CreateAsync(string path, string contentType, CancellationToken cancellationToken);
}

public sealed record Discrepancy(string Sku, string WarehouseId, decimal Expected, decimal Found, decimal Reserved)
{
    public decimal Delta => Expected - Found;
}

/// <param name="Failed">Products whose correction failed (logged; the others were corrected, and the supplier stays due so
/// the next run corrects them).</param>
public sealed record ReconciliationResult(string SupplierId, string SnapshotFile, DateTimeOffset TakenAt, long Checked, long Discrepancies, long Corrected, long NewerInAgora, string? ReportPath, long Failed = 0);

/// <summary>Nightly: compares the latest stock snapshot of each supplier that sent one with the stock records, corrects
/// drift (on-hand only: reservations of open orders are kept; a record updated after the snapshot was taken is newer and
/// left alone), writes a discrepancy report (SKU, warehouse, expected, found, delta) and emails the supplier's warehouse
/// staff when discrepancies reach the threshold. Corrections carry the snapshot's time, so running it again on the same
/// snapshot finds nothing to correct.</summary>
public sealed partial class StockReconciliation(
    IStockSnapshotStore snapshots,
    IImportFiles files,
    IProductStore products,
    IWarehouseStore warehouses,
    IOrganizationStore organizations,
    IReportFiles reports,
    OutboxDispatcher outbox,
    DueWork dueWork,
    StockReconciliationOptions options,
    TimeProvider clock,
    ILogger<StockReconciliation> logger,
    ImportOptions? importOptions = null)
{
    private const int Chunk = ImportOptions.DefaultBatchSize;
    private readonly ImportOptions _importOptions = importOptions ?? new ImportOptions();
    private const int ListedInEmail = 20;

    /// <summary>Reconciles every supplier whose snapshot arrived since the last run. A supplier whose reconciliation failed,
    /// even for one product, stays due and is reconciled again by the next run (corrections carry the snapshot's time, so
    /// what was corrected is not corrected twice); the other suppliers and products still run.</summary>
    public Task<int> RunDueAsync(CancellationToken cancellationToken) =>
        dueWork.RunAsync(StockSnapshotImport.DueKind, async (entry, ct) =>
        {
            if (await ReconcileAsync(entry.OrgId, entry.Id, ct).ConfigureAwait(false) is { Failed: > 0 } result)
            {
                throw new IncompleteWorkException($"{result.Failed} products of {result.SupplierId} could not be corrected.");
            }
        }, cancellationToken);

    /// <summary>Reconciles one supplier against its latest snapshot (<paramref name="jobId"/>: only if it is still that one).</summary>
    public async Task<ReconciliationResult?> ReconcileAsync(string supplierId, string? jobId, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.LatestAsync(supplierId, cancellationToken).ConfigureAwait(false);
        if (snapshot is null || (jobId is not null && snapshot.JobId != jobId))
        {
            return null; // superseded: the newer snapshot has its own entry
        }

        var content = await files.OpenAsync(supplierId, ImportKind.Stock, snapshot.File, snapshot.Version, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            LogSnapshotGone(logger, supplierId, snapshot.File);
            return null;
        }

        var known = ((await warehouses.ListAsync(supplierId, cancellationToken).ConfigureAwait(false))?.Value ?? []).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        var now = clock.GetUtcNow();
        var path = $"{supplierId}/stock-reconciliation/{now:yyyyMMdd-HHmmss}-{Ids.New(clock)}.csv";
        long checkedCount = 0, corrected = 0, newer = 0, failed = 0;
        var discrepancies = new List<Discrepancy>();
        long discrepancyCount = 0;
        await using (content.ConfigureAwait(false))
        {
            await using var table = await TabularFile.OpenAsync(content, snapshot.File, cancellationToken: cancellationToken).ConfigureAwait(false);
            var row = ImportRow.Bind(table, StockSnapshotImport.SnapshotColumns);
            var report = await reports.CreateAsync(path, "text/csv", cancellationToken).ConfigureAwait(false);
            await using (report.ConfigureAwait(false))
            {
                await using var writer = new StreamWriter(report, new UTF8Encoding(false));
                await writer.WriteLineAsync("sku;warehouse;expected;found;delta;reserved".AsMemory(), cancellationToken).ConfigureAwait(false);
                var batch = new List<StockCount>(Chunk);
                while (await table.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    try
                    {
                        var count = StockSnapshotImport.ParseCount(row, snapshot.TakenAt);
                        if (known.Contains(count.WarehouseId))
                        {
                            batch.Add(count);
                        }
                    }
                    catch (DomainException)
                    {
                        continue; // reported when the snapshot was imported
                    }

                    if (batch.Count == Chunk)
                    {
                        await CompareAsync(batch).ConfigureAwait(false);
                    }
                }

                await CompareAsync(batch).ConfigureAwait(false);

                async Task CompareAsync(List<StockCount> counts)
                {
                    if (counts.Count == 0)
                    {
                        return;
                    }

                    var found = (await products.FindManyAsync(supplierId, counts.Select(c => c.Sku).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false))
                        .ToDictionary(p => p.Value.Sku, StringComparer.Ordinal);
                    var corrections = new List<(Versioned<Product> Product, List<StockCount> Drift)>();
                    foreach (var group in counts.GroupBy(c => c.Sku, StringComparer.Ordinal))
                    {
                        if (!found.TryGetValue(group.Key, out var product))
                        {
                            continue;
                        }

                        var drift = new List<StockCount>();
                        foreach (var count in group)
                        {
                            checkedCount++;
                            var record = product.Value.Stock.GetValueOrDefault(count.WarehouseId);
                            if (record?.OnHand == count.OnHand)
                            {
                                continue;
                            }

                            if (record is not null && record.AsOf >= snapshot.TakenAt)
                            {
                                newer++; // counted after the snapshot: Agora's record is the newer truth
                                continue;
                            }

                            var discrepancy = new Discrepancy(count.Sku, count.WarehouseId, count.OnHand, record?.OnHand ?? 0, record?.Reserved ?? 0);
                            discrepancyCount++;
                            if (discrepancies.Count < ListedInEmail)
                            {
                                discrepancies.Add(discrepancy);
                            }

                            await writer.WriteLineAsync(Line(discrepancy).AsMemory(), cancellationToken).ConfigureAwait(false);
                            drift.Add(count);
                        }

                        if (drift.Count > 0)
                        {
                            corrections.Add((product, drift));
                        }
                    }

                    // The chunk's corrections in parallel, one write per product, as imports write.
                    await _importOptions.ForEachAsync(corrections, async (correction, ct) =>
                    {
                        try
                        {
                            Interlocked.Add(ref corrected, await StockLevels.WriteAsync(products, correction.Product, correction.Drift, now, ct).ConfigureAwait(false));
                        }
                        catch (Exception e) when (!ct.IsCancellationRequested)
                        {
                            // One product that cannot be written does not stop the others.
                            Interlocked.Increment(ref failed);
                            LogCorrectionFailed(logger, e, supplierId, correction.Product.Value.Sku);
                        }
                    }, cancellationToken).ConfigureAwait(false);

                    counts.Clear();
                }
            }
        }

        var result = new ReconciliationResult(supplierId, snapshot.File, snapshot.TakenAt, checkedCount, discrepancyCount, corrected, newer, path, failed);
        LogReconciled(logger, supplierId, snapshot.File, checkedCount, discrepancyCount, corrected, newer, failed);
        if (discrepancyCount >= options.AlertThreshold && discrepancyCount > 0)
        {
            await AlertAsync(result, discrepancies, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private static string Line(Discrepancy d) => string.Join(';', d.Sku, d.WarehouseId, Number(d.Expected), Number(d.Found), Number(d.Delta), Number(d.Reserved));

    private static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Emails each warehouse staff member (supplier admins when there are none), through the organization's outbox.</summary>
    private Task AlertAsync(ReconciliationResult result, IReadOnlyList<Discrepancy> first, CancellationToken cancellationToken) =>
        Concurrency.RetryAsync($"Organization '{result.SupplierId}'", async _ =>
        {
            var found = await organizations.FindAsync(result.SupplierId, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                return;
            }

            var org = found.Value;
            var staff = org.Members.Where(m => m.Has(Role.Warehouse) && m.Email is not null).ToArray();
            if (staff.Length == 0)
            {
                staff = org.Members.Where(m => m.Has(Role.SupplierAdmin) && m.Email is not null).ToArray();
            }

            var lines = string.Join('\n', first.Select(Line));
            var notifications = staff.Select(m => new Notification(
                $"stock-discrepancies-{result.SupplierId}-{result.TakenAt.UtcTicks}-{m.UserId}",
                NotificationKind.StockDiscrepancies,
                m.Email!,
                m.Name,
                new Dictionary<string, string>
                {
                    ["orgName"] = org.Name,
                    ["snapshotFile"] = result.SnapshotFile,
                    ["takenAt"] = result.TakenAt.ToString("O", CultureInfo.InvariantCulture),
                    ["checked"] = Number(result.Checked),
                    ["discrepancies"] = Number(result.Discrepancies),
                    ["corrected"] = Number(result.Corrected),
                    ["report"] = result.ReportPath ?? string.Empty,
                    ["lines"] = lines,
                },
                clock.GetUtcNow())).Where(n => org.Outbox.All(o => o.Id != n.Id)).ToArray();
            if (notifications.Length == 0)
            {
                return;
            }

            var saved = await organizations.ReplaceAsync(org with { Outbox = [.. org.Outbox, .. notifications] }, found.ETag, cancellationToken).ConfigureAwait(false);
            await outbox.DispatchAsync(saved, cancellationToken).ConfigureAwait(false);
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock snapshot {File} of {SupplierId} is gone or changed; nothing reconciled")]
    private static partial void LogSnapshotGone(ILogger logger, string supplierId, string file);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {SupplierId} against {File}: {Checked} counts, {Discrepancies} discrepancies, {Corrected} corrected, {Newer} newer in Agora, {Failed} products failed")]
    private static partial void LogReconciled(ILogger logger, string supplierId, string file, long @checked, long discrepancies, long corrected, long newer, long failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not correct the stock of {Sku} of {SupplierId}; the other products go on")]
    private static partial void LogCorrectionFailed(ILogger logger, Exception exception, string supplierId, string sku);
}
