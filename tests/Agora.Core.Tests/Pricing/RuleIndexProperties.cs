using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Pricing;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Pricing;

/// <summary>The engine finds a line's rules through <see cref="ProductSetIndex"/> instead of testing each rule's
/// <see cref="ProductSet"/>: both must pick the same rules, in the same order.</summary>
public sealed class RuleIndexProperties
{
    private static readonly string[] Brands = ["Bosch", "Vonder", "3M", "Tramontina"];
    private static readonly string[][] Categories =
    [
        ["Ferramentas", "Elétricas", "Furadeiras"], ["Ferramentas", "Manuais"], ["Fixação", "Parafusos"], ["Segurança", "EPI"], ["Elétrica"],
    ];

    [Property(MaxTest = 300)]
    public bool The_index_finds_exactly_the_rules_whose_product_set_matches_in_their_order(int seed)
    {
        var random = new Random(seed);
        var products = Enumerable.Range(0, 12).Select(i => Book.Make($"P-{i}", $"P {i}", string.Join(" > ", Categories[random.Next(Categories.Length)]),
            Brands[random.Next(Brands.Length)])).ToList();
        products.Add(products[0] with { Sku = "NO-BRAND", Brand = null });
        var sets = Enumerable.Range(0, random.Next(0, 40)).Select(_ => random.Next(5) switch
        {
            0 => ProductSet.None,
            1 => new ProductSet(Enumerable.Range(0, random.Next(1, 4)).Select(_ => products[random.Next(products.Count)].Sku).ToArray(), [], []),
            2 => new ProductSet([], Enumerable.Range(0, random.Next(1, 3)).Select(_ => Text.Slug(Brands[random.Next(Brands.Length)])).ToArray(), []),
            3 => new ProductSet([], [], [CatalogKeys.CategoryKey(string.Join(" > ", Categories[random.Next(Categories.Length)].Take(random.Next(1, 3))))]),
            _ => new ProductSet([products[random.Next(products.Count)].Sku, "P-0"], [Text.Slug(Brands[random.Next(Brands.Length)])], ["ferramentas"]),
        }).ToArray();

        var index = new ProductSetIndex(sets);
        var keys = new ProductKeyCache();
        var found = new List<int>();
        return products.All(p =>
        {
            index.Match(keys.For(p), found);
            var scanned = Enumerable.Range(0, sets.Length).Where(i => sets[i].IsEmpty || sets[i].MatchesSku(p) || sets[i].MatchesGroup(p));
            return found.SequenceEqual(scanned);
        });
    }

    [Fact]
    public void Cached_keys_are_the_products_own()
    {
        var keys = new ProductKeyCache();
        var drill = Book.Make("FUR-1", "Furadeira", "Ferramentas > Elétricas > Furadeiras", "Bosch Profissional");
        var again = keys.For(drill);

        Assert.Equal(drill.BrandKey, again.BrandKey);
        Assert.Equal(drill.CategoryKeys, again.CategoryKeys);
        Assert.Equal(keys.For(drill), again);
    }
}
