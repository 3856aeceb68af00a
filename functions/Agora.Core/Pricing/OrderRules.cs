using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>Order rules, after every line's own rules: bundle prices (the saving shared by the parts in proportion to
/// their prices), the best order volume discount reached, the supplier's cap on the total discount, and the free lines of
/// buy-X-get-Y promotions.</summary>
internal static class OrderRules
{
    public static void ApplyBundles(List<LineWork> work, Promotion[] promotions, string currency)
    {
        Dictionary<string, LineWork>? firstPriced = null; // bundles change net prices only, so this holds throughout
        foreach (var p in promotions.Where(p => p.Reward is { Kind: RewardKind.BundlePrice, BundleSkus.Count: > 1, BundlePrice: not null }))
        {
            firstPriced ??= FirstPricedBySku(work);
            var members = p.Reward.BundleSkus!.Select(sku => firstPriced.GetValueOrDefault(sku)).ToArray();
            if (members.Any(m => m is null))
            {
                continue;
            }

            // One bundle = one base unit of each; its price is shared out in proportion to each part's net price.
            var bundles = decimal.Floor(members.Min(m => m!.Quantity * m.SaleUnit!.Factor));
            var perBundle = members.Sum(m => m!.Net / m.SaleUnit!.Factor);
            var saving = perBundle - p.Reward.BundlePrice!.Value;
            if (bundles < 1 || saving <= 0)
            {
                continue;
            }

            foreach (var m in members)
            {
                var share = m!.Net / m.SaleUnit!.Factor / perBundle;
                var perUnit = saving * share * bundles / m.Quantity;
                m.Adjustments.Add(new Adjustment("bundle", p.Id, Explanations.Bundle(p, p.Reward.BundlePrice.Value, currency, bundles), perUnit));
                m.Net -= perUnit;
            }
        }
    }

    /// <summary>For each SKU, its first line that is priced and not at a fixed price: the line a bundle takes.</summary>
    private static Dictionary<string, LineWork> FirstPricedBySku(List<LineWork> work)
    {
        var first = new Dictionary<string, LineWork>(StringComparer.Ordinal);
        foreach (var w in work)
        {
            if (w.Status == LineStatus.Priced && !w.Fixed)
            {
                first.TryAdd(w.Sku, w);
            }
        }

        return first;
    }

    /// <summary>The best volume discount the order reaches applies to every priced line; returns a hint for the next one.</summary>
    public static string? ApplyVolume(List<LineWork> work, PricingBook book, PricingCustomer customer, DateTimeOffset now, string currency)
    {
        var priced = work.Where(w => w.Status == LineStatus.Priced).ToArray();
        var value = priced.Sum(w => w.Net * w.Quantity);
        var quantity = priced.Sum(w => w.Quantity * w.SaleUnit!.Factor);
        var offers = book.VolumeDiscounts.Where(v => v.Audience.Includes(customer) && v.IsValidAt(now)).ToArray();
        bool Reached(VolumeDiscount v) => (v.MinOrderValue is null || value >= v.MinOrderValue) && (v.MinOrderQuantity is null || quantity >= v.MinOrderQuantity);
        var best = offers.Where(Reached).OrderByDescending(v => v.Percent).ThenBy(v => v.Id, StringComparer.Ordinal).FirstOrDefault();
        if (best is not null)
        {
            var text = Explanations.Volume(best, Explanations.Threshold(best, currency));
            foreach (var w in priced.Where(w => !w.Fixed))
            {
                var amount = w.Net * best.Percent / 100;
                w.Adjustments.Add(new Adjustment("volume", best.Id, text, amount));
                w.Net -= amount;
            }
        }

        var next = offers.Where(v => !Reached(v) && v.Percent > (best?.Percent ?? 0) && v.MinOrderValue is not null && v.MinOrderQuantity is null)
            .OrderBy(v => v.MinOrderValue).FirstOrDefault();
        return next is null ? null : Explanations.NextVolume(Currency.Round(next.MinOrderValue!.Value - value, currency), currency, next);
    }

    /// <summary>The supplier's cap on the total discount (not on fixed prices), then each line as the quote shows it.</summary>
    public static List<QuoteLine> ApplyCap(List<LineWork> work, decimal cap, string currency)
    {
        string? capText = null;
        var lines = new List<QuoteLine>(work.Count);
        foreach (var w in work)
        {
            if (w.Status == LineStatus.Priced && !w.Fixed && cap < 100)
            {
                var floor = w.List * (1 - (cap / 100));
                if (w.Net < floor)
                {
                    capText ??= Explanations.Cap(cap);
                    w.Adjustments.Add(new Adjustment("cap", "maxTotalDiscount", capText, -(floor - w.Net)));
                    w.Net = floor;
                }
            }

            lines.Add(w.ToLine(currency));
        }

        return lines;
    }

    public static void AddBonusLines(List<LineWork> work, QuoteRules rules, PricingBook book, List<QuoteLine> lines)
    {
        var numbered = lines.Count;
        foreach (var w in work)
        {
            if (w.Status != LineStatus.Priced)
            {
                continue;
            }

            foreach (var i in rules.BonusesFor(rules.Keys.For(w.Product!)))
            {
                var p = rules.Bonuses[i];
                if (!book.Products.TryGetValue(p.Reward.BonusSku!, out var bonus))
                {
                    continue;
                }

                var free = decimal.Floor(w.Quantity * w.SaleUnit!.Factor / p.Reward.BuyQuantity!.Value) * p.Reward.BonusQuantity!.Value;
                if (free > 0)
                {
                    lines.Add(new QuoteLine(++numbered, bonus.Sku, bonus.BaseUnit, free, LineStatus.Bonus, null, 0,
                        [new Adjustment("promotion", p.Id, Explanations.Bonus(p, bonus, w.Product!.BaseUnit, w.Sku), 0)], 0, 0, 0, [], []));
                }
            }
        }
    }
}
