using System.Text.Json.Nodes;

using Agora.Testing;

using Azure.Storage.Blobs;

using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Time.Testing;

namespace Agora.LocalHost.Tests.Runtime;

public sealed class TimerFunctions(Probe probe, TimeProvider clock)
{
    public void Tick(TimerInfo timer) => probe.Record("tick", new Tick(clock.GetUtcNow(), timer));

    public void Fails(TimerInfo timer, CancellationToken cancellationToken)
    {
        probe.Record("tick", new Tick(clock.GetUtcNow(), timer));
        throw new InvalidOperationException("always fails");
    }
}

public sealed record Tick(DateTimeOffset At, TimerInfo Timer);

public sealed class TimerTriggerTests
{
    private static readonly DateTimeOffset Start = new(2025, 1, 6, 0, 0, 30, TimeSpan.Zero);

    [Fact]
    public async Task A_cron_schedule_from_a_setting_fires_at_its_times_on_the_runtime_clock()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await TestHost.StartAsync(
            [Meta.Timer<TimerFunctions>("Every5", nameof(TimerFunctions.Tick), "%ReconcileSchedule%")],
            settings: new Dictionary<string, string?> { ["ReconcileSchedule"] = "0 */5 * * * *" },
            clock: clock);

        clock.SetUtcNow(Start.AddMinutes(4).AddSeconds(29)); // 00:04:59
        clock.SetUtcNow(Start.AddMinutes(4).AddSeconds(30)); // 00:05:00
        await host.Probe.WaitForAsync("tick", 1);
        clock.SetUtcNow(Start.AddMinutes(9).AddSeconds(30)); // 00:10:00
        var ticks = (await host.Probe.WaitForAsync("tick", 2)).Cast<Tick>().ToList();

        Assert.Equal([Start.AddMinutes(4).AddSeconds(30), Start.AddMinutes(9).AddSeconds(30)], ticks.Select(t => t.At));
        Assert.All(ticks, t => Assert.False(t.Timer.IsPastDue));
        Assert.Equal(new DateTime(2025, 1, 6, 0, 5, 0), ticks[1].Timer.ScheduleStatus!.Last);
        Assert.Equal(new DateTime(2025, 1, 6, 0, 10, 0), ticks[1].Timer.ScheduleStatus!.Next);
    }

    [Fact]
    public async Task A_timespan_schedule_fires_at_a_constant_interval_and_a_failing_run_keeps_the_schedule()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await TestHost.StartAsync([Meta.Timer<TimerFunctions>("Every10", nameof(TimerFunctions.Fails), "00:10:00")], clock: clock);

        clock.Advance(TimeSpan.FromMinutes(10));
        await host.Probe.WaitForAsync("tick", 1);
        clock.Advance(TimeSpan.FromMinutes(10));
        var ticks = (await host.Probe.WaitForAsync("tick", 2)).Cast<Tick>().ToList();

        Assert.Equal([Start.AddMinutes(10), Start.AddMinutes(20)], ticks.Select(t => t.At));
    }

    [Fact]
    public async Task Run_on_startup_fires_once_at_start_and_is_not_past_due()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await TestHost.StartAsync([Meta.Timer<TimerFunctions>("Hourly", nameof(TimerFunctions.Tick), "0 0 * * * *", runOnStartup: true)], clock: clock);

        var tick = (Tick)(await host.Probe.WaitForAsync("tick", 1))[0]!;

        Assert.Equal(Start, tick.At);
        Assert.False(tick.Timer.IsPastDue);
    }

    [Fact]
    public async Task After_a_restart_a_missed_occurrence_runs_once_at_start_as_past_due()
    {
        var hostId = SharedEmulators.Unique("timerhost");
        var function = Meta.Timer<TimerFunctions>("Hourly", nameof(TimerFunctions.Tick), "0 0 * * * *");
        var clock = new FakeTimeProvider(Start);
        await using (var first = await TestHost.StartAsync([function], clock: clock, hostId: hostId))
        {
            Assert.Empty(first.Probe.Values("tick"));
        }

        // The host's status blob records the next occurrence (01:00), which the second start finds missed.
        var endpoints = await SharedEmulators.GetAsync();
        var status = await new BlobClient(endpoints.StorageConnectionString, "azure-webjobs-hosts", $"timers/{hostId}/Host.Functions.Hourly/status").DownloadContentAsync();
        Assert.Equal(Start.AddHours(1).AddSeconds(-30), JsonNode.Parse(status.Value.Content.ToString())!["Next"]!.GetValue<DateTimeOffset>());

        var later = new FakeTimeProvider(Start.AddHours(2).AddMinutes(30)); // 02:30:30: the 01:00 and 02:00 occurrences were missed
        await using var second = await TestHost.StartAsync([function], clock: later, hostId: hostId);
        var tick = (Tick)(await second.Probe.WaitForAsync("tick", 1))[0]!;

        Assert.True(tick.Timer.IsPastDue);
        Assert.Equal(later.GetUtcNow(), tick.At);
        later.SetUtcNow(Start.AddHours(3).AddSeconds(-30)); // 03:00: back on schedule
        var ticks = (await second.Probe.WaitForAsync("tick", 2)).Cast<Tick>().ToList();
        Assert.Equal(2, ticks.Count);
        Assert.False(ticks[1].Timer.IsPastDue);
        Assert.Equal(Start.AddHours(3).AddSeconds(-30), ticks[1].At);
    }
}
