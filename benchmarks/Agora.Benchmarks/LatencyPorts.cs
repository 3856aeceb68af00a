using System.Diagnostics;
using System.Runtime.InteropServices;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Pricing;

namespace Agora.Benchmarks;

/// <summary>What a store request is, as the <c>import-latency</c> benchmark counts it: the import's own reads and writes
/// (product and price queries, price writes) and the service's bookkeeping around them.</summary>
internal enum StoreRequest
{
    ProductQuery,
    PriceQuery,
    PriceWrite,
    OrganizationRead,
    JobRead,
    JobWrite,
    FileOpen,
    ReportWrite,

    /// <summary>The benchmark's own requests, timing the stand-in store alone before the import.</summary>
    Calibration,
}

/// <summary>A database that answers every request after the same time, as a nearby Azure Cosmos DB does (~5 ms), however
/// many are in flight: the import's wall time is then its round trips over its concurrency, which is what the
/// <c>import-latency</c> benchmark measures. Requests are held by one clock thread that sleeps with <c>nanosleep</c> to the
/// next due request and then completes every request due: on this machine <c>Task.Delay(5 ms)</c> waited 9.7 ms on
/// average (10.2 ms with 32 at once) and <c>Thread.Sleep</c> counts whole milliseconds, while this clock's median wait is
/// ~5.15 ms. Each request's wait is measured where it was made, so the mean the import really waited is reported beside
/// the nominal latency. Counts requests by kind, and the most in flight at once.</summary>
internal sealed class SimulatedLatency : IDisposable
{
    /// <summary>Ids per query the Cosmos adapters send: a <c>FindManyAsync</c> of a whole batch is one
    /// <c>ARRAY_CONTAINS(@ids, c.id)</c> query (decision 0017), so one request, whatever its size up to the largest batch.</summary>
    public const int IdsPerQuery = Agora.Core.Imports.ImportOptions.MaxBatchSize;

    private const int BucketMicroseconds = 10;
    private const int Buckets = 100_000 / BucketMicroseconds; // waits up to 100 ms, the last bucket holding the longer ones

    private readonly long _latency;
    private readonly Queue<(long Due, TaskCompletionSource Done)> _waiting = new();
    private readonly Thread? _clock;
    private readonly long[] _requests = new long[Enum.GetValues<StoreRequest>().Length];
    private readonly long[] _histogram = new long[Buckets];
    private bool _stopped;
    private long _inFlight;
    private long _maxInFlight;
    private long _readsInFlight;
    private long _maxReadsInFlight;
    private long _writesInFlight;
    private long _maxWritesInFlight;
    private long _waited;
    private long _longest;

    public SimulatedLatency(TimeSpan latency)
    {
        Nominal = latency;
        _latency = (long)(latency.TotalSeconds * Stopwatch.Frequency);
        if (_latency > 0)
        {
            _clock = new Thread(Tick) { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "simulated latency" };
            _clock.Start();
        }
    }

    public TimeSpan Nominal { get; }

    /// <summary>One <c>FindManyAsync</c> of <paramref name="ids"/> ids: one query per <see cref="IdsPerQuery"/> ids, none for
    /// no ids (the adapter returns at once then).</summary>
    public Task QueryAsync(StoreRequest kind, int ids)
    {
        var queries = (ids + IdsPerQuery - 1) / IdsPerQuery;
        if (queries <= 1)
        {
            return queries == 0 ? Task.CompletedTask : RequestAsync(kind);
        }

        var all = new Task[queries];
        for (var i = 0; i < queries; i++)
        {
            all[i] = RequestAsync(kind);
        }

        return Task.WhenAll(all);
    }

