using Agora.Core.Catalog;

namespace Agora.Core.Pricing;

/// <summary>The rules that can apply to this quote's lines (for this customer, valid now, coupons and usage limits
/// checked), indexed by the SKUs, brands and categories they name, with the texts they explain lines with. One per
/// quote: not thread-safe.</summary>
internal sealed class QuoteRules
{
    private readonly ProductSetIndex _discounts;
    private readonly ProductSetIndex _promotions;
    private readonly ProductSetIndex _bonuses;
    private readonly ProductSetIndex _quantity;
    private readonly QuantityRule[] _quantityRules;
    private readonly string?[] _discountTexts;
    private readonly string?[] _percentOffTexts;
    private readonly string?[] _labels;
    private readonly string?[] _notes;
    private readonly string?[] _notConverted;
    private readonly List<int> _matched = [];

    /// <summary><paramref name="promotions"/> are replaced in place by their copies in the quote's currency.</summary>
    public QuoteRules(DiscountRule[] discounts, Promotion[] promotions, QuantityRule[] quantityRules, RuleCurrency money)
    {
        Currency = money.Quote;
        _notes = new string?[promotions.Length];
        _notConverted = new string?[promotions.Length];
        for (var i = 0; i < promotions.Length; i++)
        {
            promotions[i] = money.ToQuote(promotions[i], out _notes[i], out _notConverted[i]) ?? promotions[i];
        }

        Discounts = discounts;
        Promotions = promotions;
        Bonuses = promotions.Where(p => p.Reward is { Kind: RewardKind.BonusProduct, BonusSku: not null, BuyQuantity: > 0, BonusQuantity: > 0 }).ToArray();
        _quantityRules = quantityRules;
        _discounts = new ProductSetIndex(discounts.Select(d => d.Products).ToArray());
        _promotions = new ProductSetIndex(promotions.Select(p => p.Products).ToArray());
        _bonuses = new ProductSetIndex(Bonuses.Select(p => p.Products).ToArray());
        _quantity = new ProductSetIndex(quantityRules.Select(r => r.Products).ToArray());
        _discountTexts = new string?[discounts.Length];
        _percentOffTexts = new string?[promotions.Length];
        _labels = new string?[promotions.Length];
    }

    public ProductKeyCache Keys { get; } = new();

    /// <summary>The quote's currency, which <see cref="Promotions"/>' money values are in (but those <see cref="NotConverted"/>).</summary>
    public string Currency { get; }

    public DiscountRule[] Discounts { get; }

    public Promotion[] Promotions { get; }

    /// <summary>The promotions that give free goods, in the order of <see cref="Promotions"/>.</summary>
    public Promotion[] Bonuses { get; }

    /// <summary>The current line's rules (reused from line to line).</summary>
    public List<LineRule> Found { get; } = [];

    // Each returns the positions of the rules that match the product, ascending, in a list reused by the next call.
    public List<int> DiscountsFor(in ProductKeys product) => Matched(_discounts, product);

    public List<int> PromotionsFor(in ProductKeys product) => Matched(_promotions, product);

    public List<int> BonusesFor(in ProductKeys product) => Matched(_bonuses, product);

    /// <summary>As <see cref="QuantityRules.RuleFor"/>: among the rules in a unit the product is sold in, the most
    /// specific audience, then a rule naming the SKU over one naming its group over one for all products, then the
    /// lowest id, then the first.</summary>
    public QuantityRule? QuantityRuleFor(Product product, in ProductKeys keys)
    {
        QuantityRule? best = null;
        var bestRank = 0;
        foreach (var i in Matched(_quantity, keys))
        {
            var rule = _quantityRules[i];
            if (product.UnitOf(rule.Unit) is null)
            {
                continue;
            }

            var rank = rule.Products.MatchesSku(product) ? 2 : rule.Products.IsEmpty ? 0 : 1;
            if (best is null
                || rule.Audience.Specificity > best.Audience.Specificity
                || (rule.Audience.Specificity == best.Audience.Specificity && (rank > bestRank || (rank == bestRank && string.CompareOrdinal(rule.Id, best.Id) < 0))))
            {
                best = rule;
                bestRank = rank;
            }
        }

        return best;
    }

    /// <summary>How promotion <paramref name="i"/>'s money was converted, for its explanation; null when it was not.</summary>
    public string? Note(int i) => _notes[i];

    /// <summary>Why promotion <paramref name="i"/> does not apply (its money is in a currency no rate converts), or null.</summary>
    public string? NotConverted(int i) => _notConverted[i];

    public string DiscountText(int i)
    {
        var d = Discounts[i];
        return _discountTexts[i] ??= Explanations.Discount(d);
    }

    public string PercentOffText(int i) => _percentOffTexts[i] ??= Explanations.PercentOff(Label(i), Promotions[i].Reward.Percent!.Value);

    public string Label(int i)
    {
        return _labels[i] ??= Explanations.Label(Promotions[i]);
    }

    private List<int> Matched(ProductSetIndex index, in ProductKeys product)
    {
        index.Match(product, _matched);
        return _matched;
    }
}
