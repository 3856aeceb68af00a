using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>One price of a price list: a SKU in one sale unit from a minimum quantity (volume tiers are several entries
/// with rising minimums). Written by price-list imports; the pricing engine resolves lists, tiers and discounts.</summary>
public sealed record PriceEntry(string SupplierId, string PriceListId, string Sku, string Unit, int MinQuantity, decimal Price, string Currency, DateTimeOffset UpdatedAt)
{
    public const string BaseList = "base";

    public string Key => KeyOf(PriceListId, Sku, Unit, MinQuantity);

    public static string KeyOf(string listId, string sku, string unit, int minQuantity) =>
        $"{listId}:{sku}:{unit}:{minQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public bool SameAs(PriceEntry other) => Price == other.Price && Currency == other.Currency;
}

public interface IPriceStore
{
    /// <summary>The entries among <paramref name="keys"/> that exist (at most 100 per call).</summary>
    Task<IReadOnlyList<PriceEntry>> FindManyAsync(string supplierId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    Task UpsertAsync(PriceEntry entry, CancellationToken cancellationToken);
}
