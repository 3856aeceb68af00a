using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>What rules match a product by (<see cref="ProductSet.MatchesSku"/>, <see cref="ProductSet.MatchesGroup"/>):
/// its SKU, <see cref="Product.BrandKey"/> and <see cref="Product.CategoryKeys"/>.</summary>
internal readonly record struct ProductKeys(string Sku, string? BrandKey, IReadOnlyList<string> CategoryKeys);

/// <summary>The keys of a quote's products, each computed once. <see cref="Product.BrandKey"/> and
/// <see cref="Product.CategoryKeys"/> fold and slug their texts on every call, which, asked per rule and per line,
/// was most of a quote's time and memory; brands and category names repeat across a cart, so their slugs are cached too.</summary>
internal sealed class ProductKeyCache
{
    private readonly Dictionary<string, string> _slugs = new(StringComparer.Ordinal);
    private readonly Dictionary<Product, ProductKeys> _keys = new(ReferenceEqualityComparer.Instance);
    private readonly Func<string, string> _slug;

    public ProductKeyCache() => _slug = Slug;

    public ProductKeys For(Product product)
    {
        if (!_keys.TryGetValue(product, out var keys))
        {
            keys = new ProductKeys(product.Sku, product.Brand is null ? null : Slug(product.Brand), CatalogKeys.CategoryKeys(product.Category, _slug));
            _keys[product] = keys;
        }

        return keys;
    }

    private string Slug(string text)
    {
        if (!_slugs.TryGetValue(text, out var slug))
        {
            slug = Text.Slug(text);
            _slugs[text] = slug;
        }

        return slug;
    }
}

/// <summary>Rules of one kind by the SKUs, brands and categories their product sets name, so a line looks up the few
/// rules that can apply to it instead of testing every rule. <see cref="Match"/> gives exactly the rules for which
/// <c>set.IsEmpty || set.MatchesSku(p) || set.MatchesGroup(p)</c> holds, in the order the rules were given.</summary>
internal sealed class ProductSetIndex
{
    private readonly List<int> _everything = [];

    // Each key leads to a chain of nodes (the rules naming it, last first): one dictionary entry and one node per name.
    private readonly Dictionary<string, int> _bySku = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byBrand = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byCategory = new(StringComparer.Ordinal);
    private readonly (int Rule, int Next)[] _nodes;
    private int _count;

    // The Match call that last took each rule, so a rule found by several keys is taken once.
    private readonly int[] _taken;
    private int _match;

    public ProductSetIndex(IReadOnlyList<ProductSet> sets)
    {
        _taken = new int[sets.Count];
        var names = 0;
        for (var i = 0; i < sets.Count; i++)
        {
            names += sets[i].Skus.Count + sets[i].Brands.Count + sets[i].Categories.Count;
        }

        _nodes = new (int, int)[names];
        for (var i = 0; i < sets.Count; i++)
        {
            var set = sets[i];
            if (set.IsEmpty)
            {
                _everything.Add(i);
                continue;
            }

            Add(_bySku, set.Skus, i);
            Add(_byBrand, set.Brands, i);
            Add(_byCategory, set.Categories, i);
        }
    }

    /// <summary>Fills <paramref name="into"/> with the positions of the rules that match, ascending.</summary>
    public void Match(in ProductKeys product, List<int> into)
    {
        into.Clear();
        _match++;
        foreach (var rule in _everything)
        {
            Take(rule, into);
        }

        Take(_bySku, product.Sku, into);
        if (product.BrandKey is { } brand)
        {
            Take(_byBrand, brand, into);
        }

        for (var i = 0; i < product.CategoryKeys.Count; i++)
        {
            Take(_byCategory, product.CategoryKeys[i], into);
        }

        into.Sort();
    }

    private void Add(Dictionary<string, int> index, IReadOnlyList<string> keys, int rule)
    {
        for (var k = 0; k < keys.Count; k++)
        {
            _nodes[_count] = (rule, index.TryGetValue(keys[k], out var first) ? first : -1);
            index[keys[k]] = _count++;
        }
    }

    private void Take(Dictionary<string, int> index, string key, List<int> into)
    {
        if (index.TryGetValue(key, out var node))
        {
            for (; node >= 0; node = _nodes[node].Next)
            {
                Take(_nodes[node].Rule, into);
            }
        }
    }

    private void Take(int rule, List<int> into)
    {
        if (_taken[rule] != _match)
        {
            _taken[rule] = _match;
            into.Add(rule);
        }
    }
}
