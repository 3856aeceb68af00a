using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

using WorkerScheduleStatus = Microsoft.Azure.Functions.Worker.ScheduleStatus;

namespace Agora.LocalHost.Runtime;

/// <summary>A timer trigger with the host's TimerListener semantics: schedule status persisted in storage so a restart
/// runs a missed occurrence once (IsPastDue), runOnStartup, one invocation at a time. All waiting goes through the
/// TimeProvider, so a FakeTimeProvider drives it deterministically.</summary>
internal sealed partial class TimerTriggerHost : ITriggerListener
{
    private readonly FunctionRegistration _registration;
    private readonly FunctionExecutor _executor;
    private readonly TimerSchedule _schedule;
    private readonly ScheduleMonitor? _monitor;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly bool _runOnStartup;
    private readonly SemaphoreSlim _invocationLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private static readonly TimeSpan MaxWait = TimeSpan.FromDays(24);
    private ScheduleStatus _status = new();
    private Task _loop = Task.CompletedTask;

    public TimerTriggerHost(FunctionDescriptor function, FunctionExecutor executor, StorageAccounts storage, string hostId,
        TimeProvider clock, ILogger logger)
    {
        _executor = executor;
        _clock = clock;
        _logger = logger;
        _schedule = TimerSchedule.Parse(function, function.Trigger["schedule"]);
        _runOnStartup = string.Equals(function.Trigger["runOnStartup"], "true", StringComparison.OrdinalIgnoreCase);
        var useMonitor = !string.Equals(function.Trigger["useMonitor"], "false", StringComparison.OrdinalIgnoreCase)
            && !_schedule.IsSubMinute(clock.GetUtcNow(), clock.LocalTimeZone);
        if (useMonitor)
        {
            var account = storage.Blobs(storage.ConnectionString(function, StorageAccounts.DefaultConnection));
            _monitor = new ScheduleMonitor(account.GetBlobContainerClient(StorageAccounts.HostsContainer), hostId);
        }

        _registration = new FunctionRegistration(function, ParameterBinder.Bind(function, new TriggerParameterRules
        {
            BindTrigger = type => type == typeof(TimerInfo) ? static input => ValueTask.FromResult<object?>(input.TriggerValue) : null,
            BindingDataNames = [],
            Supported = nameof(TimerInfo),
        }));
    }

    public FunctionDescriptor Function => _registration.Descriptor;

    private string TimerName => Function.FullName;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var now = Now();
        var pastDue = TimeSpan.Zero;
        ScheduleStatus? status = null;
        if (_monitor is not null)
        {
            status = await _monitor.GetStatusAsync(TimerName, cancellationToken).ConfigureAwait(false);
            (pastDue, status) = await _monitor.CheckPastDueAsync(TimerName, now, _schedule, _clock.LocalTimeZone, status, cancellationToken).ConfigureAwait(false);
        }

