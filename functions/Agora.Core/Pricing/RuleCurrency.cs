namespace Agora.Core.Pricing;

/// <summary>Money-valued rules in the quote's currency. A promotion's minimum value and reward amounts and a volume
/// discount's minimum order value are in the rule's currency (the supplier's default when the rule names none: documents
/// written before rules had one); the supplier's exchange rates convert them like prices (rounded to the quote currency's
/// minor unit; a fixed price per base unit only once it is per sale unit, as an adjustment). A rule that does not convert
/// does not apply, and the quote says why — never a wrong number. One per quote.</summary>
internal sealed class RuleCurrency(IReadOnlyList<ExchangeRate> rates, string quoteCurrency, string? supplierCurrency)
{
    public string Quote { get; } = quoteCurrency;

    /// <summary>True when a stored rule has a money value but names no currency (it is in the supplier's default one).</summary>
    public static bool NamesNone(PricingRule rule) =>
        (rule.Promotion is { Currency: null } p && IsMoneyValued(p)) || rule.Volume is { Currency: null, MinOrderValue: not null };

    /// <summary>Whether a money value of <paramref name="p"/> takes part in pricing (a bonus product's does not).</summary>
    public static bool IsMoneyValued(Promotion p) => p.Reward.Kind switch
    {
        RewardKind.AmountOff or RewardKind.FixedPrice or RewardKind.BundlePrice => true,
        RewardKind.PercentOff => p.MinValue is not null,
        _ => false,
    };

    /// <summary><paramref name="p"/> in the quote's currency: itself when it is already (or has no money value), else a
    /// converted copy with <paramref name="note"/> (the original amount and the rate, for the explanation); null, with
    /// <paramref name="reason"/>, when no rate converts it.</summary>
    public Promotion? ToQuote(Promotion p, out string? note, out string? reason)
    {
        note = reason = null;
        var from = p.Currency ?? supplierCurrency;
        if (from == Quote || !IsMoneyValued(p))
        {
            return p;
        }

        if (RateFrom(from) is not { } rate)
        {
            reason = Explanations.NotConverted(Explanations.Label(p), from, Quote);
            return null;
        }

        var r = p.Reward;
        note = Explanations.Converted(r.Amount ?? r.FixedPrice ?? r.BundlePrice ?? p.MinValue ?? 0, from!, rate);
        return p with
        {
            MinValue = Convert(p.MinValue, rate),
            Reward = r with { Amount = Convert(r.Amount, rate), FixedPrice = r.FixedPrice * rate, BundlePrice = Convert(r.BundlePrice, rate) },
            Currency = Quote,
        };
    }

    /// <summary>As <see cref="ToQuote(Promotion, out string?, out string?)"/>, for a volume discount's minimum order value.</summary>
    public VolumeDiscount? ToQuote(VolumeDiscount v, out string? note, out string? reason)
    {
        note = reason = null;
        var from = v.Currency ?? supplierCurrency;
        if (v.MinOrderValue is not { } min || from == Quote)
        {
            return v;
        }

        if (RateFrom(from) is not { } rate)
        {
            reason = Explanations.NotConverted(v.Name, from, Quote);
            return null;
        }

        note = Explanations.Converted(min, from!, rate);
        return v with { MinOrderValue = Convert(min, rate), Currency = Quote };
    }

    private decimal? RateFrom(string? from) => from is null ? null : Exchange.RateOf(rates, from, Quote);

    private decimal? Convert(decimal? amount, decimal rate) => amount is { } a ? Exchange.Convert(a, rate, Quote) : null;
}
