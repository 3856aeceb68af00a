using Agora.Core.Catalog;
using Agora.Core.Inventory;

namespace Agora.Core.Tests.Inventory;

/// <summary>The documented rule of decision 0016b: a local warehouse that ships it all, else any one that does (in the
/// supplier's order), else a split largest first; never an inactive or unlisted warehouse.</summary>
public sealed class WarehouseChoiceTests
{
    /// <summary>When the test products' stock was counted.</summary>
    internal static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    internal static readonly Warehouse Miami = new("mia", "Miami", "Miami", "US", true);
    internal static readonly Warehouse Campinas = new("cps", "Campinas", "Campinas", "BR", true);
    internal static readonly Warehouse SaoPaulo = new("sp", "São Paulo", "São Paulo", "BR", true);
    internal static readonly Warehouse Lisboa = new("lis", "Lisboa", "Lisboa", "PT", true);

    /// <summary>A product with <paramref name="available"/> per warehouse (on hand, nothing reserved).</summary>
    internal static Product Stocked(string sku, params (string Warehouse, decimal Available)[] available) =>
        ProductRules.Build("s", sku, new ProductInput(sku, null, "X", null, null, null, ProductStatus.Active, null, "UN", null), null, Now) with
        {
            Stock = available.ToDictionary(a => a.Warehouse, a => new WarehouseStock(a.Available, 0, Now), StringComparer.Ordinal),
        };

    private static (string, decimal)[] Plan(Product product, decimal quantity, string? country, params Warehouse[] warehouses) =>
        WarehouseChoice.Plan(product, quantity, warehouses, country).Select(a => (a.WarehouseId, a.Quantity)).ToArray();

    [Fact]
    public void The_first_warehouse_in_the_delivery_country_that_ships_the_whole_line_wins_over_earlier_foreign_ones()
    {
        var product = Stocked("P", ("mia", 100), ("cps", 5), ("sp", 50));

        Assert.Equal([("sp", 10m)], Plan(product, 10, "BR", Miami, Campinas, SaoPaulo));
        Assert.Equal([("sp", 10m)], Plan(product, 10, "br", Miami, Campinas, SaoPaulo));
        Assert.Equal([("cps", 5m)], Plan(product, 5, "BR", Miami, Campinas, SaoPaulo));
    }

    [Fact]
    public void Without_a_local_warehouse_that_ships_it_all_one_foreign_shipment_beats_a_local_split()
    {
        var product = Stocked("P", ("cps", 6), ("sp", 6), ("lis", 20), ("mia", 30));

        Assert.Equal([("lis", 10m)], Plan(product, 10, "BR", Campinas, SaoPaulo, Lisboa, Miami));
        Assert.Equal([("mia", 25m)], Plan(product, 25, "BR", Campinas, SaoPaulo, Lisboa, Miami));
    }

    [Fact]
    public void Without_a_delivery_country_the_first_listed_warehouse_that_ships_it_all_wins()
    {
        var product = Stocked("P", ("mia", 3), ("cps", 40), ("sp", 90));

        Assert.Equal([("cps", 10m)], Plan(product, 10, null, Miami, Campinas, SaoPaulo));
        Assert.Equal([("sp", 10m)], Plan(product, 10, null, Miami, SaoPaulo, Campinas));
        Assert.Equal([("mia", 2.5m)], Plan(product, 2.5m, null, Miami, SaoPaulo, Campinas));
    }

    [Fact]
    public void A_line_no_warehouse_ships_alone_is_split_largest_first_ties_going_to_the_delivery_country_then_list_order()
    {
        var product = Stocked("P", ("mia", 4), ("lis", 4), ("cps", 4), ("sp", 7));

        Assert.Equal([("sp", 7m), ("cps", 4m), ("mia", 1m)], Plan(product, 12, "BR", Miami, Lisboa, Campinas, SaoPaulo));
        Assert.Equal([("sp", 7m), ("mia", 4m), ("lis", 1m)], Plan(product, 12, null, Miami, Lisboa, Campinas, SaoPaulo));
        Assert.Equal([("sp", 7m), ("lis", 4m), ("mia", 1m)], Plan(product, 12, "PT", Miami, Lisboa, Campinas, SaoPaulo));
    }

    [Fact]
    public void What_no_warehouse_has_is_left_out_of_the_plan_and_nothing_available_plans_nothing()
    {
        var product = Stocked("P", ("sp", 3), ("cps", 0.5m));

        Assert.Equal([("sp", 3m), ("cps", 0.5m)], Plan(product, 10, "BR", Campinas, SaoPaulo));
        Assert.Empty(Plan(Stocked("E"), 1, "BR", Campinas, SaoPaulo));
        Assert.Empty(Plan(product, 0, "BR", Campinas, SaoPaulo));
    }

    [Fact]
    public void Inactive_unlisted_and_overdrawn_warehouses_are_never_used()
    {
        var product = Stocked("P", ("sp", 100), ("cps", 2), ("ghost", 500));
        product = product with
        {
            Stock = new Dictionary<string, WarehouseStock>(product.Stock) { ["mia"] = new WarehouseStock(3, 8, Now) },
        };

        Assert.Equal([("cps", 2m)], Plan(product, 10, "BR", SaoPaulo with { Active = false }, Campinas, Miami));
        Assert.Empty(Plan(product, 1, "US", Miami, SaoPaulo with { Active = false }));
    }

    [Fact]
    public void On_random_stock_a_plan_never_exceeds_what_a_warehouse_has_and_uses_as_few_warehouses_as_any_plan_could()
    {
        var random = new Random(20261127);
        Warehouse[] all = [Miami, Campinas, SaoPaulo, Lisboa, new("rj", "Rio", "Rio", "BR", false)];
        for (var round = 0; round < 500; round++)
        {
            var product = Stocked("P", all.Where(_ => random.Next(4) > 0).Select(w => (w.Id, (decimal)random.Next(0, 20) + random.Next(0, 4) * 0.25m)).ToArray());
            var listed = all.OrderBy(_ => random.Next()).ToArray();
            var quantity = random.Next(1, 60) + random.Next(0, 2) * 0.5m;
            var country = new[] { "BR", "US", null }[random.Next(3)];

            var plan = WarehouseChoice.Plan(product, quantity, listed, country);

            var available = listed.Where(w => w.Active).ToDictionary(w => w.Id, w => product.Stock.GetValueOrDefault(w.Id)?.Available ?? 0);
            Assert.All(plan, a => Assert.InRange(a.Quantity, 0.000001m, available[a.WarehouseId]));
            Assert.Equal(plan.Count, plan.Select(a => a.WarehouseId).Distinct().Count());
            Assert.Equal(Math.Min(quantity, available.Values.Sum()), plan.Sum(a => a.Quantity));
            var fewest = Enumerable.Range(1, available.Count).FirstOrDefault(k => available.Values.OrderDescending().Take(k).Sum() >= Math.Min(quantity, available.Values.Sum()));
            Assert.Equal(plan.Count == 0 ? 0 : fewest, plan.Count);
        }
    }
}
