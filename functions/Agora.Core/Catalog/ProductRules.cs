using System.Buffers;
using Agora.Core.Common;

namespace Agora.Core.Catalog;

/// <summary>What clients and catalog files send for a product. Category is a path ("Ferramentas > Elétricas"); sale
/// units list the units besides the base unit, with how many base units each holds.</summary>
public sealed record ProductInput(
    string? Name,
    string? Description,
    string? Category,
    string? Brand,
    string? Gtin,
    IReadOnlyDictionary<string, string>? Attributes,
    ProductStatus? Status,
    IReadOnlyList<string>? Related,
    string? BaseUnit,
    IReadOnlyList<SaleUnit>? SaleUnits);

/// <summary>The rules a product obeys, whether it comes from the API or from a catalog file.</summary>
public static class ProductRules
{
    // Checked for every row of price and catalog imports: a vectorized scan rather than a delegate per char.
    private static readonly SearchValues<char> UnitChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");

    public static bool IsUnitCode(string? code) => code is { Length: > 0 and <= 10 } && !code.AsSpan().ContainsAnyExcept(UnitChars);

    /// <summary>GTIN-8, -12, -13 or -14 with a valid GS1 check digit.</summary>
    public static bool IsGtin(string? gtin)
    {
        if (gtin is not { Length: 8 or 12 or 13 or 14 } || !gtin.All(char.IsAsciiDigit))
        {
            return false;
        }

        // From the digit next to the check digit leftwards, weights alternate 3, 1, 3, 1...
        var sum = 0;
        for (var i = gtin.Length - 2; i >= 0; i--)
        {
            sum += (gtin[i] - '0') * ((gtin.Length - 2 - i) % 2 == 0 ? 3 : 1);
        }

        return (10 - (sum % 10)) % 10 == gtin[^1] - '0';
    }

    /// <summary>Validates <paramref name="input"/> for <paramref name="sku"/> and builds the product, keeping the stock and
    /// creation time of <paramref name="existing"/>. Every problem is reported at once, by field, with those already found
    /// in <paramref name="earlier"/> (a file row's cells that did not even parse).</summary>
    public static Product Build(string supplierId, string sku, ProductInput input, Product? existing, DateTimeOffset now, Validation? earlier = null)
    {
        var v = earlier ?? new Validation();
        v.Check(Ids.IsWellFormed(sku), "sku", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        var name = v.RequiredText(input.Name, "name", 300);
        var description = v.OptionalText(input.Description, "description", 4000);
        var category = (input.Category ?? string.Empty).Split(['>', '/', '|', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (category.Length == 0)
        {
            v.Add("category", "is required, as a path such as \"Ferramentas > Elétricas > Furadeiras\".");
        }
        else if (category.Length > 8 || category.Any(c => c.Length > 100 || Text.Slug(c).Length == 0))
        {
            v.Add("category", "must have 1 to 8 levels of at most 100 characters, each with a letter or digit.");
        }

        var brand = v.OptionalText(input.Brand, "brand", 100);
        var gtin = v.OptionalText(input.Gtin, "gtin", 14);
        if (gtin is not null && !IsGtin(gtin))
        {
            v.Add("gtin", "must be a GTIN of 8, 12, 13 or 14 digits with a valid check digit.");
        }

        var attributes = input.Attributes ?? new Dictionary<string, string>();
        v.Check(attributes.Count <= Product.MaxAttributes, "attributes", $"at most {Product.MaxAttributes} attributes.");
        foreach (var (key, value) in attributes)
        {
            v.Check(key.Length is > 0 and <= 100 && (value?.Length ?? 0) <= 1000, $"attributes.{key}", "names are 1 to 100 characters, values at most 1000.");
        }

        var related = (input.Related ?? []).Select(r => r.Trim()).Where(r => r.Length > 0 && r != sku).Distinct(StringComparer.Ordinal).ToArray();
        v.Check(related.Length <= Product.MaxRelated, "related", $"at most {Product.MaxRelated} related products.");
        foreach (var bad in related.Where(r => !Ids.IsWellFormed(r)))
        {
            v.Add("related", $"'{bad}' is not a SKU.");
        }

        var baseUnit = v.RequiredText(input.BaseUnit, "baseUnit", 10)?.ToUpperInvariant();
        if (baseUnit is not null && !IsUnitCode(baseUnit))
        {
            v.Add("baseUnit", "must be 1 to 10 letters or digits, such as UN, KG or M.");
        }

        var units = new List<SaleUnit>();
        if (baseUnit is not null)
        {
            units.Add(new SaleUnit(baseUnit, 1));
        }

        foreach (var unit in input.SaleUnits ?? [])
        {
            var code = unit.Code?.Trim().ToUpperInvariant();
            if (!IsUnitCode(code))
            {
                v.Add("saleUnits", $"'{unit.Code}' is not a unit code (1 to 10 letters or digits).");
            }
            else if (unit.Factor <= 0 || decimal.Round(unit.Factor, 6) != unit.Factor)
            {
                v.Add("saleUnits", $"{code} must hold a positive number of base units (at most 6 decimals).");
            }
            else if (units.Any(u => u.Code == code))
            {
                if (code != baseUnit || unit.Factor != 1)
                {
                    v.Add("saleUnits", $"{code} is listed twice.");
                }
            }
            else
            {
                units.Add(new SaleUnit(code!, unit.Factor));
            }
        }

        v.Check(units.Count <= Product.MaxSaleUnits, "saleUnits", $"at most {Product.MaxSaleUnits} units.");
        v.ThrowIfInvalid();

        return new Product
        {
            SupplierId = supplierId,
            Sku = sku,
            Name = name!,
            Description = description,
            Category = category,
            Brand = brand,
            Gtin = gtin,
            Attributes = attributes.ToDictionary(a => a.Key.Trim(), a => a.Value?.Trim() ?? string.Empty, StringComparer.Ordinal),
            Status = input.Status ?? existing?.Status ?? ProductStatus.Active,
            Related = related,
            BaseUnit = baseUnit!,
            SaleUnits = units,
            Stock = existing?.Stock ?? new Dictionary<string, WarehouseStock>(),
            CreatedAt = existing?.CreatedAt ?? now,
            UpdatedAt = now,
        };
    }
}
