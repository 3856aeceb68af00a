using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using Agora.Core.Accounts;
using Agora.Core.Imports;
using Agora.Core.Pricing;
using Microsoft.Extensions.Logging.Abstractions;
using Sylvan.Data.Csv;

namespace Agora.Benchmarks;

/// <summary>The real import path on a generated price file (<see cref="PriceListFile"/>): <see cref="ImportService.RunAsync"/>
/// with the real <see cref="PriceImport"/> over in-memory ports (<see cref="ImportPathPorts"/>), against raw Sylvan parsing
/// of the same file. The first import writes every valid row; each re-import of the identical file (a new version) parses,
/// validates and diffs every row against the stored catalog and prices, and must write nothing. The two are interleaved
/// over the rounds so both run under the same load; medians are reported.</summary>
internal static class ImportPath
{
    private const string FileName = "precos-bench.csv";

    public static async Task RunAsync(int rows, int rounds, bool breakdown)
    {
        var path = Path.Combine(Path.GetTempPath(), $"agora-bench-prices-{rows}.csv");
        try
        {
            await RunAsync(path, rows, rounds, breakdown);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task RunAsync(string path, int rows, int rounds, bool breakdown)
    {
        var file = PriceListFile.Write(path, rows);
        Console.WriteLine(Invariant($"import-path: {file.Rows:N0} rows, {file.Bytes / 1048576.0:F1} MiB, {PriceListFile.Products:N0} products in UN and CX; {file.Valid:N0} valid rows, {file.RejectedWhenParsed:N0} invalid when parsed, {file.RejectedWhenApplied:N0} when applied"));
        Console.WriteLine(Invariant($".NET {Environment.Version}, {Environment.ProcessorCount} cores, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, {rounds} rounds"));

        var clock = TimeProvider.System;
        var organizations = new BenchOrganizations(clock.GetUtcNow());
        var products = new BenchProducts(PriceListFile.Products, clock.GetUtcNow());
        var prices = new BenchPrices();
        var jobs = new BenchJobs();
        var reports = new BenchReports();
        var files = new BenchFiles(path);
        var handler = new PriceImport(products, prices, clock);
        var timed = new TimedHandler(handler);
        var service = Service(handler);
        var timedService = Service(timed);

        ImportService Service(ImportHandler h) =>
            new([h], organizations, jobs, reports, files, new AccessControl(organizations), clock, new ImportOptions { BatchSize = 100 }, NullLogger<ImportService>.Instance);

        await RawParseAsync(path); // JIT
        var heapBeforeImports = SettledHeap();

        // First import: every valid row is new and written. It also JITs the import path.
        var first = await Sample.TakeAsync(heapBeforeImports, () => ImportAsync(service, files));
        Check(reports.Last!, file, applied: file.Valid, unchanged: 0);
        Check(prices.Upserts == file.Valid, $"first import: {prices.Upserts} writes, expected {file.Valid}");
        var heapWithStore = SettledHeap();
        Console.WriteLine(Invariant($"first import: {first.Elapsed.TotalMilliseconds:F0} ms, {prices.Upserts:N0} writes; price store now {prices.Count:N0} entries, {(heapWithStore - heapBeforeImports) / 1048576.0:F0} MiB of heap"));

        var stages = new List<(string Name, Func<Task> Run)>
        {
            ("raw Sylvan parse", () => RawParseAsync(path)),
            ("re-import", () => ImportAsync(service, files)),
        };
        if (breakdown)
        {
            stages.Add(("re-import, timed handler", () => ImportAsync(timedService, files)));
        }

        var samples = stages.ToDictionary(s => s.Name, _ => new List<Sample>());
        var writes = new List<long>();
        for (var round = -1; round < rounds; round++)
        {
            // Alternate the order so neither path always runs right after the other's garbage.
            var order = round % 2 == 0 ? stages : Enumerable.Reverse(stages);
            foreach (var (name, run) in order)
            {
                var upsertsBefore = prices.Upserts;
                timed.Reset();
                (products.Ticks, prices.Ticks) = (0, 0);
                var sample = await Sample.TakeAsync(heapWithStore, run);
                if (name == "raw Sylvan parse")
                {
                    if (round >= 0)
                    {
                        samples[name].Add(sample);
                    }

                    continue;
                }

                Check(reports.Last!, file, applied: 0, unchanged: file.Valid);
                var written = prices.Upserts - upsertsBefore;
                if (round < 0)
                {
                    continue; // warm-up
                }

                samples[name].Add(sample);
                writes.Add(written);
                if (name == "re-import, timed handler")
                {
                    var parse = timed.ParseTime.TotalMilliseconds;
                    var apply = timed.ApplyTime.TotalMilliseconds;
                    var stores = Stopwatch.GetElapsedTime(0, products.Ticks + prices.Ticks).TotalMilliseconds;
                    var total = sample.Elapsed.TotalMilliseconds;
                    Console.WriteLine(Invariant($"  breakdown: total {total:F0} ms = handler.Parse {parse:F0} ms (of which {timed.RejectTime.TotalMilliseconds:F0} ms in the {timed.ParseRejects:N0} rows that threw) + handler.ApplyAsync {apply:F0} ms ({timed.Batches:N0} batches; in-memory product and price stores' lookups {stores:F0} ms of it) + reading and the service's own work {total - parse - apply:F0} ms; the GC paused {sample.GcPause.TotalMilliseconds:F0} ms of the total ({sample.Gen0} gen0 GCs)"));
                }
            }

            if (round >= 0)
            {
                Console.WriteLine(Invariant($"round {round + 1}: ") + string.Join(" | ", stages.Select(s => Invariant($"{s.Name} {samples[s.Name][^1].Elapsed.TotalMilliseconds:F0} ms"))));
            }
        }

        var raw = Median(samples["raw Sylvan parse"]);
        var import = Median(samples["re-import"]);
        var reimports = samples.Where(s => s.Key != "raw Sylvan parse").SelectMany(s => s.Value).ToList();
        static string MiB(double bytes) => Invariant($"{bytes / 1048576.0:F1} MiB");
        Console.WriteLine();
        Console.WriteLine(Invariant($"raw Sylvan parse                     median {raw.TotalMilliseconds,6:F0} ms  {rows / raw.TotalSeconds / 1e6,6:F2} M rows/s"));
        Console.WriteLine(Invariant($"re-import (parse + validate + diff)  median {import.TotalMilliseconds,6:F0} ms  {rows / import.TotalSeconds / 1e6,6:F2} M rows/s"));
        if (breakdown)
        {
            var timedMedian = Median(samples["re-import, timed handler"]);
            Console.WriteLine(Invariant($"re-import, timed handler             median {timedMedian.TotalMilliseconds,6:F0} ms"));
        }

        Console.WriteLine(Invariant($"ratio: the import path runs at {raw / import:F3}x raw Sylvan speed (takes {import / raw:F1}x as long); target >= 0.5x"));
        Console.WriteLine(Invariant($"writes on re-import: {string.Join(", ", writes)} (price store UpsertAsync calls, one per re-import)"));
        Console.WriteLine(Invariant($"first import: {first.Elapsed.TotalMilliseconds:F0} ms, {file.Valid:N0} writes; the price store it fills holds {MiB(heapWithStore - heapBeforeImports)} of heap"));
        Console.WriteLine(Invariant($"re-import memory, over the heap as it was before (catalog and full price store: {MiB(heapWithStore)}), worst of {reimports.Count} runs:"));
        Console.WriteLine(Invariant($"  managed heap (GC.GetTotalMemory, garbage included)  +{MiB(reimports.Max(s => s.PeakHeap))}"));
        Console.WriteLine(Invariant($"  live after a GC (GCMemoryInfo: heap - fragmentation) +{MiB(reimports.Max(s => s.PeakLive))}"));
        Console.WriteLine(Invariant($"  process working set                                  +{MiB(reimports.Max(s => s.WorkingSetGrowth))} (at most {MiB(reimports.Max(s => s.PeakWorkingSet))})"));
        Console.WriteLine(Invariant($"  allocated {reimports.Average(s => s.Allocated) / rows:F0} B/row; per re-import {reimports.Average(s => s.Gen0):F0} gen0, {reimports.Average(s => s.Gen1):F0} gen1, {reimports.Average(s => s.Gen2):F0} gen2 GCs pausing {reimports.Average(s => s.GcPause.TotalMilliseconds):F0} ms"));
        Console.WriteLine(Invariant($"raw parse: allocated {samples["raw Sylvan parse"].Average(s => s.Allocated) / rows:F1} B/row"));
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(Invariant($"process peak working set over the whole run: {MiB(process.PeakWorkingSet64)} (the generated catalog and price store included)"));
    }

    /// <summary>Drops the file again (a new version, same bytes) and runs the blob trigger's call on it.</summary>
    private static async Task ImportAsync(ImportService service, BenchFiles files)
    {
        var version = files.Drop();
        var job = await service.RunAsync(ImportPathPorts.SupplierId, "prices", FileName, version, DateTimeOffset.UtcNow, CancellationToken.None);
        Check(job.Status == ImportStatus.Completed, $"import ended {job.Status}: {job.Failure}");
    }

    /// <summary>As <see cref="PriceFileBenchmarks.SylvanRaw"/>, on the same file from disk: every record read and every
    /// field touched as a span.</summary>
    private static async Task RawParseAsync(string path)
    {
        await using var stream = BenchFiles.Open(path);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        await using var csv = await CsvDataReader.CreateAsync(reader, new CsvDataReaderOptions { BufferSize = 64 * 1024 });
        long sum = 0;
        while (await csv.ReadAsync())
        {
            for (var i = 0; i < csv.RowFieldCount; i++)
            {
                sum += csv.GetFieldSpan(i).Length;
            }
        }

        Check(sum > 0, "raw parse read nothing");
    }

    /// <summary>Fails the run unless the job's counts are the file's (shared with <c>import-latency</c>).</summary>
    internal static void Check(ImportJob job, PriceListFile file, long applied, long unchanged)
    {
        Check(job.RowsRead == file.Rows && job.Applied == applied && job.Unchanged == unchanged && job.Rejected == file.Rejected,
            $"job counts: read {job.RowsRead}, applied {job.Applied}, unchanged {job.Unchanged}, rejected {job.Rejected}; expected {file.Rows}, {applied}, {unchanged}, {file.Rejected}");
    }

    internal static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    /// <summary>The heap after a full, settled collection: the baseline the samples' heap figures are over.</summary>
    internal static long SettledHeap()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    private static TimeSpan Median(List<Sample> samples) => samples.Select(s => s.Elapsed).Order().ElementAt(samples.Count / 2);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>One timed run with the memory seen while it ran, sampled every few milliseconds on a separate thread.
    /// Heap figures are over <c>baseline</c>; the working set's growth is over its value just before the run.</summary>
    internal sealed record Sample(TimeSpan Elapsed, long PeakHeap, long PeakLive, long PeakWorkingSet, long WorkingSetGrowth, long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan GcPause)
    {
        public static async Task<Sample> TakeAsync(long baseline, Func<Task> run)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long peakHeap = 0, peakLive = 0, peakWorkingSet = 0;
            var stop = false;
            void Observe(bool workingSet)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: false) - baseline);
                var lastGc = GC.GetGCMemoryInfo(GCKind.Any);
                peakLive = Math.Max(peakLive, lastGc.HeapSizeBytes - lastGc.FragmentedBytes - baseline);
                if (workingSet)
                {
                    peakWorkingSet = Math.Max(peakWorkingSet, Environment.WorkingSet);
                }
            }

