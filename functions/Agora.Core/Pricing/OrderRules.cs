using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>Order rules, after every line's own rules: bundle prices (the saving shared by the parts in proportion to
/// their prices), the best order volume discount reached, the supplier's cap on the total discount, and the free lines of
/// buy-X-get-Y promotions.</summary>
internal static class OrderRules
{
    /// <summary>Bundles whose parts are all in the cart; a bundle priced in a currency no rate converts does not apply,
    /// and <paramref name="hints"/> says so.</summary>
    public static void ApplyBundles(List<LineWork> work, QuoteRules rules, List<string> hints)
    {
        Dictionary<string, LineWork>? firstPriced = null; // bundles change net prices only, so this holds throughout
        for (var i = 0; i < rules.Promotions.Length; i++)
        {
            var p = rules.Promotions[i];
            if (p.Reward is not { Kind: RewardKind.BundlePrice, BundleSkus.Count: > 1, BundlePrice: not null })
            {
                continue;
            }

            firstPriced ??= FirstPricedBySku(work);
            var members = p.Reward.BundleSkus!.Select(sku => firstPriced.GetValueOrDefault(sku)).ToArray();
            if (members.Any(m => m is null))
            {
                continue;
            }

            if (rules.NotConverted(i) is { } reason)
            {
                hints.Add(reason);
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

            var text = Explanations.Bundle(p, p.Reward.BundlePrice.Value, rules.Currency, rules.Note(i), bundles);
            foreach (var m in members)
            {
                var share = m!.Net / m.SaleUnit!.Factor / perBundle;
                m.Take("bundle", p.Id, text, saving * share * bundles / m.Quantity);
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

    /// <summary>The best volume discount the order reaches applies to every priced line; <paramref name="hints"/> gets the
    /// discounts whose minimum order value no rate converts, and how far the next one is.</summary>
    public static void ApplyVolume(List<LineWork> work, PricingBook book, PricingCustomer customer, DateTimeOffset now, RuleCurrency money, List<string> hints)
    {
        var currency = money.Quote;
        var priced = work.Where(w => w.Status == LineStatus.Priced).ToArray();
        var value = priced.Sum(w => w.Net * w.Quantity);
        var quantity = priced.Sum(w => w.Quantity * w.SaleUnit!.Factor);
        var offers = new List<(VolumeDiscount Offer, string? Note)>();
        foreach (var v in book.VolumeDiscounts)
        {
            if (v.Audience.Includes(customer) && v.IsValidAt(now))
            {
                if (money.ToQuote(v, out var note, out var reason) is { } offer)
                {
                    offers.Add((offer, note));
                }
                else
                {
                    hints.Add(reason!);
                }
            }
        }

        bool Reached(VolumeDiscount v) => (v.MinOrderValue is null || value >= v.MinOrderValue) && (v.MinOrderQuantity is null || quantity >= v.MinOrderQuantity);
        var best = offers.Where(o => Reached(o.Offer)).OrderByDescending(o => o.Offer.Percent).ThenBy(o => o.Offer.Id, StringComparer.Ordinal).FirstOrDefault();
        if (best.Offer is { } chosen)
        {
            var text = Explanations.Volume(chosen, Explanations.Threshold(chosen, currency, best.Note));
            foreach (var w in priced.Where(w => !w.Fixed))
            {
                w.Take("volume", chosen.Id, text, w.Net * chosen.Percent / 100);
            }
        }

        var next = offers.Select(o => o.Offer).Where(v => !Reached(v) && v.Percent > (best.Offer?.Percent ?? 0) && v.MinOrderValue is not null && v.MinOrderQuantity is null)
            .OrderBy(v => v.MinOrderValue).FirstOrDefault();
        if (next is not null)
        {
            hints.Add(Explanations.NextVolume(Currency.Round(next.MinOrderValue!.Value - value, currency, MidpointRounding.AwayFromZero), currency, next));
        }
    }

    /// <summary>The supplier's cap on the total discount (not on fixed prices), then each line as the quote shows it.</summary>
    public static List<QuoteLine> ApplyCap(List<LineWork> work, decimal cap)
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
                    w.Take("cap", "maxTotalDiscount", capText, -(floor - w.Net)); // rounded away from zero: not below the floor
                }
            }

            lines.Add(w.ToLine());
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
