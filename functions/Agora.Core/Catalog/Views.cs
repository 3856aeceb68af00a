namespace Agora.Core.Catalog;

/// <summary>Availability of a product for a buyer, in base units: in total and per warehouse.</summary>
public sealed record Availability(decimal Total, IReadOnlyList<WarehouseAvailability> Warehouses);

public sealed record WarehouseAvailability(string WarehouseId, string? Name, decimal Available);

/// <summary>A product as a buyer sees it: no stock counts or reservations, only what can be promised.</summary>
public sealed record BuyerProduct(
    string Sku,
    string Name,
    string? Description,
    IReadOnlyList<string> Category,
    string? Brand,
    string? Gtin,
    IReadOnlyDictionary<string, string> Attributes,
    IReadOnlyList<string> Related,
    string BaseUnit,
    IReadOnlyList<SaleUnit> SaleUnits,
    Availability Availability)
{
    /// <param name="related">The related SKUs the buyer may see (never <paramref name="p"/>'s own list unfiltered).</param>
    public static BuyerProduct Of(Product p, IReadOnlyList<Warehouse> warehouses, IReadOnlyList<string> related)
    {
        var names = warehouses.ToDictionary(w => w.Id, w => w.Name, StringComparer.Ordinal);
        var perWarehouse = p.Stock.OrderBy(s => s.Key, StringComparer.Ordinal)
            .Select(s => new WarehouseAvailability(s.Key, names.GetValueOrDefault(s.Key), s.Value.Available)).ToArray();
        return new BuyerProduct(p.Sku, p.Name, p.Description, p.Category, p.Brand, p.Gtin, p.Attributes, related, p.BaseUnit, p.SaleUnits,
            new Availability(p.Available, perWarehouse));
    }
}

/// <summary>A product as its supplier's staff see it, with stock per warehouse.</summary>
public sealed record SupplierProduct(Product Product, decimal Available)
{
    public static SupplierProduct Of(Product p) => new(p, p.Available);
}
