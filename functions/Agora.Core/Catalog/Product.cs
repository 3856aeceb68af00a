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
/// <param name="Reserved">What open orders hold: the sum of <paramref name="Holds"/>, plus any amount reserved before holds
/// were kept one by one. Holds change it with an atomic increment in the store (decision 0016b), so it is rounded to
/// <see cref="Quantities.MaxDecimals"/> whenever a record is built or read: the store keeps doubles, and a sum of
/// increments such as 0.1 + 0.2 reads back as 0.30000000000000004.</param>
/// <param name="Holds">What each open order holds here, by hold id (the order's id). Counts, pushes and reconciliation
/// keep them as they keep <paramref name="Reserved"/>; only <see cref="Inventory.IStockHolds"/> adds and removes them.
/// Never null: an absent or null map (documents written before holds existed) reads as empty, and records compare holds
/// by content.</param>
/// <param name="Moves">The latest goods movements applied to this record — dispatches (by shipment id) and returns
/// received (by return id) — at most <see cref="MaxMoves"/>, oldest first: what makes each move happen once however often
/// it is retried (decision 0019). Kept by every rewrite, as holds are.</param>
/// <param name="LastSaleAt">When goods of it last left this warehouse for a buyer (a shipment's dispatch, once per
/// shipment): with <paramref name="LastReceiptAt"/>, how long the stock has sat here (clearance, decision 0021b). Null:
/// never shipped from here since the field exists.</param>
/// <param name="LastReceiptAt">When on hand last grew here: a count, push, import or reconciliation that found more, or
/// resellable goods of a return put back. Null on records written before the field existed, until their next write.</param>
public sealed record WarehouseStock(decimal OnHand, decimal Reserved, DateTimeOffset AsOf, IReadOnlyDictionary<string, decimal>? Holds = null, IReadOnlyList<string>? Moves = null,
    DateTimeOffset? LastSaleAt = null, DateTimeOffset? LastReceiptAt = null)
{
    /// <summary>Moves remembered per record: a retried move comes within minutes, long before a hundred more of the same
    /// product's moved in the same warehouse.</summary>
    public const int MaxMoves = 100;

    private static readonly IReadOnlyDictionary<string, decimal> NoHolds = new Dictionary<string, decimal>(StringComparer.Ordinal);

    private readonly decimal _reserved = Quantities.Round(Reserved);
    private readonly IReadOnlyDictionary<string, decimal> _holds = RoundHolds(Holds);

    public decimal Reserved
    {
        get => _reserved;
        init => _reserved = Quantities.Round(value);
    }

    public IReadOnlyDictionary<string, decimal>? Holds
    {
        get => _holds;
        init => _holds = RoundHolds(value);
    }

    /// <summary>What can still be promised: never negative, even when a count fell below what is reserved.</summary>
    [JsonIgnore]
    public decimal Available => Math.Max(0, OnHand - Reserved);

    /// <summary>What <paramref name="holdId"/> holds here, 0 when nothing.</summary>
    public decimal HeldBy(string holdId) => _holds.GetValueOrDefault(holdId);

    public bool Equals(WarehouseStock? other) =>
        other is not null && OnHand == other.OnHand && _reserved == other._reserved && AsOf == other.AsOf
        && _holds.Count == other._holds.Count && _holds.All(h => other._holds.TryGetValue(h.Key, out var q) && q == h.Value)
        && (Moves ?? []).SequenceEqual(other.Moves ?? []) && LastSaleAt == other.LastSaleAt && LastReceiptAt == other.LastReceiptAt;

    /// <summary>Since when the goods on hand here have waited: the later of the last sale and the last receipt; for a record
    /// written before either was kept, the time of its last count (<see cref="AsOf"/>), the latest time it is known to have
    /// been looked at. Null when nothing is on hand: nothing waits.</summary>
    [JsonIgnore]
    public DateTimeOffset? IdleSince =>
        OnHand <= 0 ? null
        : LastSaleAt is null && LastReceiptAt is null ? AsOf
        : (LastSaleAt ?? DateTimeOffset.MinValue) > (LastReceiptAt ?? DateTimeOffset.MinValue) ? LastSaleAt : LastReceiptAt;

    /// <summary>Whether the move <paramref name="moveId"/> (a shipment's dispatch, a return's receipt) already changed this stock.</summary>
    public bool HasMoved(string moveId) => Moves?.Contains(moveId, StringComparer.Ordinal) == true;

    /// <summary>This stock with <paramref name="moveId"/> remembered as applied.</summary>
    public WarehouseStock Remember(string moveId) => this with { Moves = (Moves ?? []).Append(moveId).TakeLast(MaxMoves).ToArray() };

    public override int GetHashCode() => HashCode.Combine(OnHand, _reserved, AsOf, _holds.Count);

    private static IReadOnlyDictionary<string, decimal> RoundHolds(IReadOnlyDictionary<string, decimal>? holds) =>
        holds is null || holds.Count == 0 ? NoHolds
        : holds.Values.All(q => Quantities.Round(q) == q) ? holds
        : holds.ToDictionary(h => h.Key, h => Quantities.Round(h.Value), StringComparer.Ordinal);
}

/// <summary>Stock quantities in base units: at most <see cref="MaxDecimals"/> decimals.</summary>
public static class Quantities
{
    public const int MaxDecimals = 6;

    /// <summary>Half the smallest step a quantity can take (10^-6): below it two stored doubles are the same quantity.
    /// Conditions the store checks on sums of doubles (available ≥ asked) allow this much, so drift never refuses a hold
    /// that fits nor grants one that does not: a real difference is at least 10^-6.</summary>
    public const decimal Tolerance = 0.0000005m;

    /// <summary>Rounds to <see cref="MaxDecimals"/> (half to even), without trailing zeros and without a negative zero, so
    /// a drifted 0.30000000000000004 or -2.7E-17 reads as 0.3 or 0 and writes back as such.</summary>
    public static decimal Round(decimal value)
    {
        var rounded = decimal.Round(value, MaxDecimals);
        return rounded == 0 ? 0m : rounded / 1.000000000000000000000000000m;
    }
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

    /// <summary>The longest any of its stock on hand has waited: the earliest <see cref="WarehouseStock.IdleSince"/> over its
    /// warehouses; null when nothing is on hand. Stores index it so the nightly clearance analysis reads only the products
    /// with slow stock.</summary>
    [JsonIgnore]
    public DateTimeOffset? IdleSince => Stock.Values.Select(s => s.IdleSince).Where(d => d is not null).DefaultIfEmpty(null).Min();

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
