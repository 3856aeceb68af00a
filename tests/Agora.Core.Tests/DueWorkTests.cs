using Agora.Core.Common;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Core.Tests;

public sealed class DueWorkTests
{
    [Fact]
    public async Task One_failing_entry_is_recorded_and_kept_while_the_others_run_and_the_next_run_retries_it()
    {
        var given = new Given();
        var now = given.Clock.GetUtcNow();
        var day = DueEntry.DayOf(now);
        foreach (var id in new[] { "e1", "e2", "e3" })
        {
            await given.Stores.AddAsync(new DueEntry(day, id, "job", "org", now.AddMinutes(-1)), default);
        }

        var work = new DueWork(given.Stores, given.Clock, NullLogger<DueWork>.Instance);
        var done = new List<string>();

        var first = await work.RunAsync("job", (entry, _) =>
        {
            if (entry.Id == "e2")
            {
                throw new IOException("the store is unreachable");
            }

            done.Add(entry.Id);
            return Task.CompletedTask;
        }, default);
        var failed = Assert.Single(given.Stores.DueEntries);
        var second = await work.RunAsync("job", (entry, _) =>
        {
            done.Add(entry.Id);
            return Task.CompletedTask;
        }, default);

        Assert.Equal(2, first);
        Assert.Equal(("e2", 1, now), (failed.Id, failed.FailedRuns, failed.LastFailedAt));
        Assert.Equal("IOException: the store is unreachable", failed.LastFailure);
        Assert.Equal(1, second);
        Assert.Equal(["e1", "e2", "e3"], done.Order(StringComparer.Ordinal));
        Assert.Equal("e2", done[^1]); // the others were done by the first run
        Assert.Empty(given.Stores.DueEntries);
    }
}
