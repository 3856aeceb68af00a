using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Core.Tests.Pricing;

/// <summary>Cases a pricing manager would recognize, one rule at a time.</summary>
public sealed class PricingEngineTests
{
    [Fact]
    public void The_customers_own_list_beats_the_category_list_which_beats_the_general_list()
    {
        var book = new Book().Price("base", "PAR-1", "UN", 1.00m).Price("construcao", "PAR-1", "UN", 0.90m).Price("vip", "PAR-1", "UN", 0.80m).Price("construcao", "FUR-1", "UN", 400m).Price("base", "BRO-1", "UN", 50m);
        book.Lists.AddRange([
            new PriceList("construcao", "Construção", Book.Category("construction"), "BRL", null, null, 0),
            new PriceList("vip", "Construtora VIP", Book.Customer("construtora"), "BRL", null, null, 0),
        ]);

        var quote = book.Quote(("PAR-1", "UN", 10), ("FUR-1", "UN", 1), ("BRO-1", "UN", 1));

        Assert.Equal(["vip", "construcao", "base"], quote.Lines.Select(l => l.Source!.ListId));
        Assert.Equal([0.80m, 400m, 50m], quote.Lines.Select(l => l.ListUnitPrice!.Value));
    }

    [Fact]
    public void Between_lists_of_the_same_audience_priority_decides_and_expired_or_future_lists_do_not_count()
    {
        var book = new Book().Price("a", "PAR-1", "UN", 1.00m).Price("b", "PAR-1", "UN", 0.70m).Price("old", "PAR-1", "UN", 0.10m).Price("next", "PAR-1", "UN", 0.20m);
        book.Lists.AddRange([
            new PriceList("a", "A", Book.Category("construction"), "BRL", null, null, 5),
            new PriceList("b", "B", Book.Category("construction"), "BRL", null, null, 1),
            new PriceList("old", "Black Friday 2025", Book.Category("construction"), "BRL", null, Book.Now.AddDays(-300), 9),
            new PriceList("next", "Natal", Book.Category("construction"), "BRL", Book.Now.AddDays(20), null, 9),
        ]);

        Assert.Equal("a", book.Quote(("PAR-1", "UN", 1)).Lines[0].Source!.ListId);
        book.Settings = book.Settings with { Resolution = ListResolution.LowestPrice };
        Assert.Equal("b", book.Quote(("PAR-1", "UN", 1)).Lines[0].Source!.ListId);
    }

    [Fact]
    public void A_volume_tier_applies_from_its_minimum_and_the_quote_says_how_much_more_reaches_the_next()
    {
        var book = new Book().Price("base", "PAR-1", "CX", 10.00m).Price("base", "PAR-1", "CX", 9.50m, min: 10).Price("base", "PAR-1", "CX", 9.00m, min: 50);

        var line = book.Quote(("PAR-1", "CX", 12)).Lines[0];

        Assert.Equal((9.50m, 10m), (line.ListUnitPrice!.Value, line.Source!.TierMinQuantity));
        Assert.Equal(114.00m, line.LineTotal);
        Assert.Equal("Add 38 CX of PAR-1 to reach the next tier: 9 BRL per CX (5.3% less).", Assert.Single(line.Hints));
    }

    [Fact]
    public void A_unit_without_its_own_price_is_priced_from_the_base_unit()
    {
        var line = new Book().Price("base", "PAR-1", "UN", 0.25m).Quote(("PAR-1", "CX", 2)).Lines[0];

        Assert.Equal((3.00m, "UN"), (line.ListUnitPrice!.Value, line.Source!.EntryUnit));
        Assert.Equal(6.00m, line.LineTotal);
    }

    [Fact]
    public void A_price_in_another_currency_is_converted_and_rounded_or_else_it_is_price_on_request_never_a_wrong_number()
    {
        var book = new Book().Price("export", "PAR-1", "UN", 1.00m, currency: "BRL").Price("export", "FUR-1", "UN", 399.99m);
        book.Lists.Add(new PriceList("export", "Export", Book.Category("export"), "BRL", null, null, 0));
        var chile = new PricingCustomer("andes", "export", "USD");

        var noRate = book.Quote(chile, [], ("PAR-1", "UN", 3));
        book.Settings = book.Settings with { ExchangeRates = [new ExchangeRate("BRL", "USD", 0.1873m)] };
        var converted = book.Quote(chile, [], ("PAR-1", "UN", 3), ("FUR-1", "UN", 1));

        Assert.Equal(LineStatus.PriceOnRequest, noRate.Lines[0].Status);
        Assert.Equal(0, noRate.Total);
        Assert.Equal((0.19m, 0.1873m), (converted.Lines[0].ListUnitPrice!.Value, converted.Lines[0].Source!.ExchangeRate!.Value));
        Assert.Equal(74.92m, converted.Lines[1].ListUnitPrice);
        Assert.Equal("USD", converted.Currency);
    }

