using Agora.Core.Common;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Ordering;

/// <summary>After a write of a sales document: asks the sales queue to hand its outbox on (<see cref="SalesOutbox"/>). Kept
/// apart from the handler so that what the handler calls (the shipments' settlement, invoicing) may signal the documents
/// it writes without depending on the handler itself.</summary>
public sealed partial class SalesSignal(ISalesQueue queue, IDueIndex due, TimeProvider clock, ILogger<SalesSignal> logger)
{
    /// <summary>Due entries that ask the timer to hand on an outbox whose queue message could not be sent.</summary>
    public const string DueKind = "salesOutbox";

    /// <summary>Asks the queue to hand the outbox on. When the queue cannot be reached the change still stands; a due entry
    /// makes the next timer run do it, so nothing waits for ever.</summary>
    public async Task SignalAsync(ISalesDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (!document.HasWork)
        {
            return;
        }

        try
        {
            await queue.SendAsync(new SalesWork(document.Kind, document.Id), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogQueueFailed(logger, e, document.Kind, document.Id);
            var now = clock.GetUtcNow();
            await due.AddAsync(new DueEntry(DueEntry.DayOf(now), $"{document.Kind}.{document.Id}", DueKind, document.SupplierId, now), CancellationToken.None).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue the outbox of {Kind} {Id}; the sales timer hands it on")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception, string kind, string id);
}
