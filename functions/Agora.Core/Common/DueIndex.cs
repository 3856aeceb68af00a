using Microsoft.Extensions.Logging;

namespace Agora.Core.Common;

/// <summary>Work due on a day, indexed by that day so a nightly timer reads one partition instead of scanning every
/// organization. The entry only says where to look; the organization document stays the truth.</summary>
public sealed record DueEntry(string Day, string Id, string Kind, string OrgId, DateTimeOffset DueAt)
{
    public const string InvitationExpiry = "invitationExpiry";

    /// <summary>Runs that failed on this entry so far; it stays due and the next run tries it again.</summary>
    public int FailedRuns { get; init; }

    /// <summary>Why the last failed run failed, and when (for operators: it is the internal error, never shown to users).</summary>
    public string? LastFailure { get; init; }

    public DateTimeOffset? LastFailedAt { get; init; }

    public static string DayOf(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

public interface IDueIndex
{
    /// <summary>Adds the entry, or replaces the one with the same day and id.</summary>
    Task AddAsync(DueEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<DueEntry>> ListAsync(string day, CancellationToken cancellationToken);

    Task RemoveAsync(DueEntry entry, CancellationToken cancellationToken);
}

/// <summary>Thrown by a due entry's work that did part of it and must run again: the others were done, this entry stays due.</summary>
public sealed class IncompleteWorkException : Exception
{
    public IncompleteWorkException()
        : this("The work was not finished.")
    {
    }

    public IncompleteWorkException(string message)
        : base(message)
    {
    }

    public IncompleteWorkException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Runs the work of one kind that fell due in the last days, one entry at a time, and forgets each entry once
/// handled. Looking back a week lets a timer that did not run for some nights catch up. One entry that fails does not
/// stop the run: it is logged, its failure is recorded on the entry (<see cref="DueEntry.FailedRuns"/>), the others still
/// run, and it stays due, so the next run tries it again — for as long as its day is within the catch-up window.</summary>
public sealed partial class DueWork(IDueIndex due, TimeProvider clock, ILogger<DueWork> logger)
{
    public const int CatchUpDays = 7;
    private const int MaxRecordedFailure = 500;

    /// <summary>Handles the entries of <paramref name="kind"/> due by now, from the oldest day; returns how many were done.</summary>
    public async Task<int> RunAsync(string kind, Func<DueEntry, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var handled = 0;
        for (var back = CatchUpDays; back >= 0; back--)
        {
            handled += await RunDayAsync(DueEntry.DayOf(now.AddDays(-back)), kind, handle, cancellationToken).ConfigureAwait(false);
        }

        return handled;
    }

    public async Task<int> RunDayAsync(string day, string kind, Func<DueEntry, CancellationToken, Task> handle, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var handled = 0;
        foreach (var entry in await due.ListAsync(day, cancellationToken).ConfigureAwait(false))
        {
            if (entry.Kind != kind || entry.DueAt > now)
            {
                continue;
            }

            try
            {
                await handle(entry, cancellationToken).ConfigureAwait(false);
                await due.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
                handled++;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                await RecordFailureAsync(entry, e, now, cancellationToken).ConfigureAwait(false);
            }
        }

        return handled;
    }

    private async Task RecordFailureAsync(DueEntry entry, Exception failure, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var failedRuns = entry.FailedRuns + 1;
        var lastDay = DueEntry.DayOf(DateTimeOffset.ParseExact(entry.Day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture).AddDays(CatchUpDays));
        LogEntryFailed(logger, failure, entry.Kind, entry.Id, entry.OrgId, failedRuns, lastDay);
        var reason = $"{failure.GetType().Name}: {failure.Message}";
        try
        {
            await due.AddAsync(entry with
            {
                FailedRuns = failedRuns,
                LastFailure = reason.Length > MaxRecordedFailure ? reason[..MaxRecordedFailure] : reason,
                LastFailedAt = now,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The entry is still there, unchanged: it is retried all the same; only the count is behind.
            LogRecordFailed(logger, e, entry.Kind, entry.Id);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Due {Kind} {EntryId} of {OrgId} failed (run {FailedRuns} that failed); it stays due and is tried again by the next run, until {LastDay}")]
    private static partial void LogEntryFailed(ILogger logger, Exception exception, string kind, string entryId, string orgId, int failedRuns, string lastDay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the failure of due {Kind} {EntryId}; it stays due")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, string kind, string entryId);
}
