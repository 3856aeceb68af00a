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

    /// <summary>How many order ids are remembered to count a redelivered order once, and campaign emails for attribution.</summary>
    public const int Remembered = 20;

    /// <summary>The orders counted lately, newest last: an order told twice is counted once.</summary>
    public IReadOnlyList<string> RecentOrders { get; init; } = [];

    /// <summary>The months (yyyy-MM) in which the customer ordered each category, the latest 24 per category, at most 100
    /// categories: enough for "bought category X in a period" segments without keeping orders.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> CategoryMonths { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The campaign emails the customer's people got lately, newest last (for attribution).</summary>
    public IReadOnlyList<CampaignTouch> Touches { get; init; } = [];

    /// <summary>The inactivity a sales-manager task was raised for (the <see cref="InactiveFrom"/> it was raised at), so it is
    /// raised once per lapse.</summary>
    public DateTimeOffset? InactiveTaskFor { get; init; }

    /// <summary>When the customer counts as inactive by the supplier's rule, stored for the index.</summary>
    public DateTimeOffset? InactiveAt { get; init; }

    /// <summary>These signals with an order counted once: its id remembered, its categories' months noted.</summary>
    public CustomerSignals Counted(string orderId, DateTimeOffset at, decimal value, IEnumerable<string> categories)
    {
        if (RecentOrders.Contains(orderId, StringComparer.Ordinal))
        {
            return this;
        }

        var next = Ordered(at, value);
        var months = CategoryMonths.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var month = CampaignRules.Month(at);
        foreach (var category in categories.Distinct(StringComparer.Ordinal))
        {
            if (!months.TryGetValue(category, out var list) && months.Count >= 100)
            {
                continue;
            }

            months[category] = (list ?? []).Append(month).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).TakeLast(24).ToArray();
        }

        return next with { RecentOrders = RecentOrders.Append(orderId).TakeLast(Remembered).ToArray(), CategoryMonths = months };
    }

    /// <summary>Whether the customer ordered <paramref name="category"/> in a month from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public bool Bought(string category, DateOnly from, DateOnly to)
    {
        var first = from.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var last = to.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        return CategoryMonths.TryGetValue(category, out var months)
            && months.Any(m => string.CompareOrdinal(m, first) >= 0 && string.CompareOrdinal(m, last) <= 0);
    }

    public CustomerSignals Touched(CampaignTouch touch) =>
        Touches.Any(t => t.CampaignId == touch.CampaignId && t.Step == touch.Step && t.RunKey == touch.RunKey) ? this
            : this with { Touches = Touches.Append(touch).TakeLast(Remembered).ToArray() };

    /// <summary>The campaign an order is credited to: the one whose coupon it used, else the latest email within
    /// <paramref name="windowDays"/> before it; null when none.</summary>
    public CampaignTouch? Attribute(DateTimeOffset orderedAt, IReadOnlyCollection<string> coupons, int windowDays)
    {
        var byCoupon = Touches.LastOrDefault(t => t.Coupon is not null && t.At <= orderedAt && coupons.Contains(t.Coupon, StringComparer.OrdinalIgnoreCase));
        return byCoupon ?? Touches.LastOrDefault(t => t.At <= orderedAt && t.At >= orderedAt.AddDays(-windowDays));
    }

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

/// <summary>A campaign email the customer's people got: which campaign, step and run, when, and the coupon it carried.</summary>
public sealed record CampaignTouch(string CampaignId, int Step, string RunKey, DateTimeOffset At, string? Coupon);
