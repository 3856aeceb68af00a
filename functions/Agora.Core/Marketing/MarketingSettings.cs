using System.Globalization;
using Agora.Core.Common;

namespace Agora.Core.Marketing;

/// <summary>A supplier's rules for marketing (issue 13): the send policy (weekly cap, quiet hours), when a customer counts
/// as inactive, how long after an email an order is credited to its campaign, and which abandoned carts are worth a call.</summary>
/// <param name="MaxPerWeek">Marketing emails per person in any 7 days, across the supplier's campaigns: 0 to 50 (default 2).</param>
/// <param name="QuietFrom">Quiet hours in each recipient's time zone, HH:mm (default 21:00 to 08:00; equal: none).</param>
/// <param name="InactiveFloorDays">Never inactive sooner than this many days after the last order: 1 to 730 (default 30).</param>
/// <param name="InactiveFactor">Inactive after this many of the customer's usual intervals: 1 to 10 (default 2).</param>
/// <param name="AttributionDays">An order within this many days after an email counts for its campaign: 1 to 90 (default 7).</param>
/// <param name="TaskCartValues">A cart worth at least this much (per currency, e.g. {"BRL": 5000}) and untouched for
/// <paramref name="TaskCartAfterHours"/> (1 to 720, default 48) gives its customer's sales manager a task; a currency not
/// listed gives none.</param>
public sealed record MarketingSettings(
    int MaxPerWeek,
    string QuietFrom,
    string QuietUntil,
    int InactiveFloorDays,
    decimal InactiveFactor,
    int AttributionDays,
    IReadOnlyDictionary<string, decimal> TaskCartValues,
    int TaskCartAfterHours)
{
    public static readonly MarketingSettings Default = new(2, "21:00", "08:00", 30, 2m, 7, new Dictionary<string, decimal>(), 48);

    [System.Text.Json.Serialization.JsonIgnore]
    public SendRules Rules => new(MaxPerWeek, TimeOnly.ParseExact(QuietFrom, "HH:mm", CultureInfo.InvariantCulture), TimeOnly.ParseExact(QuietUntil, "HH:mm", CultureInfo.InvariantCulture));

    public DateTimeOffset? InactiveAt(CustomerSignals signals) => signals.InactiveFrom(InactiveFloorDays, (double)InactiveFactor);

    public static MarketingSettings From(MarketingSettingsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var d = Default;
        var v = new Validation();
        var cap = input.MaxPerWeek ?? d.MaxPerWeek;
        v.Check(cap is >= 0 and <= SendRules.MaxCap, "maxPerWeek", $"must be from 0 to {SendRules.MaxCap}.");
        var from = input.QuietFrom ?? d.QuietFrom;
        var until = input.QuietUntil ?? d.QuietUntil;
        v.Check(TimeOnly.TryParseExact(from, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), "quietFrom", "must be a time as HH:mm (e.g. 21:00).");
        v.Check(TimeOnly.TryParseExact(until, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out _), "quietUntil", "must be a time as HH:mm (e.g. 08:00).");
        var floor = input.InactiveFloorDays ?? d.InactiveFloorDays;
        v.Check(floor is >= 1 and <= 730, "inactiveFloorDays", "must be from 1 to 730.");
        var factor = input.InactiveFactor ?? d.InactiveFactor;
        v.Check(factor is >= 1 and <= 10 && decimal.Round(factor, 2) == factor, "inactiveFactor", "must be from 1 to 10, with at most 2 decimals.");
        var window = input.AttributionDays ?? d.AttributionDays;
        v.Check(window is >= 1 and <= 90, "attributionDays", "must be from 1 to 90.");
        var hours = input.TaskCartAfterHours ?? d.TaskCartAfterHours;
        v.Check(hours is >= 1 and <= 720, "taskCartAfterHours", "must be from 1 to 720.");
        var values = input.TaskCartValues ?? d.TaskCartValues;
        v.Check(values.Count <= 20, "taskCartValues", "at most 20 currencies.");
        foreach (var (currency, value) in values.Take(20))
        {
            v.Check(Currency.IsKnown(currency), $"taskCartValues.{currency}", "must be an ISO 4217 currency code.");
            v.Check(value is > 0 and <= 1_000_000_000_000m && (!Currency.IsKnown(currency) || Currency.Round(value, currency) == value), $"taskCartValues.{currency}",
                "must be more than 0 and at most 10^12, with at most the currency's decimals.");
        }

        v.ThrowIfInvalid();
        return new MarketingSettings(cap, from, until, floor, factor, window, values.ToDictionary(kv => kv.Key.ToUpperInvariant(), kv => kv.Value, StringComparer.Ordinal), hours);
    }
}

public sealed record MarketingSettingsInput(
    int? MaxPerWeek,
    string? QuietFrom,
    string? QuietUntil,
    int? InactiveFloorDays,
    decimal? InactiveFactor,
    int? AttributionDays,
    IReadOnlyDictionary<string, decimal>? TaskCartValues,
    int? TaskCartAfterHours);