    [Fact]
    public void Combinable_discounts_multiply_and_an_exclusive_promotion_replaces_them()
    {
        var book = new Book().Price("base", "FUR-1", "UN", 100m).Price("base", "LUV-1", "UN", 10m);
        book.Discounts.AddRange([
            new DiscountRule("cat10", "Construction rate", Book.Category("construction"), ProductSet.None, 10, null, null, 1, Stacking.Combinable),
            new DiscountRule("bosch5", "Bosch partner", Book.Customer("construtora"), Book.Brands("Bosch"), 5, null, null, 2, Stacking.Combinable),
        ]);
        book.Promotions.Add(new Promotion("epi", "EPI week", [Audience.All], Book.Skus("LUV-1"), null, null, null, null, null, null, new Reward(RewardKind.PercentOff, Percent: 30), Stacking.Exclusive, 5));

        var quote = book.Quote(("FUR-1", "UN", 1), ("LUV-1", "UN", 10));

        Assert.Equal(85.50m, quote.Lines[0].NetUnitPrice);   // 100 × 0.95 × 0.90
        Assert.Equal(["bosch5", "cat10"], quote.Lines[0].Adjustments.Select(a => a.RuleId));
        Assert.Equal(7.00m, quote.Lines[1].NetUnitPrice);    // the exclusive 30% alone, not 30% and 10%
        Assert.Equal("epi", Assert.Single(quote.Lines[1].Adjustments).RuleId);
    }

    [Fact]
    public void A_coupon_promotion_needs_its_code_and_a_used_up_promotion_no_longer_applies()
    {
        var book = new Book().Price("base", "FUR-1", "UN", 100m);
        book.Promotions.Add(new Promotion("cupom", "Cupom OBRA20", [Audience.All], ProductSet.None, null, null, null, null, 2, "OBRA20", new Reward(RewardKind.AmountOff, Amount: 20), Stacking.Combinable, 0));

        var without = book.Quote(("FUR-1", "UN", 1));
        var with = book.Quote(Book.Builder, ["obra20"], ("FUR-1", "UN", 1));
        book.Uses["cupom"] = 2;
        var usedUp = book.Quote(Book.Builder, ["OBRA20"], ("FUR-1", "UN", 1));

        Assert.Equal((100m, 80m, 100m), (without.Total, with.Total, usedUp.Total));
    }

    [Fact]
    public void A_promotion_from_a_minimum_quantity_applies_only_from_it()
    {
        var book = new Book().Price("base", "PAR-1", "UN", 1m);
        book.Promotions.Add(new Promotion("caixa", "Leve a caixa", [Audience.All], Book.Skus("PAR-1"), 12, null, null, null, null, null, new Reward(RewardKind.PercentOff, Percent: 10), Stacking.Combinable, 0));

        Assert.Equal(11m, book.Quote(("PAR-1", "UN", 11)).Total);
        Assert.Equal(10.80m, book.Quote(("PAR-1", "CX", 1)).Total);
    }

    [Fact]
    public void A_fixed_price_promotion_sets_the_price_per_base_unit_whatever_the_unit_ordered()
    {
        var book = new Book().Price("base", "PAR-1", "UN", 1m);
        book.Discounts.Add(new DiscountRule("cat10", "Construction rate", Book.Category("construction"), ProductSet.None, 10, null, null, 1, Stacking.Combinable));
        book.Promotions.Add(new Promotion("fix", "Preço fixo", [Book.Customer("construtora")], Book.Skus("PAR-1"), null, null, null, null, null, null, new Reward(RewardKind.FixedPrice, FixedPrice: 0.75m), Stacking.Combinable, 0));

        var line = book.Quote(("PAR-1", "CX", 2)).Lines[0];

        Assert.Equal((12m, 9m, 18m), (line.ListUnitPrice!.Value, line.NetUnitPrice!.Value, line.LineTotal));
        Assert.Equal("fix", Assert.Single(line.Adjustments).RuleId);
    }

