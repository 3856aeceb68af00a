using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Agora.Core.Accounts;
using Agora.Core.Imports;
using Agora.Core.Pricing;
using Microsoft.Extensions.Logging.Abstractions;
using static Agora.Benchmarks.ImportPath;

namespace Agora.Benchmarks;

/// <summary>The price import against a database's latency: the real <see cref="ImportService.RunAsync"/> and
/// <see cref="PriceImport"/>, as in <c>import-path</c>, over stores that answer every request after the same time
/// (<see cref="SimulatedLatency"/>, 5 ms by default) however many are in flight. With latency, an import's speed is set by
/// its round trips and how many it keeps in flight, not by its CPU: <c>in-flight / latency</c> requests per second is the
/// bound a first import (one write per valid row) is measured against, and a re-import of the same file (no writes) by the
/// queries it needs per 1,000 rows. The first import writes every valid row; the re-imports of the identical file (new
/// versions) must write nothing; each job's counts and the writes are checked, and the run fails if they are wrong.</summary>
internal static class ImportLatency
{
    private const string FileName = "precos-latency.csv";

    public static async Task RunAsync(int rows, double latencyMs, int inFlight, int batch, int reimports)
    {
        var options = new ImportOptions { BatchSize = batch, WritesInFlight = inFlight }.Validated();
        Check(latencyMs >= 0 && reimports >= 1, "--latency-ms must be 0 or more and --reimports at least 1");
        var path = Path.Combine(Path.GetTempPath(), $"agora-bench-latency-{rows}.csv");
        try
        {
            await RunAsync(path, rows, TimeSpan.FromMilliseconds(latencyMs), options, reimports);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task RunAsync(string path, int rows, TimeSpan nominal, ImportOptions options, int reimports)
    {
        var file = PriceListFile.Write(path, rows);
        var inFlight = options.WritesInFlight;
        Console.WriteLine(Invariant($"import-latency: {file.Rows:N0} rows, {file.Bytes / 1048576.0:F1} MiB, {PriceListFile.Products:N0} products in UN and CX; {file.Valid:N0} valid rows, {file.RejectedWhenParsed:N0} invalid when parsed, {file.RejectedWhenApplied:N0} when applied"));
        Console.WriteLine(Invariant($"every store request waits {nominal.TotalMilliseconds:0.###} ms (a FindManyAsync of a batch: one query); ImportOptions: {inFlight} writes in flight, batches of {options.BatchSize:N0} rows"));
        Console.WriteLine(Invariant($".NET {Environment.Version}, {Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {reimports} re-imports"));

        using var latency = new SimulatedLatency(nominal);
        var clock = TimeProvider.System;
        var organizations = new LatencyOrganizations(new BenchOrganizations(clock.GetUtcNow()), latency);
        var products = new LatencyProducts(new BenchProducts(PriceListFile.Products, clock.GetUtcNow()), latency);
        var stored = new BenchPrices();
        var prices = new LatencyPrices(stored, latency);
        var jobs = new LatencyJobs(new BenchJobs(), latency);
        var reports = new BenchReports();
        var files = new BenchFiles(path);
        var service = new ImportService(
            [new PriceImport(products, prices, clock)],
            organizations,
            jobs,
            new LatencyReports(reports, latency),
            new LatencyFiles(files, latency),
            new AccessControl(organizations),
            clock,
            options,
            NullLogger<ImportService>.Instance);

        if (nominal > TimeSpan.Zero)
        {
            var (rate, alone) = await CalibrateAsync(latency, inFlight, TimeSpan.FromSeconds(2));
            Console.WriteLine(Invariant($"the stand-in store alone, {inFlight} loops of requests for 2 s: {rate:N0} requests/s = {rate * nominal.TotalSeconds / inFlight:P1} of the bound {inFlight / nominal.TotalSeconds:N0}/s; wait as measured: mean {Ms(alone.Mean)}, median {Ms(alone.Median)}, p99 {Ms(alone.P99)}, longest {Ms(alone.Longest)}"));
        }

        var heapBeforeImports = ImportPath.SettledHeap();

        // First import: every valid row is new and written. It also JITs the import path (a fraction of a second).
        var first = await ImportPath.Sample.TakeAsync(heapBeforeImports, () => WithHeartbeat(stored, () => ImportAsync(service, files)));
        var firstStats = latency.Take();
        Check(reports.Last!, file, applied: file.Valid, unchanged: 0);
        Check(stored.Upserts == file.Valid && prices.Deletes == 0, $"first import: {stored.Upserts} upserts and {prices.Deletes} deletes, expected {file.Valid} upserts");
        var heapWithStore = ImportPath.SettledHeap();
        var storeBytes = heapWithStore - heapBeforeImports;

        var runs = new List<(ImportPath.Sample Sample, LatencyStats Stats)>();
        for (var i = 0; i < reimports; i++)
        {
            latency.Reset();
            var upsertsBefore = stored.Upserts;
            var sample = await ImportPath.Sample.TakeAsync(heapWithStore, () => ImportAsync(service, files));
            var stats = latency.Take();
            Check(reports.Last!, file, applied: 0, unchanged: file.Valid);
            Check(stored.Upserts == upsertsBefore && prices.Deletes == 0, $"re-import {i + 1}: {stored.Upserts - upsertsBefore} upserts and {prices.Deletes} deletes, expected none");
            runs.Add((sample, stats));
            Console.WriteLine(Invariant($"re-import {i + 1}: {sample.Elapsed.TotalSeconds:F2} s, {rows / sample.Elapsed.TotalSeconds:N0} rows/s, 0 writes, {stats.Total:N0} requests ({PerThousand(stats.Total, rows):F1} per 1,000 rows), mean wait {Ms(stats.Mean)}, at most {stats.MaxInFlight} at the store at once"));
        }

        // Every figure of the report, after the runs.
        var bound = nominal > TimeSpan.Zero ? inFlight / nominal.TotalSeconds : double.PositiveInfinity;
        var measuredBound = firstStats.Mean > TimeSpan.Zero ? inFlight / firstStats.Mean.TotalSeconds : double.PositiveInfinity;
        var firstSeconds = first.Elapsed.TotalSeconds;
        var writesPerSecond = file.Valid / firstSeconds;
        Console.WriteLine();
        Console.WriteLine(Invariant($"first import: {firstSeconds:F1} s, {rows / firstSeconds:N0} rows/s, {file.Valid:N0} writes = {writesPerSecond:N0} writes/s"));
        if (double.IsFinite(bound))
        {
            Console.WriteLine(Invariant($"  concurrency bound: {inFlight} in flight / {Ms(nominal)} nominal = {bound:N0} requests/s; at the measured mean wait {Ms(firstStats.Mean)}: {measuredBound:N0}/s"));
            Console.WriteLine(Invariant($"  writes/s over the bound: {writesPerSecond / bound:P1} of the nominal bound, {writesPerSecond / measuredBound:P1} of the measured one (target: >= 80% and >= 5,000 rows/s at 5 ms and 32 in flight)"));
        }
        else
        {
            Console.WriteLine("  no latency: no concurrency bound (the control run: the import's CPU and the stand-in stores' work only)");
        }

        Print(firstStats, rows, inFlight);
        Console.WriteLine(Invariant($"  memory over the heap before the import ({MiB(heapBeforeImports)}): managed heap +{MiB(first.PeakHeap)}, live after a GC +{MiB(first.PeakLive)}, working set +{MiB(first.WorkingSetGrowth)}; the price store it filled holds {MiB(storeBytes)} of that (what Cosmos holds in production)"));

        var median = runs.OrderBy(r => r.Sample.Elapsed).ElementAt(runs.Count / 2);
        var medianRate = rows / median.Sample.Elapsed.TotalSeconds;
        Console.WriteLine(Invariant($"re-import, median of {runs.Count}: {median.Sample.Elapsed.TotalSeconds:F2} s, {medianRate:N0} rows/s, 0 writes every time, {PerThousand(median.Stats.Total, rows):F1} requests per 1,000 rows (target: >= 20,000 rows/s with 0 writes)"));
        if (double.IsFinite(bound))
        {
            Console.WriteLine(Invariant($"  one round trip per batch of {options.BatchSize:N0} rows, and nothing else, would allow {options.BatchSize / nominal.TotalSeconds:N0} rows/s"));
        }

        Print(median.Stats, rows, inFlight);
        Console.WriteLine(Invariant($"  memory over the heap before (catalog and full price store: {MiB(heapWithStore)}), worst of {runs.Count}: managed heap +{MiB(runs.Max(r => r.Sample.PeakHeap))}, live after a GC +{MiB(runs.Max(r => r.Sample.PeakLive))}, working set +{MiB(runs.Max(r => r.Sample.WorkingSetGrowth))}; allocated {runs.Average(r => r.Sample.Allocated) / rows:F0} B/row, {runs.Average(r => r.Sample.Gen0):F0} gen0 and {runs.Average(r => r.Sample.Gen2):F0} gen2 GCs per re-import"));
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(Invariant($"process peak working set over the whole run: {MiB(process.PeakWorkingSet64)} (the generated catalog and price store included)"));
    }

    /// <summary>What one run sent: requests by kind, the waits as measured, and the most in flight at once against the
    /// import's setting. More price writes in flight than it allows fails the run: that is the setting's whole promise.</summary>
    private static void Print(LatencyStats stats, int rows, int inFlight)
    {
        var kinds = string.Join(", ", stats.Requests.Where(r => r.Value > 0).Select(r => Invariant($"{r.Key} {r.Value:N0}")));
        Console.WriteLine(Invariant($"  requests: {stats.Total:N0}, {PerThousand(stats.Total, rows):F1} per 1,000 rows ({kinds})"));
        Console.WriteLine(Invariant($"  wait per request as measured: mean {Ms(stats.Mean)}, median {Ms(stats.Median)}, p99 {Ms(stats.P99)}, longest {Ms(stats.Longest)}"));
        var verdict = stats.MaxInFlight <= inFlight + 2 ? "within" : "OVER";
        Console.WriteLine(Invariant($"  at the store at once: at most {stats.MaxInFlight} requests ({verdict} {inFlight} in flight + the service's own 2), of which at most {stats.MaxReadsInFlight} product/price queries and {stats.MaxWritesInFlight} price writes"));
        Check(stats.MaxWritesInFlight <= inFlight, $"{stats.MaxWritesInFlight} price writes were in flight at once; ImportOptions.WritesInFlight is {inFlight}");
    }

    /// <summary>The simulated store with nothing but requests: <paramref name="loops"/> loops each sending one request
    /// after another for <paramref name="duration"/>. How close it comes to <c>loops / latency</c> on this machine, now, is
    /// the most an import can reach here; it also warms up the clock thread and the request path.</summary>
    private static async Task<(double PerSecond, LatencyStats Stats)> CalibrateAsync(SimulatedLatency latency, int loops, TimeSpan duration)
    {
        latency.Reset();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, loops).Select(async _ =>
        {
            while (watch.Elapsed < duration)
            {
                await latency.RequestAsync(StoreRequest.Calibration);
            }
        }));
        var stats = latency.Take();
        latency.Reset();
        return (stats.Total / watch.Elapsed.TotalSeconds, stats);
    }

