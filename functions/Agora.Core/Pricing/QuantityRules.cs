using Agora.Core.Catalog;

namespace Agora.Core.Pricing;

/// <summary>Minimum lots, order multiples and maximums, checked in base units whatever unit the rule and the line use,
/// and explained in the buyer's words.</summary>
public static class QuantityRules
{
    /// <summary>The rule that applies to <paramref name="product"/>: the most specific audience first (customer, category,
    /// all), then a rule naming the SKU over one naming its brand or category, then one for all products.</summary>
    public static QuantityRule? RuleFor(Product product, IReadOnlyList<QuantityRule> rules, PricingCustomer customer) =>
        rules.Where(r => r.Audience.Includes(customer) && product.UnitOf(r.Unit) is not null
                && (r.Products.IsEmpty || r.Products.MatchesSku(product) || r.Products.MatchesGroup(product)))
            .OrderByDescending(r => r.Audience.Specificity)
            .ThenByDescending(r => r.Products.MatchesSku(product) ? 2 : r.Products.IsEmpty ? 0 : 1)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .FirstOrDefault();

    public static IEnumerable<string> Check(Product product, SaleUnit unit, decimal quantity, IReadOnlyList<QuantityRule> rules, PricingCustomer customer) =>
        Check(product, unit, quantity, RuleFor(product, rules, customer));

    /// <summary>The problems with <paramref name="quantity"/> under <paramref name="rule"/>, the rule <see cref="RuleFor"/>
    /// chose (the pricing engine finds it through its index of the quote's rules).</summary>
    internal static IEnumerable<string> Check(Product product, SaleUnit unit, decimal quantity, QuantityRule? rule)
    {
        if (rule is null)
        {
            yield break;
        }

        var ruleUnit = product.UnitOf(rule.Unit)!;
        var inBase = quantity * unit.Factor;
        if (rule.Multiple is { } multiple && multiple > 0 && inBase % (multiple * ruleUnit.Factor) != 0)
        {
            var step = multiple * ruleUnit.Factor;
            var lower = decimal.Floor(inBase / step) * step;
            yield return $"{product.Sku} is sold to you in multiples of {In(product, step)}: order {In(product, lower + step)}{(lower > 0 ? $" or {In(product, lower)}" : string.Empty)}.";
        }

        if (rule.Min is { } min && inBase < min * ruleUnit.Factor)
        {
            yield return $"{product.Sku} is sold to you from {In(product, min * ruleUnit.Factor)}.";
        }

        if (rule.Max is { } max && inBase > max * ruleUnit.Factor)
        {
            yield return $"{product.Sku} is sold to you up to {In(product, max * ruleUnit.Factor)} per order.";
        }
    }

    /// <summary>A base-unit quantity in words, with the larger units it makes whole: "12 UN (1 CX)".</summary>
    public static string In(Product product, decimal baseQuantity)
    {
        var whole = product.SaleUnits.Where(u => u.Factor > 1 && baseQuantity % u.Factor == 0).OrderByDescending(u => u.Factor)
            .Select(u => $"{Explanations.Num(baseQuantity / u.Factor)} {u.Code}").ToArray();
        var text = $"{Explanations.Num(baseQuantity)} {product.BaseUnit}";
        return whole.Length == 0 ? text : $"{text} ({string.Join(", ", whole)})";
    }

    /// <summary>Whether <paramref name="quantity"/> of <paramref name="unit"/> breaks no rule (for callers that only need a yes).</summary>
    public static bool Allows(Product product, SaleUnit unit, decimal quantity, IReadOnlyList<QuantityRule> rules, PricingCustomer customer) =>
        !Check(product, unit, quantity, rules, customer).Any();
}