    [Fact]
    public void Buy_x_get_y_adds_free_goods_and_a_bundle_prices_its_parts_together()
    {
        var book = new Book().Price("base", "FUR-1", "UN", 400m).Price("base", "BRO-1", "UN", 100m).Price("base", "LUV-1", "UN", 10m);
        book.Promotions.AddRange([
            new Promotion("luvas", "Furadeira + luvas", [Audience.All], Book.Skus("FUR-1"), null, null, null, null, null, null, new Reward(RewardKind.BonusProduct, BonusSku: "LUV-1", BuyQuantity: 2, BonusQuantity: 1), Stacking.Combinable, 0),
            new Promotion("kit", "Kit furadeira + brocas", [Audience.All], ProductSet.None, null, null, null, null, null, null, new Reward(RewardKind.BundlePrice, BundleSkus: ["FUR-1", "BRO-1"], BundlePrice: 450m), Stacking.Combinable, 0),
        ]);

        var quote = book.Quote(("FUR-1", "UN", 5), ("BRO-1", "UN", 2));

        var bonus = quote.Lines.Single(l => l.Status == LineStatus.Bonus);
        Assert.Equal(("LUV-1", 2m, 0m), (bonus.Sku, bonus.Quantity, bonus.LineTotal));
        // Two kits save 2 × 50 = 100, shared 80/20 between the drill and the bits by their prices.
        Assert.Equal(2000m + 200m - 100m, quote.Total);
        Assert.Equal(80m, quote.Lines[0].ListTotal - quote.Lines[0].LineTotal);
        Assert.Equal(20m, quote.Lines[1].ListTotal - quote.Lines[1].LineTotal);
    }

    [Fact]
    public void An_order_volume_discount_applies_to_every_line_and_the_quote_tells_how_far_the_next_one_is()
    {
        var book = new Book().Price("base", "FUR-1", "UN", 400m).Price("base", "LUV-1", "UN", 10m);
        book.Volume.AddRange([
            new VolumeDiscount("v3", "Pedido grande", Audience.All, 1000m, null, 3, null, null),
            new VolumeDiscount("v5", "Pedido muito grande", Audience.All, 5000m, null, 5, null, null),
        ]);

        var quote = book.Quote(("FUR-1", "UN", 3), ("LUV-1", "UN", 10));

        Assert.Equal(1300m * 0.97m, quote.Total);
        Assert.All(quote.Lines, l => Assert.Equal("v3", l.Adjustments.Single().RuleId));
        Assert.Equal("Add 3700 BRL to your order to get 5% off (Pedido muito grande).", Assert.Single(quote.Hints));
    }

    [Fact]
    public void The_suppliers_cap_stops_stacked_discounts_at_the_maximum()
    {
        var book = new Book { Settings = PricingSettings.Default with { MaxTotalDiscountPercent = 25 } }.Price("base", "FUR-1", "UN", 100m);
        book.Discounts.Add(new DiscountRule("d20", "Rate", Audience.All, ProductSet.None, 20, null, null, 0, Stacking.Combinable));
        book.Promotions.Add(new Promotion("p15", "Promo", [Audience.All], ProductSet.None, null, null, null, null, null, null, new Reward(RewardKind.PercentOff, Percent: 15), Stacking.Combinable, 0));

        var line = book.Quote(("FUR-1", "UN", 1)).Lines[0];

        Assert.Equal(75m, line.NetUnitPrice);
        Assert.Equal("cap", line.Adjustments[^1].Kind);
    }

    [Fact]
    public void Quantity_rules_are_told_in_the_buyers_words()
    {
        var book = new Book().Price("base", "PAR-1", "UN", 1m);
        book.QuantityRules.AddRange([
            new QuantityRule("all", Audience.All, ProductSet.None, "UN", 1, null, 5000),
            new QuantityRule("par", Book.Category("construction"), Book.Skus("PAR-1"), "CX", 2, 1, null),
        ]);

        var issues = book.Quote(("PAR-1", "UN", 30)).Lines[0].Issues;
        var fine = book.Quote(("PAR-1", "CX", 3)).Lines[0].Issues;

        Assert.Contains("PAR-1 is sold to you in multiples of 12 UN (1 CX): order 36 UN (3 CX) or 24 UN (2 CX).", issues);
        Assert.DoesNotContain(issues, i => i.Contains("from", StringComparison.Ordinal));
        Assert.Empty(fine);
    }

    [Fact]
    public void Unknown_products_and_units_are_unavailable_with_the_reason_and_add_nothing_to_the_total()
    {
        var quote = new Book().Price("base", "PAR-1", "UN", 1m).Quote(("NOPE", "UN", 1), ("PAR-1", "KG", 1), ("LUV-1", "UN", 1));

        Assert.Equal([LineStatus.Unavailable, LineStatus.Unavailable, LineStatus.PriceOnRequest], quote.Lines.Select(l => l.Status));
        Assert.Contains("sold in UN, CX, PAL", quote.Lines[1].Issues[0], StringComparison.Ordinal);
        Assert.Equal(0, quote.Total);
    }

    [Fact]
    public void A_malformed_cart_is_refused_naming_each_line_and_field()
    {
        var e = Assert.Throws<DomainException>(() => PricingEngine.Price("acme", Book.Builder, new Book().Build(),
            new QuoteRequest([new CartLine(null, "UN", 1), new CartLine("PAR-1", "U N", -1)], null), Book.Now));

        Assert.Equal(["lines[0].sku", "lines[1].quantity", "lines[1].unit"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }
}
