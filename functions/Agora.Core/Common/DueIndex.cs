namespace Agora.Core.Common;

/// <summary>Work due on a day, indexed by that day so a nightly timer reads one partition instead of scanning every
/// organization. The entry only says where to look; the organization document stays the truth.</summary>
public sealed record DueEntry(string Day, string Id, string Kind, string OrgId, DateTimeOffset DueAt)
{
    public const string InvitationExpiry = "invitationExpiry";

    public static string DayOf(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

public interface IDueIndex
{
    Task AddAsync(DueEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<DueEntry>> ListAsync(string day, CancellationToken cancellationToken);

    Task RemoveAsync(DueEntry entry, CancellationToken cancellationToken);
}

/// <summary>Runs the work of one kind that fell due in the last days, one entry at a time, and forgets each entry once
/// handled. Looking back a week lets a timer that did not run for some nights catch up.</summary>
public sealed class DueWork(IDueIndex due, TimeProvider clock)
{
    public const int CatchUpDays = 7;

    /// <summary>Handles the entries of <paramref name="kind"/> due by now, from the oldest day; returns how many.</summary>
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

            await handle(entry, cancellationToken).ConfigureAwait(false);
            await due.RemoveAsync(entry, cancellationToken).ConfigureAwait(false);
            handled++;
        }

        return handled;
    }
}