    /// <summary>One request: returns after the latency (at once without one), counted and timed.</summary>
    public async Task RequestAsync(StoreRequest kind)
    {
        var gauge = kind switch
        {
            StoreRequest.ProductQuery or StoreRequest.PriceQuery => 1,
            StoreRequest.PriceWrite => 2,
            _ => 0,
        };
        Raise(ref _maxInFlight, Interlocked.Increment(ref _inFlight));
        if (gauge == 1)
        {
            Raise(ref _maxReadsInFlight, Interlocked.Increment(ref _readsInFlight));
        }
        else if (gauge == 2)
        {
            Raise(ref _maxWritesInFlight, Interlocked.Increment(ref _writesInFlight));
        }

        var start = Stopwatch.GetTimestamp();
        if (_clock is not null)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_waiting)
            {
                // Stamped under the lock, so the queue is in due order: every request waits the same time.
                start = Stopwatch.GetTimestamp();
                _waiting.Enqueue((start + _latency, done));
                if (_waiting.Count == 1)
                {
                    Monitor.Pulse(_waiting);
                }
            }

            await done.Task.ConfigureAwait(false);
        }

        var waited = Stopwatch.GetTimestamp() - start;
        Interlocked.Add(ref _waited, waited);
        Raise(ref _longest, waited);
        var micros = waited * 1_000_000 / Stopwatch.Frequency;
        Interlocked.Increment(ref _histogram[Math.Min(micros / BucketMicroseconds, Buckets - 1)]);
        Interlocked.Increment(ref _requests[(int)kind]);
        if (gauge == 1)
        {
            Interlocked.Decrement(ref _readsInFlight);
        }
        else if (gauge == 2)
        {
            Interlocked.Decrement(ref _writesInFlight);
        }

        Interlocked.Decrement(ref _inFlight);
    }

    /// <summary>Starts the counts afresh; call it with nothing in flight.</summary>
    public void Reset()
    {
        Array.Clear(_requests);
        Array.Clear(_histogram);
        (_maxInFlight, _maxReadsInFlight, _maxWritesInFlight, _waited, _longest) = (0, 0, 0, 0, 0);
    }

    /// <summary>The counts since the last <see cref="Reset"/>; call it with nothing in flight.</summary>
    public LatencyStats Take()
    {
        var requests = Enum.GetValues<StoreRequest>().ToDictionary(k => k, k => _requests[(int)k]);
        var total = requests.Values.Sum();
        TimeSpan Percentile(double p)
        {
            var rank = (long)Math.Ceiling(p * total);
            long seen = 0;
            for (var i = 0; i < Buckets; i++)
            {
                if ((seen += _histogram[i]) >= rank)
                {
                    return TimeSpan.FromMicroseconds(i * BucketMicroseconds);
                }
            }

            return TimeSpan.Zero;
        }

        return new LatencyStats(
            requests,
            total,
            total == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(0, _waited / total),
            Percentile(0.5),
            Percentile(0.99),
            Stopwatch.GetElapsedTime(0, _longest),
            _maxInFlight,
            _maxReadsInFlight,
            _maxWritesInFlight);
    }

    public void Dispose()
    {
        if (_clock is null)
        {
            return;
        }

        lock (_waiting)
        {
            _stopped = true;
            Monitor.Pulse(_waiting);
        }

        _clock.Join();
    }

    private static void Raise(ref long max, long value)
    {
        long seen;
        while (value > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, value, seen) != seen)
        {
        }
    }

    /// <summary>The clock thread: sleeps to the oldest request's due time, then completes every request due. Requests are
    /// queued in due order (all wait the same time), so nothing queued later can be due sooner.</summary>
    private void Tick()
    {
        var due = new List<TaskCompletionSource>();
        while (true)
        {
            long next;
            lock (_waiting)
            {
                while (_waiting.Count == 0)
                {
                    if (_stopped)
                    {
                        return;
                    }

                    Monitor.Wait(_waiting);
                }

                var now = Stopwatch.GetTimestamp();
                while (_waiting.Count > 0 && _waiting.Peek().Due <= now)
                {
                    due.Add(_waiting.Dequeue().Done);
                }

                next = _waiting.Count > 0 ? _waiting.Peek().Due : 0;
            }

            foreach (var done in due)
            {
                done.SetResult();
            }

            due.Clear();
            if (next != 0)
            {
                SleepFor(next - Stopwatch.GetTimestamp());
            }
        }
    }

    private static void SleepFor(long ticks)
    {
        if (ticks <= 0)
        {
            return;
        }

        var nanoseconds = ticks * (1_000_000_000.0 / Stopwatch.Frequency);
        if (OperatingSystem.IsLinux())
        {
            var request = new Timespec { Seconds = (nint)(nanoseconds / 1e9), Nanoseconds = (nint)(nanoseconds % 1e9) };
            _ = NanoSleep(ref request, IntPtr.Zero); // woken early by a signal: the loop sleeps again
        }
        else
        {
            Thread.Sleep(TimeSpan.FromTicks((long)(nanoseconds / 100))); // millisecond steps elsewhere
        }
    }

    [DllImport("libc", EntryPoint = "nanosleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int NanoSleep(ref Timespec request, IntPtr remaining);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }
}

/// <summary>One run's store requests: how many of each kind, how long they really waited (mean, median, 99th percentile
/// rounded down to 10 µs, longest) and the most in flight at once — all, the import's queries, its price writes.</summary>
internal sealed record LatencyStats(
    IReadOnlyDictionary<StoreRequest, long> Requests,
    long Total,
    TimeSpan Mean,
    TimeSpan Median,
    TimeSpan P99,
    TimeSpan Longest,
    long MaxInFlight,
    long MaxReadsInFlight,
    long MaxWritesInFlight);

/// <summary>The supplier organization, one request per read.</summary>
internal sealed class LatencyOrganizations(BenchOrganizations inner, SimulatedLatency latency) : IOrganizationStore
{
    public async Task<Versioned<Organization>?> FindAsync(string orgId, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.OrganizationRead).ConfigureAwait(false);
        return await inner.FindAsync(orgId, cancellationToken).ConfigureAwait(false);
    }

    public Task<Versioned<Organization>> CreateAsync(Organization organization, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<Organization>> ReplaceAsync(Organization organization, string ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>The catalog: each <see cref="FindManyAsync"/> is one query. Its in-memory lookup runs
/// under a lock after the wait, as every stand-in store's here: the stores keep unsynchronized counters.</summary>
internal sealed class LatencyProducts(BenchProducts inner, SimulatedLatency latency) : IProductStore
{
    public async Task<IReadOnlyList<Versioned<Product>>> FindManyAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        await latency.QueryAsync(StoreRequest.ProductQuery, skus.Count).ConfigureAwait(false);
        Task<IReadOnlyList<Versioned<Product>>> found;
        lock (inner)
        {
            found = inner.FindManyAsync(supplierId, skus, cancellationToken); // completes at once; the lock guards its timer
        }

        return await found.ConfigureAwait(false);
    }

    public async Task<Versioned<Product>?> FindAsync(string supplierId, string sku, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.ProductQuery).ConfigureAwait(false);
        return await inner.FindAsync(supplierId, sku, cancellationToken).ConfigureAwait(false);
    }

    public Task<Versioned<Product>> CreateAsync(Product product, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<Product>> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Page<Product>> ListAsync(string supplierId, ProductQuery query, Assortment? assortment, string? after, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlySet<string>> AllowedAsync(string supplierId, IReadOnlyCollection<string> skus, Assortment assortment, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

/// <summary>The price store: each <see cref="FindManyAsync"/> is one query, each upsert or delete
/// one request. The in-memory dictionary behind it is not thread-safe, and a handler writing in parallel calls it from
/// several threads: its work is done under a lock, after the wait (a few dictionary operations, against milliseconds).</summary>
internal sealed class LatencyPrices(BenchPrices inner, SimulatedLatency latency) : IPriceStore
{
    private long _deletes;

    public long Deletes => Interlocked.Read(ref _deletes);

    public async Task<IReadOnlyList<PriceEntry>> FindManyAsync(string supplierId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        await latency.QueryAsync(StoreRequest.PriceQuery, keys.Count).ConfigureAwait(false);
        Task<IReadOnlyList<PriceEntry>> found;
        lock (inner)
        {
            found = inner.FindManyAsync(supplierId, keys, cancellationToken);
        }

        return await found.ConfigureAwait(false);
    }

    public async Task UpsertAsync(PriceEntry entry, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.PriceWrite).ConfigureAwait(false);
        Task written;
        lock (inner)
        {
            written = inner.UpsertAsync(entry, cancellationToken);
        }

        await written.ConfigureAwait(false);
    }

    public async Task<bool> DeleteAsync(string supplierId, string key, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.PriceWrite).ConfigureAwait(false);
        Interlocked.Increment(ref _deletes);
        Task<bool> deleted;
        lock (inner)
        {
            deleted = inner.DeleteAsync(supplierId, key, cancellationToken);
        }

        return await deleted.ConfigureAwait(false);
    }

    public Task<Page<PriceEntry>> ListAsync(string supplierId, string listId, string? sku, string? after, int limit, CancellationToken cancellationToken) =>
        inner.ListAsync(supplierId, listId, sku, after, limit, cancellationToken);
}

/// <summary>Jobs and file claims as the Cosmos job store sends them: a job read or save is one request, claiming a file a
/// read then a write (<c>CosmosImportJobStore.ClaimFileAsync</c>), the current version one read.</summary>
internal sealed class LatencyJobs(BenchJobs inner, SimulatedLatency latency) : IImportJobStore
{
    public async Task<Versioned<ImportJob>?> FindAsync(string supplierId, string id, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.JobRead).ConfigureAwait(false);
        Task<Versioned<ImportJob>?> found;
        lock (inner)
        {
            found = inner.FindAsync(supplierId, id, cancellationToken);
        }

        return await found.ConfigureAwait(false);
    }

    public async Task<Versioned<ImportJob>> SaveAsync(ImportJob job, string? ifMatch, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.JobWrite).ConfigureAwait(false);
        Task<Versioned<ImportJob>> saved;
        lock (inner)
        {
            saved = inner.SaveAsync(job, ifMatch, cancellationToken);
        }

        return await saved.ConfigureAwait(false);
    }

    public Task<Page<ImportJob>> ListAsync(string supplierId, string? after, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public async Task<string> ClaimFileAsync(ImportJob job, DateTimeOffset fileTime, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.JobRead).ConfigureAwait(false);
        await latency.RequestAsync(StoreRequest.JobWrite).ConfigureAwait(false);
        Task<string> claimed;
        lock (inner)
        {
            claimed = inner.ClaimFileAsync(job, fileTime, cancellationToken);
        }

        return await claimed.ConfigureAwait(false);
    }

    public async Task<string?> CurrentVersionAsync(ImportJob job, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.JobRead).ConfigureAwait(false);
        Task<string?> current;
        lock (inner)
        {
            current = inner.CurrentVersionAsync(job, cancellationToken);
        }

        return await current.ConfigureAwait(false);
    }
}

/// <summary>The report blob, one request per write.</summary>
internal sealed class LatencyReports(BenchReports inner, SimulatedLatency latency) : IImportReportStore
{
    public async Task WriteAsync(ImportJob job, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.ReportWrite).ConfigureAwait(false);
        await inner.WriteAsync(job, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>The supplier file: opening it is one request (the blob's first response); the stream then reads from disk
/// without waits, where a blob download would take a round trip per few MiB.</summary>
internal sealed class LatencyFiles(BenchFiles inner, SimulatedLatency latency) : IImportFiles
{
    public Task<(string Version, DateTimeOffset LastModified)> SaveAsync(string supplierId, ImportKind kind, string file, Stream content, string uploadedBy, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public async Task<Stream?> OpenAsync(string supplierId, ImportKind kind, string file, string version, CancellationToken cancellationToken)
    {
        await latency.RequestAsync(StoreRequest.FileOpen).ConfigureAwait(false);
        return await inner.OpenAsync(supplierId, kind, file, version, cancellationToken).ConfigureAwait(false);
    }
}
