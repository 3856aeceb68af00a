using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>One price of a price list: a SKU in one sale unit from a minimum quantity (volume tiers are several entries
/// with rising minimums). Written by price-list imports and by pricing managers over the API; the pricing engine resolves
/// lists, tiers and discounts.</summary>
public sealed record PriceEntry(string SupplierId, string PriceListId, string Sku, string Unit, int MinQuantity, decimal Price, string Currency, DateTimeOffset UpdatedAt)
{
    public const string BaseList = "base";

    public string Key => KeyOf(PriceListId, Sku, Unit, MinQuantity);

    public static string KeyOf(string listId, string sku, string unit, int minQuantity) =>
        $"{listId}:{sku}:{unit}:{minQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public bool SameAs(decimal price, string currency) => Price == price && Currency == currency;
}

/// <summary>The rules every price obeys, whether it comes from a file row or from the API.</summary>
public static class PriceRules
{
    /// <summary>Checks the parts of a price that need no stored data: its key (<see cref="CheckKey"/>), currency and price
    /// (more than zero, in the currency's decimals). A null <paramref name="currency"/> is the supplier's default, not known
    /// here: <see cref="DecimalsProblem"/> checks the decimals once it is.</summary>
    public static void Check(Validation v, string? sku, string? unit, string? currency, decimal? price, decimal minQuantity, string? listId)
    {
        CheckKey(v, sku, unit, minQuantity, listId);
        v.Check(currency is null || Currency.IsKnown(currency), "currency", $"'{currency}' is not an ISO 4217 currency.");
        if (price is not { } p || p <= 0)
        {
            v.Add("price", "is required and must be more than zero.");
        }
        else if (currency is not null && DecimalsProblem(p, currency) is { } problem)
        {
            v.Add("price", problem);
        }
    }

    /// <summary>Why <paramref name="price"/> cannot be in <paramref name="currency"/> (more decimals than its minor unit),
    /// or null when it can or the currency is unknown (which <see cref="Check"/> reports).</summary>
    public static string? DecimalsProblem(decimal price, string currency) =>
        Currency.IsKnown(currency) && Currency.Round(price, currency, MidpointRounding.AwayFromZero) != price
            ? $"has more decimals than {currency} allows ({Currency.MinorUnitsOf(currency)})."
            : null;

    /// <summary>Checks what names a price entry: SKU, unit, minimum quantity (a whole number, 1 or more) and list id.</summary>
    public static void CheckKey(Validation v, string? sku, string? unit, decimal minQuantity, string? listId)
    {
        v.Check(Ids.IsWellFormed(sku), "sku", "is required: letters, digits, '-', '_' or '.'.");
        v.Check(ProductRules.IsUnitCode(unit), "unit", "is required: a sale unit such as UN or CX.");
        v.Check(minQuantity >= 1 && minQuantity == decimal.Truncate(minQuantity) && minQuantity <= int.MaxValue, "minQuantity", "must be a whole number of units from 1 to 2,147,483,647.");
        v.Check(Ids.IsWellFormed(listId), "priceList", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
    }

    /// <summary>Why the catalog refuses a price for <paramref name="sku"/> in <paramref name="unit"/>, or null when the
    /// product exists and is sold in that unit.</summary>
    public static DomainException? CatalogProblem(Product? product, string sku, string unit) =>
        product is null ? DomainException.Invalid("sku", $"'{sku}' is not in the catalog; import it first.")
        : product.UnitOf(unit) is null ? DomainException.Invalid("unit", $"{sku} is not sold in {unit} (it is in {string.Join(", ", product.SaleUnits.Select(u => u.Code))}).")
        : null;
}

public interface IPriceStore
{
    /// <summary>The entries among <paramref name="keys"/> that exist (one batch of an import: up to <see cref="Imports.ImportOptions.MaxBatchSize"/>, read at once).</summary>
    Task<IReadOnlyList<PriceEntry>> FindManyAsync(string supplierId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    Task UpsertAsync(PriceEntry entry, CancellationToken cancellationToken);

    /// <summary>Deletes the entry with <paramref name="key"/> (<see cref="PriceEntry.Key"/>); false when there was none.</summary>
    Task<bool> DeleteAsync(string supplierId, string key, CancellationToken cancellationToken);

    /// <summary>One list's entries ordered by SKU, unit and minimum quantity, <paramref name="limit"/> after the cursor
    /// <paramref name="after"/>; only <paramref name="sku"/>'s when it is set.</summary>
    Task<Page<PriceEntry>> ListAsync(string supplierId, string listId, string? sku, string? after, int limit, CancellationToken cancellationToken);
}
