namespace Agora.Core.Marketing;

/// <summary>How long one product's stock has sat in one warehouse (issue 13), kept as sales and receipts happen.</summary>
/// <param name="LastSaleAt">The last dispatch of it from there; null: never sold from there.</param>
/// <param name="LastReceiptAt">The last time on hand grew there (a receipt, a count that found more, a return).</param>
public sealed record StockAge(string Sku, string WarehouseId, decimal OnHand, DateTimeOffset? LastSaleAt, DateTimeOffset? LastReceiptAt)
{
    /// <summary>Days the goods on hand have waited: since the later of the last sale and the last receipt.</summary>
    public double DaysIdle(DateTimeOffset now) =>
        (now - new[] { LastSaleAt, LastReceiptAt }.Where(d => d is not null).Select(d => d!.Value).DefaultIfEmpty(DateTimeOffset.MinValue).Max()).TotalDays;
}

/// <summary>A proposal to move slow stock, for a pricing manager to accept: a discount on the product, or a bundle with
/// the products it is usually sold with.</summary>
/// <param name="BundleWith">The companions of a bundle, most often bought together first; empty: a plain discount.</param>
public sealed record ClearanceProposal(string Sku, string WarehouseId, decimal OnHand, int DaysIdle, decimal DiscountPercent, IReadOnlyList<string> BundleWith, string Reason);

/// <summary>The nightly clearance analysis (issue 13), pure: stock idle past the supplier's age is proposed for clearance,
/// the oldest first; with a bundle when orders show what it sells with (or the catalog names related products), else as a
/// plain discount. The discount grows with how long past the age the stock has waited, up to the supplier's maximum.</summary>
public static class Clearance
{
    public const int MaxBundle = 3;

    /// <param name="minDays">The supplier's age from which stock is slow.</param>
    /// <param name="baseDiscount">The discount at that age, in percent.</param>
    /// <param name="maxDiscount">The most it reaches (at three times the age).</param>
    /// <param name="soldWith">Per SKU, how many orders also had each other SKU (what orders show).</param>
    /// <param name="related">Per SKU, the catalog's related products.</param>
    public static IReadOnlyList<ClearanceProposal> Propose(IEnumerable<StockAge> stock, DateTimeOffset now, int minDays, decimal baseDiscount, decimal maxDiscount,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> soldWith, IReadOnlyDictionary<string, IReadOnlyList<string>> related)
    {
        ArgumentNullException.ThrowIfNull(stock);
        ArgumentNullException.ThrowIfNull(soldWith);
        ArgumentNullException.ThrowIfNull(related);
        ArgumentOutOfRangeException.ThrowIfLessThan(minDays, 1);
        return stock
            .Where(s => s.OnHand > 0 && s.DaysIdle(now) >= minDays)
            .OrderByDescending(s => s.DaysIdle(now)).ThenBy(s => s.Sku, StringComparer.Ordinal).ThenBy(s => s.WarehouseId, StringComparer.Ordinal)
            .Select(s =>
            {
                var idle = (int)Math.Floor(Math.Min(s.DaysIdle(now), 36_500));
                var over = Math.Min(1m, (idle - minDays) / (2m * minDays)); // 0 at the age, 1 at three times it
                var discount = decimal.Round(baseDiscount + ((maxDiscount - baseDiscount) * over), 1);
                var companions = (soldWith.GetValueOrDefault(s.Sku) ?? new Dictionary<string, int>())
                    .Where(c => c.Key != s.Sku && c.Value > 0)
                    .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Key)
                    .Concat(related.GetValueOrDefault(s.Sku) ?? [])
                    .Where(c => c != s.Sku)
                    .Distinct(StringComparer.Ordinal).Take(MaxBundle).ToArray();
                var reason = s.LastSaleAt is null ? $"never sold from {s.WarehouseId}; {idle} days since it arrived" : $"{idle} days without a sale from {s.WarehouseId}";
                return new ClearanceProposal(s.Sku, s.WarehouseId, s.OnHand, idle, discount, companions, reason);
            })
            .ToArray();
    }
}
