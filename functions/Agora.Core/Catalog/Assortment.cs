using Agora.Core.Common;

namespace Agora.Core.Catalog;

/// <summary>Products matched by SKU, brand or category (a category matches its whole subtree).</summary>
public sealed record ProductSet(IReadOnlyList<string> Skus, IReadOnlyList<string> Brands, IReadOnlyList<string> Categories)
{
    public static readonly ProductSet None = new([], [], []);

    public bool IsEmpty => Skus.Count == 0 && Brands.Count == 0 && Categories.Count == 0;

    public bool MatchesSku(Product p) => Skus.Contains(p.Sku, StringComparer.Ordinal);

    /// <summary>By brand or category. A product's keys are slugged on every call, so they are only asked for when the set
    /// names a brand or a category: an assortment tests each of a cart's products against up to four group sets, most
    /// of them empty.</summary>
    public bool MatchesGroup(Product p) =>
        (Brands.Count > 0 && p.BrandKey is { } brand && Brands.Contains(brand, StringComparer.Ordinal))
        || (Categories.Count > 0 && p.CategoryKeys.Any(k => Categories.Contains(k, StringComparer.Ordinal)));
}

/// <summary>Which products one customer category, or one customer account, may see and order.</summary>
public sealed record AssortmentRule(ProductSet Include, ProductSet Exclude)
{
    public static readonly AssortmentRule Open = new(ProductSet.None, ProductSet.None);

    public const int MaxEntries = 500;
}

public enum AssortmentScope
{
    Category,
    Customer,
}

/// <summary>A buyer's assortment at a supplier: the customer account's rule over the customer category's rule.
/// Decision, first that applies: the account rule by SKU (exclude, then include), the account rule by brand or category
/// (exclude, then include), the same four for the category rule; otherwise the product is visible unless one of the rules
/// includes anything, which makes the assortment closed. Discontinued products are never visible.
/// Stores translate <see cref="Steps"/> into their query language; <see cref="Allows"/> is the same decision in memory.</summary>
public sealed record Assortment(AssortmentRule Customer, AssortmentRule Category)
{
    public static readonly Assortment Everything = new(AssortmentRule.Open, AssortmentRule.Open);

    /// <summary>One step of the decision: products matching (<see cref="Set"/>, by SKU or by group) are visible or not.</summary>
    public sealed record Step(ProductSet Set, bool BySku, bool Visible);

    public IReadOnlyList<Step> Steps =>
    [
        new(Customer.Exclude, true, false), new(Customer.Include, true, true),
        new(Customer.Exclude, false, false), new(Customer.Include, false, true),
        new(Category.Exclude, true, false), new(Category.Include, true, true),
        new(Category.Exclude, false, false), new(Category.Include, false, true),
    ];

    /// <summary>What a product matching no step gets.</summary>
    public bool Default => Customer.Include.IsEmpty && Category.Include.IsEmpty;

    public bool Allows(Product product)
    {
        if (product.Status != ProductStatus.Active)
        {
            return false;
        }

        foreach (var step in Steps)
        {
            if (step.BySku ? step.Set.MatchesSku(product) : step.Set.MatchesGroup(product))
            {
                return step.Visible;
            }
        }

        return Default;
    }
}

/// <summary>What clients send for a rule: lists of SKUs, brands and category paths.</summary>
public sealed record ProductSetInput(IReadOnlyList<string>? Skus, IReadOnlyList<string>? Brands, IReadOnlyList<string>? Categories);

public sealed record AssortmentRuleInput(ProductSetInput? Include, ProductSetInput? Exclude);

internal static class AssortmentRules
{
    public static AssortmentRule Validate(AssortmentRuleInput input, string includeField = "include")
    {
        var v = new Validation();
        var rule = new AssortmentRule(Set(v, input.Include, includeField), Set(v, input.Exclude, "exclude"));
        var entries = rule.Include.Skus.Count + rule.Include.Brands.Count + rule.Include.Categories.Count + rule.Exclude.Skus.Count + rule.Exclude.Brands.Count + rule.Exclude.Categories.Count;
        v.Check(entries <= AssortmentRule.MaxEntries, "include", $"a rule lists at most {AssortmentRule.MaxEntries} SKUs, brands and categories in all.");
        v.ThrowIfInvalid();
        return rule;
    }

    private static ProductSet Set(Validation v, ProductSetInput? input, string field)
    {
        var skus = (input?.Skus ?? []).Select(s => s?.Trim() ?? string.Empty).Distinct(StringComparer.Ordinal).ToArray();
        foreach (var bad in skus.Where(s => !Ids.IsWellFormed(s)))
        {
            v.Add($"{field}.skus", $"'{bad}' is not a SKU (letters, digits, '-', '_', '.').");
        }

        var brands = (input?.Brands ?? []).Where(b => !string.IsNullOrWhiteSpace(b)).Select(Text.Slug).Distinct(StringComparer.Ordinal).ToArray();
        var categories = (input?.Categories ?? []).Where(c => !string.IsNullOrWhiteSpace(c)).Select(CatalogKeys.CategoryKey).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        return new ProductSet(skus, brands, categories);
    }
}
