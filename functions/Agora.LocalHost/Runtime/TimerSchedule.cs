using System.Globalization;

using NCrontab;

namespace Agora.LocalHost.Runtime;

/// <summary>A timer's schedule as the host reads it: an NCrontab expression (six fields with seconds, or five), else a
/// TimeSpan "hh:mm:ss" meaning a constant interval. Occurrences are computed in the clock's local time zone, as the host
/// does with WEBSITE_TIME_ZONE.</summary>
internal abstract class TimerSchedule
{
    public static TimerSchedule Parse(FunctionDescriptor function, string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw new FunctionIndexingException(function.Name, "the timer trigger has no schedule.");
        }

        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        if (CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = fields != 5 }) is { } cron)
        {
            return new Cron(cron, expression);
        }

        if (TimeSpan.TryParse(expression, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero)
        {
            return new Constant(interval);
        }

        throw new FunctionIndexingException(function.Name, $"the schedule expression '{expression}' was not recognized as a valid cron expression or timespan string.");
    }

    public abstract DateTimeOffset GetNextOccurrence(DateTimeOffset now, TimeZoneInfo zone);

    /// <summary>The host stops recording status for schedules that fire more than once a minute (it would mostly write blobs).</summary>
    public abstract bool IsSubMinute(DateTimeOffset now, TimeZoneInfo zone);

    private sealed class Cron(CrontabSchedule schedule, string expression) : TimerSchedule
    {
        public override DateTimeOffset GetNextOccurrence(DateTimeOffset now, TimeZoneInfo zone)
        {
            var local = TimeZoneInfo.ConvertTime(now, zone);
            var next = schedule.GetNextOccurrence(local.DateTime);
            return new DateTimeOffset(next, zone.GetUtcOffset(next));
        }

        public override bool IsSubMinute(DateTimeOffset now, TimeZoneInfo zone)
        {
            var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 6 || fields.Skip(1).Any(f => f != "*"))
            {
                return false;
            }

            var local = TimeZoneInfo.ConvertTime(now, zone).DateTime;
            return schedule.GetNextOccurrences(local, local.AddMinutes(1)).Skip(1).Any();
        }

        public override string ToString() => $"Cron: '{expression}'";
    }

    private sealed class Constant(TimeSpan interval) : TimerSchedule
    {
        public override DateTimeOffset GetNextOccurrence(DateTimeOffset now, TimeZoneInfo zone) => now + interval;

        public override bool IsSubMinute(DateTimeOffset now, TimeZoneInfo zone) => interval < TimeSpan.FromMinutes(1);

        public override string ToString() => $"Constant: {interval}";
    }
}
