using Agora.Core.Catalog;

namespace Agora.Core.Pricing;

/// <summary>Line rules: the discount rates and promotions (percent off, amount off, fixed price) that apply to one line.
/// If any exclusive one applies (fixed prices always are), the exclusive with the highest priority applies alone;
/// otherwise every combinable one applies: percentages multiply and amounts are subtracted after them, so the order of
/// rules never changes the result.</summary>
internal static class LineRules
{
    public static void Apply(LineWork w, Product product, SaleUnit unit, ProductKeys keys, QuoteRules rules)
    {
        var lineValue = w.List * w.Quantity;
        var quantityBase = w.Quantity * unit.Factor;
        var found = rules.Found;
        found.Clear();
        foreach (var i in rules.DiscountsFor(keys))
        {
            var d = rules.Discounts[i];
            found.Add(new LineRule(d.Priority, d.Id, d.Stacking == Stacking.Exclusive, LineRuleKind.Discount, i, found.Count));
        }

        foreach (var i in rules.PromotionsFor(keys))
        {
            var p = rules.Promotions[i];
            if (p.MinQuantity is { } minQ && quantityBase < minQ)
            {
                continue;
            }

            if (rules.NotConverted(i) is { } reason)
            {
                if (p.Reward.Kind is RewardKind.PercentOff or RewardKind.AmountOff or RewardKind.FixedPrice)
                {
                    w.Hints.Add(reason); // bundles say so in the quote's hints
                }

                continue;
            }

            if (p.MinValue is { } minV && lineValue < minV)
            {
                continue;
            }

            switch (p.Reward.Kind)
            {
                case RewardKind.PercentOff when p.Reward.Percent is not null:
                    found.Add(new LineRule(p.Priority, p.Id, p.Stacking == Stacking.Exclusive, LineRuleKind.PercentOff, i, found.Count));
                    break;
                case RewardKind.AmountOff when p.Reward.Amount is not null:
                    found.Add(new LineRule(p.Priority, p.Id, p.Stacking == Stacking.Exclusive, LineRuleKind.AmountOff, i, found.Count));
                    break;
                case RewardKind.FixedPrice when p.Reward.FixedPrice is not null:
                    found.Add(new LineRule(p.Priority, p.Id, true, LineRuleKind.FixedPrice, i, found.Count));
                    break;
            }
        }

        // One exclusive rule (the highest priority, then the lowest id, then the first found) replaces all others.
        var exclusive = -1;
        for (var k = 0; k < found.Count; k++)
        {
            if (found[k].Exclusive && (exclusive < 0 || LineRule.Compare(found[k], found[exclusive]) < 0))
            {
                exclusive = k;
            }
        }

        if (exclusive >= 0)
        {
            Apply(found[exclusive], w, product, unit, rules);
            if (!w.Fixed)
            {
                w.SettleAmounts();
            }

            return;
        }

        // Otherwise every combinable rule applies. Percentages multiply and amounts are taken after them, so the result
        // is the same in any order; the adjustments are listed by priority, then id, then as found.
        found.Sort(LineRule.Compare);
        foreach (var rule in found)
        {
            Apply(rule, w, product, unit, rules);
        }

        w.SettleAmounts();
    }

    private static void Apply(LineRule rule, LineWork w, Product product, SaleUnit unit, QuoteRules rules)
    {
        if (rule.Kind == LineRuleKind.Discount)
        {
            var d = rules.Discounts[rule.Index];
            w.Percent("discount", d.Id, rules.DiscountText(rule.Index), d.Percent);
            return;
        }

        var p = rules.Promotions[rule.Index];
        switch (rule.Kind)
        {
            case LineRuleKind.PercentOff:
                w.Percent("promotion", p.Id, rules.PercentOffText(rule.Index), p.Reward.Percent!.Value);
                break;
            case LineRuleKind.AmountOff:
                w.AmountOff("promotion", p.Id, Explanations.AmountOff(rules.Label(rule.Index), p.Reward.Amount!.Value, rules.Currency, unit.Code, rules.Note(rule.Index)), p.Reward.Amount.Value);
                break;
            default:
                w.FixTo(p.Id, Explanations.FixedPrice(rules.Label(rule.Index), p.Reward.FixedPrice!.Value, rules.Currency, product.BaseUnit, rules.Note(rule.Index)),
                    p.Reward.FixedPrice.Value * unit.Factor);
                break;
        }
    }
}

internal enum LineRuleKind : byte
{
    Discount,
    PercentOff,
    AmountOff,
    FixedPrice,
}

/// <summary>A rule found for a line: <see cref="Index"/> into <see cref="QuoteRules.Discounts"/> or
/// <see cref="QuoteRules.Promotions"/>, and <see cref="Found"/>, its place among the line's rules (discounts first).</summary>
internal readonly record struct LineRule(int Priority, string Id, bool Exclusive, LineRuleKind Kind, int Index, int Found)
{
    /// <summary>Highest priority first, then by id, then as found (what LINQ's stable ordering gave).</summary>
    public static int Compare(LineRule a, LineRule b) =>
        a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority)
        : string.CompareOrdinal(a.Id, b.Id) is var byId and not 0 ? byId
        : a.Found.CompareTo(b.Found);
}