            var sampler = new Thread(() =>
            {
                for (var i = 0; !Volatile.Read(ref stop); i++)
                {
                    Observe(workingSet: i % 10 == 0); // the working set is read from /proc: less often
                    Thread.Sleep(5);
                }
            })
            { IsBackground = true, Priority = ThreadPriority.AboveNormal };
            var workingSetBefore = Environment.WorkingSet;
            var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var paused = GC.GetTotalPauseDuration();
            sampler.Start();
            var watch = Stopwatch.StartNew();
            await run();
            watch.Stop();
            Volatile.Write(ref stop, true);
            sampler.Join();
            Observe(workingSet: true);
            return new Sample(
                watch.Elapsed,
                peakHeap,
                peakLive,
                peakWorkingSet,
                Math.Max(0, peakWorkingSet - workingSetBefore),
                GC.GetTotalAllocatedBytes(precise: true) - allocated,
                GC.CollectionCount(0) - gen0,
                GC.CollectionCount(1) - gen1,
                GC.CollectionCount(2) - gen2,
                GC.GetTotalPauseDuration() - paused);
        }
    }

    /// <summary>The real handler, with the time spent in its two steps added up (for the breakdown only: the timestamps
    /// cost a little per row, so the headline figure runs the handler unwrapped).</summary>
    private sealed class TimedHandler(ImportHandler inner) : ImportHandler
    {
        private long parseTicks;
        private long applyTicks;
        private long rejectTicks;

        public override ImportKind Kind => inner.Kind;

        public override IReadOnlyList<Column> Columns => inner.Columns;

        public TimeSpan ParseTime => Stopwatch.GetElapsedTime(0, parseTicks);

        public TimeSpan ApplyTime => Stopwatch.GetElapsedTime(0, applyTicks);

        /// <summary>The part of <see cref="ParseTime"/> spent on rows that threw (building and throwing the exception).</summary>
        public TimeSpan RejectTime => Stopwatch.GetElapsedTime(0, rejectTicks);

        public long ParseRejects { get; private set; }

        public long Batches { get; private set; }

        public void Reset() => (parseTicks, applyTicks, rejectTicks, ParseRejects, Batches) = (0, 0, 0, 0, 0);

        public override object Parse(ImportRow row)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                return inner.Parse(row);
            }
            catch (Agora.Core.Common.DomainException)
            {
                ParseRejects++;
                rejectTicks += Stopwatch.GetTimestamp() - start;
                throw;
            }
            finally
            {
                parseTicks += Stopwatch.GetTimestamp() - start;
            }
        }

        public override Task StartAsync(ImportContext file, ImportRow row, CancellationToken cancellationToken) => inner.StartAsync(file, row, cancellationToken);

        public override async Task<IReadOnlyList<RowOutcome>> ApplyAsync(ImportContext file, IReadOnlyList<object> rows, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            Batches++;
            var outcomes = await inner.ApplyAsync(file, rows, cancellationToken);
            applyTicks += Stopwatch.GetTimestamp() - start;
            return outcomes;
        }

        public override Task CompleteAsync(ImportContext file, CancellationToken cancellationToken) => inner.CompleteAsync(file, cancellationToken);
    }
}
