namespace Agora.Core.Imports;

/// <summary>How hard an import presses on the database (configuration section <c>Imports</c>, e.g. <c>Imports__WritesInFlight</c>).
/// A batch's stored state is read in one go, its writes run <see cref="WritesInFlight"/> at a time, and the batch is done —
/// every write acknowledged — before the next is read and before progress is saved, so the checkpoint a resumed run starts
/// from never skips a write (decision 0017).</summary>
public sealed class ImportOptions
{
    public const int DefaultBatchSize = 1000;
    public const int MaxBatchSize = 5000;
    public const int DefaultWritesInFlight = 32;
    public const int MaxWritesInFlight = 256;

    /// <summary>Rows applied together, 1 to <see cref="MaxBatchSize"/>: the rows whose stored state is read at once and whose
    /// writes overlap. Large enough that a batch's writes keep <see cref="WritesInFlight"/> requests busy most of the time
    /// (the last few writes of a batch run with fewer in flight).</summary>
    public int BatchSize { get; set; } = DefaultBatchSize;

    /// <summary>Database requests one import keeps in flight, 1 to <see cref="MaxWritesInFlight"/>. Against Azure Cosmos DB
    /// at ~5 ms a request, 32 allow ~6,400 writes/s, more than most accounts' provisioned throughput: a throttled request
    /// (429) waits the time the service asks for and is sent again by the SDK.</summary>
    public int WritesInFlight { get; set; } = DefaultWritesInFlight;

    /// <summary>Runs <paramref name="write"/> for each of <paramref name="items"/>, <see cref="WritesInFlight"/> at a time
    /// (the items must be distinct things to write); returns when all are done, or throws the first failure once those in
    /// flight have ended. Imports, stock pushes, the reconciliation and the price-list purge all write through it.</summary>
    public Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> write, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = WritesInFlight, CancellationToken = cancellationToken }, write);

    /// <summary>The options, checked: a setting out of range fails the host at startup, saying which.</summary>
    public ImportOptions Validated()
    {
        if (BatchSize is < 1 or > MaxBatchSize)
        {
            throw new InvalidOperationException($"Imports:BatchSize is {BatchSize}; set 1 to {MaxBatchSize}.");
        }

        if (WritesInFlight is < 1 or > MaxWritesInFlight)
        {
            throw new InvalidOperationException($"Imports:WritesInFlight is {WritesInFlight}; set 1 to {MaxWritesInFlight}.");
        }

        return this;
    }
}
