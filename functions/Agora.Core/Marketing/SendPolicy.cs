namespace Agora.Core.Marketing;

/// <summary>The supplier's rules for marketing email (issue 13): at most <see cref="MaxPerWeek"/> per person in any 7 days,
/// never during quiet hours in the person's own time zone.</summary>
/// <param name="QuietFrom">Local time quiet hours start (inclusive); equal to <paramref name="QuietUntil"/>: none.</param>
/// <param name="QuietUntil">Local time they end (exclusive); may be earlier than <paramref name="QuietFrom"/> (overnight).</param>
public sealed record SendRules(int MaxPerWeek, TimeOnly QuietFrom, TimeOnly QuietUntil)
{
    public static readonly SendRules Default = new(2, new TimeOnly(21, 0), new TimeOnly(8, 0));

    public const int MaxCap = 50;

    public bool IsQuiet(TimeOnly local) => QuietFrom != QuietUntil && (QuietFrom < QuietUntil
        ? local >= QuietFrom && local < QuietUntil
        : local >= QuietFrom || local < QuietUntil);
}

/// <summary>What is known of one recipient when a campaign step would email them.</summary>
/// <param name="OptedOut">They unsubscribed from this kind of email (its unsubscribe group), bounced or reported spam.</param>
/// <param name="MarketingSent">When marketing emails were sent to them lately (any campaign of the supplier).</param>
/// <param name="TimeZone">An IANA or Windows time zone id; unknown ids count as UTC.</param>
public sealed record Recipient(string UserId, string Email, bool OptedOut, IReadOnlyList<DateTimeOffset> MarketingSent, string? TimeZone);

public enum SendVerdict
{
    Send,

    /// <summary>Not now: quiet hours, or the weekly cap is full until an earlier email ages out.</summary>
    Later,

    /// <summary>Never for this step: opted out.</summary>
    Skip,
}

public sealed record SendDecision(SendVerdict Verdict, DateTimeOffset? NotBefore, string Reason);

/// <summary>Whether a marketing email may go to a recipient now (pure). Opt-outs are honoured before anything else, and a
/// deferred email waits for the earliest time both the cap and the quiet hours allow, so a run that comes back then sends
/// it — no burst at 21:00, no third email in a week across two campaigns.</summary>
public static class SendPolicy
{
    public static SendDecision Decide(Recipient recipient, SendRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(rules);
        if (recipient.OptedOut)
        {
            return new(SendVerdict.Skip, null, "unsubscribed from these emails");
        }

        var at = now;
        var week = recipient.MarketingSent.Where(s => s > now.AddDays(-7)).Order().ToArray();
        if (week.Length >= rules.MaxPerWeek)
        {
            // The cap frees up when the oldest email of the full window is 7 days old.
            at = week[week.Length - rules.MaxPerWeek].AddDays(7);
        }

        var zone = Zone(recipient.TimeZone);
        var local = TimeZoneInfo.ConvertTime(at, zone);
        if (rules.IsQuiet(TimeOnly.FromDateTime(local.DateTime)))
        {
            var end = local.Date + rules.QuietUntil.ToTimeSpan();
            if (end <= local.DateTime)
            {
                end = end.AddDays(1);
            }

            at = new DateTimeOffset(end, zone.GetUtcOffset(end));
        }

        return at == now
            ? new(SendVerdict.Send, null, "allowed")
            : new(SendVerdict.Later, at, week.Length >= rules.MaxPerWeek ? $"already {week.Length} marketing emails in 7 days" : "quiet hours");
    }

    private static TimeZoneInfo Zone(string? id)
    {
        if (id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }

        return TimeZoneInfo.Utc;
    }
}