        _status = status ?? new ScheduleStatus { Next = _schedule.GetNextOccurrence(now, _clock.LocalTimeZone) };
        Log.Started(_logger, Function.Name, _schedule.ToString()!, _status.Next);
        var startup = pastDue > TimeSpan.Zero ? Startup.PastDue : _runOnStartup ? Startup.RunOnStartup : Startup.None;
        _loop = Task.Run(() => RunAsync(startup, _stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _invocationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        _invocationLock.Release();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _invocationLock.Dispose();
    }

    /// <summary>Like the host's admin invocation, this runs the function outside the schedule: the status is left as it is.</summary>
    public Task InvokeFromAdminAsync(string? input, CancellationToken cancellationToken) =>
        InvokeAsync(isPastDue: false, runOnStartup: false, "This function was programmatically called via the host APIs.", cancellationToken, advanceSchedule: false);

    private async Task RunAsync(Startup startup, CancellationToken cancellationToken)
    {
        try
        {
            if (startup != Startup.None)
            {
                if (startup == Startup.PastDue)
                {
                    Log.PastDue(_logger, Function.Name, _status.Next);
                }

                await InvokeAsync(startup == Startup.PastDue, startup == Startup.RunOnStartup,
                    startup == Startup.PastDue ? "Timer is past due." : "Timer fired on startup (runOnStartup).", cancellationToken).ConfigureAwait(false);
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                await WaitUntilAsync(_status.Next, cancellationToken).ConfigureAwait(false);
                await InvokeAsync(isPastDue: false, runOnStartup: false, "Timer fired at its scheduled time.", cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Waits on the TimeProvider until <paramref name="due"/>. A relative delay registered after the clock moved
    /// would fire late, so when the clock moves while the wait is being set up (a test advancing a fake clock), the wait
    /// is set up again. Long waits go in steps: timers cannot wait much beyond 49 days.</summary>
    private async Task WaitUntilAsync(DateTimeOffset due, CancellationToken cancellationToken)
    {
        while (true)
        {
            var before = _clock.GetUtcNow();
            var delay = due - before;
            if (delay <= TimeSpan.Zero)
            {
                return;
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var delayed = Task.Delay(delay < MaxWait ? delay : MaxWait, _clock, wait.Token);
            if (_clock.GetUtcNow() - before > TimeSpan.FromMilliseconds(1))
            {
                await wait.CancelAsync().ConfigureAwait(false);
                await delayed.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }

            await delayed.ConfigureAwait(false);
        }
    }

    /// <summary>One invocation at a time; then the status moves on from the occurrence just handled (TimerListener.InvokeJobFunction).</summary>
    private async Task InvokeAsync(bool isPastDue, bool runOnStartup, string reason, CancellationToken cancellationToken, bool advanceSchedule = true)
    {
        // Counted while it waits for the lock too, so whoever awaits the timer's runs (a test) sees one queued behind another.
        using var asked = _executor.Tracker.Pend(Function.Name);
        await _invocationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var invocationTime = Now();
            var zone = _clock.LocalTimeZone;
            var timerInfo = new TimerInfo
            {
                IsPastDue = isPastDue,
                ScheduleStatus = _monitor is null ? null : new WorkerScheduleStatus
                {
                    Last = ToLocalClock(_status.Last, zone),
                    Next = ToLocalClock(_status.Next, zone),
                    LastUpdated = ToLocalClock(_status.LastUpdated, zone),
                },
            };

            try
            {
                await _executor.ExecuteAsync(_registration, new InvocationInput { TriggerValue = timerInfo, CancellationToken = _stopping.Token }, reason)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_stopping.IsCancellationRequested)
            {
                // Logged by the executor; a failing run must not stop the schedule.
            }

            if (!advanceSchedule)
            {
                return;
            }

            // Firing a little early (clock skew) must not compute the same Next twice, which would fire twice.
            var adjusted = !isPastDue && !runOnStartup && _status.Next > invocationTime ? _status.Next : invocationTime;
            _status = new ScheduleStatus { Last = adjusted, Next = _schedule.GetNextOccurrence(adjusted, zone), LastUpdated = adjusted };
            if (_monitor is not null)
            {
                try
                {
                    await _monitor.UpdateStatusAsync(TimerName, _status, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException)
                {
                    Log.StatusNotSaved(_logger, Function.Name, e);
                }
            }
        }
        finally
        {
            _invocationLock.Release();
        }
    }

    private DateTimeOffset Now() => TimeZoneInfo.ConvertTime(_clock.GetUtcNow(), _clock.LocalTimeZone);

    // TimerInfo carries DateTimes as the host's local clock shows them.
    private static DateTime ToLocalClock(DateTimeOffset value, TimeZoneInfo zone) =>
        value == ScheduleStatus.Never ? default : TimeZoneInfo.ConvertTime(value, zone).DateTime;

    private enum Startup
    {
        None,
        PastDue,
        RunOnStartup,
    }

    private static partial class Log
    {
        [LoggerMessage(10, LogLevel.Information, "Timer '{FunctionName}' started with schedule {Schedule}; next occurrence {Next:o}.")]
        public static partial void Started(ILogger logger, string functionName, string schedule, DateTimeOffset next);

        [LoggerMessage(11, LogLevel.Information, "Timer '{FunctionName}' is past due: the occurrence at {Missed:o} was missed; running it now.")]
        public static partial void PastDue(ILogger logger, string functionName, DateTimeOffset missed);

        [LoggerMessage(12, LogLevel.Warning, "Timer '{FunctionName}' could not save its schedule status.")]
        public static partial void StatusNotSaved(ILogger logger, string functionName, Exception exception);
    }
}
