using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Inventory;

namespace Agora.Core.Tests.Catalog;

public sealed class CatalogRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static Product Make(string sku, string category, string? brand, ProductStatus status = ProductStatus.Active) =>
        ProductRules.Build("s", sku, new ProductInput(sku, null, category, brand, null, null, status, null, "UN", null), null, Now);

    private static ProductSet Set(string[]? skus = null, string[]? brands = null, string[]? categories = null) => new(skus ?? [], brands ?? [], categories ?? []);

    [Theory]
    [InlineData("7891000315507", true)]
    [InlineData("7891000315508", false)]
    [InlineData("96385074", true)]
    [InlineData("036000291452", true)]
    [InlineData("10036000291459", true)]
    [InlineData("789100031550", false)]
    [InlineData("78910003155A7", false)]
    public void A_gtin_needs_a_valid_gs1_check_digit(string gtin, bool valid) => Assert.Equal(valid, ProductRules.IsGtin(gtin));

    [Fact]
    public void Sale_units_start_with_the_base_unit_and_bad_ones_are_named()
    {
        var product = ProductRules.Build("s", "P1", new ProductInput("Parafuso", null, "Fixação > Parafusos", null, null, null, null, null, "un", [new SaleUnit("cx", 100), new SaleUnit("PAL", 48000)]), null, Now);
        var e = Assert.Throws<DomainException>(() =>
            ProductRules.Build("s", "P1", new ProductInput("Parafuso", null, "Fixação", null, null, null, null, null, "UN", [new SaleUnit("CX", 0), new SaleUnit("C X", 2)]), null, Now));

        Assert.Equal(["UN", "CX", "PAL"], product.SaleUnits.Select(u => u.Code));
        Assert.Equal(["fixacao", "fixacao/parafusos"], product.CategoryKeys);
        Assert.Equal(2, e.Errors["saleUnits"].Length);
    }

    [Fact]
    public void The_customer_rule_beats_the_category_rule_and_a_sku_beats_a_brand()
    {
        var bosch = Make("B1", "Ferramentas > Elétricas", "Bosch");
        var makita = Make("M1", "Ferramentas > Elétricas", "Makita");
        var glove = Make("G1", "Hospitalar", "Descarpack");
        var assortment = new Assortment(
            Customer: new AssortmentRule(Set(skus: ["M1"]), Set(brands: ["bosch"])),
            Category: new AssortmentRule(Set(categories: ["ferramentas"]), Set(brands: ["makita"])));

        Assert.False(assortment.Allows(bosch));  // the customer excludes Bosch
        Assert.True(assortment.Allows(makita));  // the customer includes M1 by SKU, over the category's Makita exclusion
        Assert.False(assortment.Allows(glove));  // the category rule includes only tools: the assortment is closed
    }

    [Fact]
    public void An_open_assortment_shows_every_active_product_and_never_a_discontinued_one()
    {
        Assert.True(Assortment.Everything.Allows(Make("A", "X", null)));
        Assert.False(Assortment.Everything.Allows(Make("D", "X", null, ProductStatus.Discontinued)));
    }

    [Fact]
    public void A_newer_count_applies_an_older_one_is_ignored_and_reservations_are_kept()
    {
        var product = Make("P", "X", null) with { Stock = new Dictionary<string, WarehouseStock> { ["sp"] = new(10, 4, Now) } };

        var (newer, applied) = StockLevels.Apply(product, [new StockCount("P", "sp", 25, Now.AddMinutes(1)), new StockCount("P", "rj", 3, Now)], Now);
        var (older, none) = StockLevels.Apply(newer, [new StockCount("P", "sp", 1, Now.AddSeconds(30))], Now);

        Assert.Equal(2, applied);
        Assert.Equal(new WarehouseStock(25, 4, Now.AddMinutes(1), LastReceiptAt: Now.AddMinutes(1)), newer.Stock["sp"]); // more on hand: a receipt
        Assert.Equal(21 + 3, newer.Available);
        Assert.Equal(0, none);
        Assert.Same(newer, older);
    }

    [Fact]
    public void A_newer_count_changes_on_hand_and_keeps_every_orders_hold()
    {
        var holds = new Dictionary<string, decimal> { ["o1"] = 3, ["o2"] = 1.5m };
        var product = Make("P", "X", null) with { Stock = new Dictionary<string, WarehouseStock> { ["sp"] = new(10, 5.5m, Now, holds) } };

        var (counted, applied) = StockLevels.Apply(product, [new StockCount("P", "sp", 4, Now.AddMinutes(1))], Now);
        var (same, _) = StockLevels.Apply(counted, [new StockCount("P", "sp", 4, Now.AddMinutes(2))], Now);

        Assert.Equal(1, applied);
        Assert.Equal(new WarehouseStock(4, 5.5m, Now.AddMinutes(1), holds, LastReceiptAt: Now), counted.Stock["sp"]); // aged from its last count
        Assert.Equal(0, counted.Stock["sp"].Available);
        Assert.Equal(new WarehouseStock(4, 5.5m, Now.AddMinutes(2), holds, LastReceiptAt: Now), same.Stock["sp"]);
    }

    [Fact]
    public void Availability_never_goes_below_zero_when_a_count_falls_under_the_reservations() =>
        Assert.Equal(0, new WarehouseStock(2, 5, Now).Available);
}
