namespace Agora.Core.Marketing;

/// <summary>What Agora knows of a customer account's rhythm (issue 13), kept up to date as things happen — each order and
/// login updates it in one step — rather than computed by scanning orders nightly. "Inactive" then means later than
/// <em>this</em> customer usually orders, not a fixed number of days for everyone: a customer ordering weekly is late after
/// two weeks, one ordering each quarter is not.</summary>
/// <param name="TypicalIntervalDays">The customer's usual days between orders: an exponentially weighted mean of the
/// intervals seen, so recent habits count more than old ones and one odd gap does not swing it; null until two orders.</param>
public sealed record CustomerSignals(
    string SupplierId,
    string BuyerId,
    DateTimeOffset? LastLoginAt,
    DateTimeOffset? LastOrderAt,
    int Orders,
    decimal Revenue,
    double? TypicalIntervalDays)
{
    /// <summary>The weight of the newest interval in <see cref="TypicalIntervalDays"/>.</summary>
    public const double Smoothing = 0.3;

    public static CustomerSignals None(string supplierId, string buyerId) => new(supplierId, buyerId, null, null, 0, 0, null);

    /// <summary>These signals once an order of <paramref name="value"/> was placed at <paramref name="at"/>. An order older
    /// than the last one seen (a late message) counts in the totals but does not move the rhythm backwards.</summary>
    public CustomerSignals Ordered(DateTimeOffset at, decimal value)
    {
        if (LastOrderAt is not { } last)
        {
            return this with { LastOrderAt = at, Orders = 1, Revenue = Revenue + value };
        }

        if (at <= last)
        {
            return this with { Orders = Orders + 1, Revenue = Revenue + value };
        }

        var interval = (at - last).TotalDays;
        var typical = TypicalIntervalDays is { } t ? (Smoothing * interval) + ((1 - Smoothing) * t) : interval;
        return this with { LastOrderAt = at, Orders = Orders + 1, Revenue = Revenue + value, TypicalIntervalDays = typical };
    }

    public CustomerSignals LoggedIn(DateTimeOffset at) => LastLoginAt is { } last && last >= at ? this : this with { LastLoginAt = at };

    /// <summary>When this customer counts as inactive: <paramref name="factor"/> times its usual interval after its last
    /// order, never sooner than <paramref name="floorDays"/> (nor, for a customer without a rhythm yet, later); null for a
    /// customer who never ordered (prospects are another segment).</summary>
    public DateTimeOffset? InactiveFrom(int floorDays, double factor)
    {
        if (LastOrderAt is not { } last)
        {
            return null;
        }

        var days = Math.Max(floorDays, TypicalIntervalDays is { } t ? t * factor : floorDays);
        return last.AddDays(days);
    }

    public bool IsInactive(DateTimeOffset now, int floorDays, double factor) => InactiveFrom(floorDays, factor) is { } from && now >= from;
}
