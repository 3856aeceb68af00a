using System.Diagnostics.Metrics;
using Agora.Core.Operations;
using Microsoft.Extensions.Logging;

namespace Agora.Infrastructure.Storage;

/// <summary>How many messages each queue trigger's poison queue holds, as the observable gauge
/// <see cref="PoisonMessagesMetric"/>: the worker never sees the host move a message there, so the count is read from
/// storage (<see cref="IPoisonQueues"/>, the queue's approximate message count) when a metric reader collects, never on a
/// request's path. A reading is kept for <see cref="MaxAge"/>: a collection that finds it older starts the next one in the
/// background and reports the last, so a fast reader neither waits on storage nor hammers it, and a figure is at most one
/// collection late. A failed reading keeps the last one (a poison message does not vanish because storage did not
/// answer) and is tried again after <see cref="MaxAge"/>.</summary>
/// <remarks>The gauge is the process's one instrument, fed by the newest reading of the live instances (one per
/// container): in Azure there is one, and the test processes' several backends share one storage emulator, whose figures
/// would otherwise be reported twice, the stale one possibly winning.</remarks>
public sealed partial class PoisonQueueMetrics : IDisposable
{
    /// <summary>The meter the worker subscribes to.</summary>
    public const string MeterName = "Agora.Queues";

    /// <summary>The gauge: messages in a queue's poison queue.</summary>
    public const string PoisonMessagesMetric = "agora.queue.poison_messages";

    /// <summary>The tag naming the queue whose poison queue is counted (<c>sales</c> for <c>sales-poison</c>), as the
    /// operators' poison-queue functions name it (OpenTelemetry's messaging convention).</summary>
    public const string QueueTag = "messaging.destination.name";

    /// <summary>How long a reading is reported before the next is taken.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private static readonly List<PoisonQueueMetrics> Live = [];

    private static readonly Meter Meter = CreateMeter();

    private static long _readings;

    private readonly IPoisonQueues _queues;
    private readonly TimeProvider _clock;
    private readonly ILogger<PoisonQueueMetrics> _logger;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private Reading? _last;
    private DateTimeOffset? _readAt;
    private bool _reading;

    public PoisonQueueMetrics(IPoisonQueues queues, TimeProvider clock, ILogger<PoisonQueueMetrics> logger)
    {
        _queues = queues;
        _clock = clock;
        _logger = logger;
        lock (Live)
        {
            Live.Add(this);
        }
    }

    public void Dispose()
    {
        lock (Live)
        {
            Live.Remove(this);
        }

        _disposed.Cancel();
        _disposed.Dispose();
    }

    /// <summary>One reading: the counts by queue, and its place in the order readings were finished in.</summary>
    private sealed record Reading(long Sequence, Measurement<long>[] Counts);

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName);
        meter.CreateObservableGauge(PoisonMessagesMetric, Observe, "{message}",
            "Messages in each queue's poison queue: they failed their last attempt and wait for an operator to re-drive them.");
        return meter;
    }

    private static IEnumerable<Measurement<long>> Observe()
    {
        PoisonQueueMetrics[] live;
        lock (Live)
        {
            live = [.. Live];
        }

        Reading? newest = null;
        foreach (var source in live)
        {
            if (source.LastOrRefresh() is { } reading && (newest is null || reading.Sequence > newest.Sequence))
            {
                newest = reading;
            }
        }

        return newest?.Counts ?? [];
    }

    /// <summary>The last reading; when it is older than <see cref="MaxAge"/> (or there is none), the next one is started.</summary>
    private Reading? LastOrRefresh()
    {
        lock (_gate)
        {
            if (!_reading && (_readAt is not { } at || _clock.GetUtcNow() - at >= MaxAge))
            {
                _reading = true;
                _ = Task.Run(ReadAsync);
            }

            return _last;
        }
    }

    private async Task ReadAsync()
    {
        Reading? reading = null;
        try
        {
            var token = _disposed.Token;
            var counts = new List<Measurement<long>>(_queues.Queues.Count);
            foreach (var queue in _queues.Queues)
            {
                var view = await _queues.PeekAsync(queue, 0, token).ConfigureAwait(false);
                counts.Add(new Measurement<long>(view.ApproximateCount, new KeyValuePair<string, object?>(QueueTag, queue)));
            }

            reading = new Reading(Interlocked.Increment(ref _readings), [.. counts]);
        }
        catch (ObjectDisposedException)
        {
            // Disposed while the reading ran: nobody reports it.
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // Whatever storage answered, the gauge keeps its last figures; the next reading may succeed.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogReadFailed(_logger, e);
        }
        finally
        {
            lock (_gate)
            {
                _last = reading ?? _last;
                _readAt = _clock.GetUtcNow();
                _reading = false;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The poison queues could not be counted; the gauge keeps its last figures")]
    private static partial void LogReadFailed(ILogger logger, Exception exception);
}
