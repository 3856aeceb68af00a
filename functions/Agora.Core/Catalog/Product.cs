using System.Text.Json.Serialization;
using Agora.Core.Common;

namespace Agora.Core.Catalog;

public enum ProductStatus
{
    Active,

    /// <summary>No longer sold: hidden from buyers, kept for orders and history.</summary>
    Discontinued,
}

/// <summary>A unit a product is sold in, as a multiple of its base unit: UN = 1, CX = 12, PAL = 480.</summary>
public sealed record SaleUnit(string Code, decimal Factor);

/// <summary>Stock of one product in one warehouse, in base units. <see cref="AsOf"/> is the time the supplier's system
/// measured <see cref="OnHand"/>: older pushes never overwrite newer ones.</summary>
public sealed record WarehouseStock(decimal OnHand, decimal Reserved, DateTimeOffset AsOf)
{
    /// <summary>What can still be promised: never negative, even when a count fell below what is reserved.</summary>
    [JsonIgnore]
    public decimal Available => Math.Max(0, OnHand - Reserved);
}

/// <summary>A supplier's product with its stock per warehouse. Catalog data and stock live in one document so a buyer's
/// catalog page filters on availability in the same query that pages the products (decision 0006).</summary>
public sealed record Product
{
    public const int MaxRelated = 50;
    public const int MaxAttributes = 50;
    public const int MaxSaleUnits = 10;

    public required string SupplierId { get; init; }

    /// <summary>Unique per supplier: letters, digits, '-', '_' and '.'.</summary>
    public required string Sku { get; init; }

    public required string Name { get; init; }

    public string? Description { get; init; }

    /// <summary>Category path from the root, as the supplier names it: ["Ferramentas", "Elétricas", "Furadeiras"].</summary>
    public required IReadOnlyList<string> Category { get; init; }

    public string? Brand { get; init; }

    /// <summary>GTIN-8/12/13/14 with a valid check digit.</summary>
    public string? Gtin { get; init; }

    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    public ProductStatus Status { get; init; }

    /// <summary>Products sold with this one (bundles, cross-sell), by SKU.</summary>
    public IReadOnlyList<string> Related { get; init; } = [];

    /// <summary>The unit stock and conversions are counted in (UN, KG, M...).</summary>
    public required string BaseUnit { get; init; }

    /// <summary>Units it is sold in, the base unit first (factor 1).</summary>
    public required IReadOnlyList<SaleUnit> SaleUnits { get; init; }

    /// <summary>Stock by warehouse id.</summary>
    public IReadOnlyDictionary<string, WarehouseStock> Stock { get; init; } = new Dictionary<string, WarehouseStock>();

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    // Derived: computed here, never stored as data (stores index them beside the document for queries).

    /// <summary>Every prefix of the category as folded slugs: "ferramentas", "ferramentas/eletricas", ...</summary>
    [JsonIgnore]
    public IReadOnlyList<string> CategoryKeys => CatalogKeys.CategoryKeys(Category);

    [JsonIgnore]
    public string? BrandKey => Brand is null ? null : Text.Slug(Brand);

    /// <summary>Folded SKU, name, brand, GTIN and category, for text search.</summary>
    [JsonIgnore]
    public string SearchText => Text.Fold(string.Join(' ', new[] { Sku, Name, Brand, Gtin }.Concat(Category).OfType<string>()));

    /// <summary>Total available over all warehouses, in base units.</summary>
    [JsonIgnore]
    public decimal Available => Stock.Values.Sum(s => s.Available);

    public SaleUnit? UnitOf(string code)
    {
        // Indexed rather than FirstOrDefault or foreach: price imports ask this for every row, and both allocated (the
        // lambda's closure, the list's enumerator).
        for (var i = 0; i < SaleUnits.Count; i++)
        {
            if (string.Equals(SaleUnits[i].Code, code, StringComparison.OrdinalIgnoreCase))
            {
                return SaleUnits[i];
            }
        }

        return null;
    }

    /// <summary>The catalog content, without stock and timestamps: what an import compares to decide whether to write.</summary>
    [JsonIgnore]
    public string ContentHash => CatalogKeys.Hash(this);
}

public static class CatalogKeys
{
    public static IReadOnlyList<string> CategoryKeys(IReadOnlyList<string> category) => CategoryKeys(category, Text.Slug);

    /// <summary>The same keys, with <paramref name="slug"/> standing for <see cref="Text.Slug"/>: pricing passes a cache of
    /// it, as it needs the keys of every product of a cart and most of them share their category names.</summary>
    internal static string[] CategoryKeys(IReadOnlyList<string> category, Func<string, string> slug)
    {
        var keys = new string[category.Count];
        var path = string.Empty;
        for (var i = 0; i < category.Count; i++)
        {
            path = i == 0 ? slug(category[i]) : $"{path}/{slug(category[i])}";
            keys[i] = path;
        }

        return keys;
    }

    /// <summary>A category as a client names it in a filter or rule ("Ferramentas > Elétricas", "ferramentas/eletricas")
    /// turned into its key.</summary>
    public static string CategoryKey(string path) =>
        string.Join('/', path.Split(['/', '>', '|', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Text.Slug));

    internal static string Hash(Product p)
    {
        var text = string.Join('\u001f',
            p.Sku, p.Name, p.Description, string.Join('\u001e', p.Category), p.Brand, p.Gtin, p.Status,
            string.Join('\u001e', p.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value}")),
            string.Join('\u001e', p.Related), p.BaseUnit,
            string.Join('\u001e', p.SaleUnits.Select(u => $"{u.Code}={u.Factor.ToString(System.Globalization.CultureInfo.InvariantCulture)}")));
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32];
    }
}