    /// <summary>Drops the file again (a new version, same bytes) and runs the blob trigger's call on it.</summary>
    private static async Task ImportAsync(ImportService service, BenchFiles files)
    {
        var version = files.Drop();
        var job = await service.RunAsync(ImportPathPorts.SupplierId, "prices", FileName, version, DateTimeOffset.UtcNow, CancellationToken.None);
        Check(job.Status == ImportStatus.Completed, $"import ended {job.Status}: {job.Failure}");
    }

    /// <summary>A line every 30 s while a long import runs (a first import with writes one at a time takes minutes).</summary>
    private static async Task WithHeartbeat(BenchPrices prices, Func<Task> run)
    {
        var watch = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var beat = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30));
            try
            {
                while (await timer.WaitForNextTickAsync(stop.Token))
                {
                    var written = prices.Upserts;
                    Console.WriteLine(Invariant($"  ... first import: {written:N0} writes in {watch.Elapsed.TotalSeconds:F0} s ({written / watch.Elapsed.TotalSeconds:N0}/s)"));
                }
            }
            catch (OperationCanceledException)
            {
                // The import ended.
            }
        });
        try
        {
            await run();
        }
        finally
        {
            await stop.CancelAsync();
            await beat;
        }
    }

    private static double PerThousand(long requests, int rows) => requests * 1000.0 / rows;

    private static string Ms(TimeSpan time) => Invariant($"{time.TotalMilliseconds:F3} ms");

    private static string MiB(double bytes) => Invariant($"{bytes / 1048576.0:F1} MiB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
