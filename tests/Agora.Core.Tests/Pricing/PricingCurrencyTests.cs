using System.Text;
using System.Text.Json;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Pricing;

namespace Agora.Core.Tests.Pricing;

/// <summary>Money-valued rules in several currencies: converted by the supplier's rates into the quote's currency, or not
/// applied (and said why) when no rate exists; a missing currency is the supplier's default; every adjustment rounded.</summary>
public sealed class PricingCurrencyTests
{
    private static readonly PricingCustomer Importer = new("andes", "export", "USD");

    /// <summary>A supplier whose default currency is BRL, with an export list in USD for <see cref="Importer"/>.</summary>
    private static Book ExportBook(bool withRate)
    {
        var book = new Book().Price("export", "FUR-1", "UN", 100m, currency: "USD").Price("export", "LUV-1", "UN", 10m, currency: "USD");
        book.Lists.Add(new PriceList("export", "Export", Book.Category("export"), "USD", null, null, 0));
        book.Settings = book.Settings with { ExchangeRates = withRate ? [new ExchangeRate("BRL", "USD", 0.1841m)] : [new ExchangeRate("USD", "BRL", 5.4312m)] };
        return book;
    }

    private static Promotion AmountOff(string id, decimal amount, string? currency, decimal? minValue = null) =>
        new(id, $"Promo {id}", [Audience.All], ProductSet.None, null, minValue, null, null, null, null, new Reward(RewardKind.AmountOff, Amount: amount), Stacking.Combinable, 0, Currency: currency);

    [Fact]
    public void A_BRL_amount_off_promotion_for_a_USD_buyer_is_converted_at_the_suppliers_rate()
    {
        var book = ExportBook(withRate: true);
        book.Promotions.Add(AmountOff("reais", 20m, "BRL"));

        var line = book.Quote(Importer, [], ("FUR-1", "UN", 2)).Lines[0];

        var adjustment = Assert.Single(line.Adjustments);
        Assert.Equal(3.68m, adjustment.AmountPerUnit); // 20 BRL × 0.1841 = 3.682 USD, not 20 USD
        Assert.Equal("Promo reais: 3.68 USD off per UN (20 BRL at 0.1841)", adjustment.Description);
        Assert.Equal((96.32m, 192.64m), (line.NetUnitPrice!.Value, line.LineTotal));
    }

    [Fact]
    public void Without_a_rate_a_promotion_in_another_currency_does_not_apply_and_the_quote_says_why()
    {
        var book = ExportBook(withRate: false);
        book.Promotions.AddRange([
            AmountOff("reais", 20m, "BRL"),
            AmountOff("dolares", 5m, "USD"),
            new Promotion("kit", "Kit", [Audience.All], ProductSet.None, null, null, null, null, null, null,
                new Reward(RewardKind.BundlePrice, BundleSkus: ["FUR-1", "LUV-1"], BundlePrice: 300m), Stacking.Combinable, 0, Currency: "BRL"),
        ]);

        var quote = book.Quote(Importer, [], ("FUR-1", "UN", 1), ("LUV-1", "UN", 1));

        Assert.Equal(["dolares"], quote.Lines[0].Adjustments.Select(a => a.RuleId));
        Assert.Equal(95m, quote.Lines[0].NetUnitPrice);
        Assert.Contains("Promo reais does not apply: it is in BRL, and the supplier has no exchange rate from BRL to USD.", quote.Lines[0].Hints);
        Assert.Contains("Kit does not apply: it is in BRL, and the supplier has no exchange rate from BRL to USD.", quote.Hints);
        Assert.Equal(110m - 10m, quote.Total);
    }

    [Fact]
    public void A_minimum_order_value_in_BRL_counts_for_a_USD_quote_at_the_rate_and_without_one_the_discount_does_not_apply()
    {
        var book = ExportBook(withRate: true);
        book.Volume.Add(new VolumeDiscount("grande", "Pedido grande", Audience.All, 1000m, null, 5, null, null, "BRL")); // 184.10 USD

        var below = book.Quote(Importer, [], ("FUR-1", "UN", 1), ("LUV-1", "UN", 8)); // 180 USD
        var above = book.Quote(Importer, [], ("FUR-1", "UN", 1), ("LUV-1", "UN", 9)); // 190 USD: reached (read as 1,000 USD, it was not)
        book.Settings = book.Settings with { ExchangeRates = [] };
        var noRate = book.Quote(Importer, [], ("FUR-1", "UN", 1), ("LUV-1", "UN", 9));

        Assert.Equal(180m, below.Total);
        Assert.Equal("Add 4.1 USD to your order to get 5% off (Pedido grande).", Assert.Single(below.Hints));
        Assert.Equal(190m * 0.95m, above.Total);
        Assert.Equal("Pedido grande: 5% on orders from 184.1 USD (1000 BRL at 0.1841)", above.Lines[0].Adjustments.Single().Description);
        Assert.Equal(190m, noRate.Total);
        Assert.Equal("Pedido grande does not apply: it is in BRL, and the supplier has no exchange rate from BRL to USD.", Assert.Single(noRate.Hints));
    }

    [Fact]
    public void A_promotions_minimum_value_is_compared_in_the_quotes_currency()
    {
        var book = ExportBook(withRate: true);
        book.Promotions.Add(AmountOff("min", 10m, "BRL", minValue: 500m)); // from 92.05 USD of the line

        var small = book.Quote(Importer, [], ("LUV-1", "UN", 9)).Lines[0];   // 90 USD
        var large = book.Quote(Importer, [], ("LUV-1", "UN", 10)).Lines[0];  // 100 USD

        Assert.Empty(small.Adjustments);
        Assert.Equal(1.84m, Assert.Single(large.Adjustments).AmountPerUnit);
    }

    [Fact]
    public void A_rule_that_names_no_currency_is_in_the_suppliers_default_currency()
    {
        var book = ExportBook(withRate: true);
        book.Promotions.Add(AmountOff("antiga", 20m, currency: null));

        var inReais = book.Quote(Importer, [], ("FUR-1", "UN", 1)).Lines[0];
        book.SupplierCurrency = "USD";
        var inDollars = book.Quote(Importer, [], ("FUR-1", "UN", 1)).Lines[0];

        Assert.Equal(3.68m, Assert.Single(inReais.Adjustments).AmountPerUnit);
        Assert.Equal(20m, Assert.Single(inDollars.Adjustments).AmountPerUnit);
    }

    [Fact]
    public void Every_adjustment_is_rounded_to_the_minor_unit_of_the_quotes_currency_and_the_net_is_the_list_less_them()
    {
        var book = new Book().Price("base", "FUR-1", "UN", 10m).Price("yen", "FUR-1", "UN", 1001m, currency: "JPY");
        book.Lists.Add(new PriceList("yen", "Japão", Book.Category("japan"), "JPY", null, null, 0));
        book.Discounts.Add(new DiscountRule("terco", "Um terço", Audience.All, ProductSet.None, 33.3333m, null, null, 0, Stacking.Combinable));
        book.Discounts.Add(new DiscountRule("sete", "Sete", Audience.All, ProductSet.None, 7, null, null, 1, Stacking.Combinable));

        var reais = book.Quote(("FUR-1", "UN", 3)).Lines[0];
        var yen = book.Quote(new PricingCustomer("tokyo", "japan", "JPY"), [], ("FUR-1", "UN", 3)).Lines[0];

        Assert.Equal([0.70m, 3.10m], reais.Adjustments.Select(a => a.AmountPerUnit)); // 10 → 9.30 → 6.2000031 (6.20)
        Assert.Equal(6.20m, reais.NetUnitPrice);
        Assert.Equal([70m, 310m], yen.Adjustments.Select(a => a.AmountPerUnit));     // 1001 → 930.93 (931) → 620.62 (621)
        Assert.Equal((621m, 1863m), (yen.NetUnitPrice!.Value, yen.LineTotal));
    }

    [Fact]
    public void A_stored_rule_written_before_rules_had_a_currency_still_reads_without_one()
    {
        const string Legacy = """
            {"promotion":{"id":"velha","name":"Velha","audiences":[{"kind":"all"}],"products":{"skus":[],"brands":[],"categories":[]},
             "reward":{"kind":"amountOff","amount":20},"stacking":"combinable","priority":0}}
            """;

        var rule = JsonSerializer.Deserialize<PricingRule>(Legacy, Json.Options)!;

        Assert.Null(rule.Promotion!.Currency);
        Assert.True(RuleCurrency.NamesNone(rule));
    }

    [Fact]
    public async Task A_quote_reads_the_suppliers_default_currency_for_a_stored_rule_without_one()
    {
        var given = await new Given().MarketplaceAsync();
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes("sku;nome;categoria;marca;unidade\nP0001;Produto 1;Ferramentas;Tramontina;UN\n"));
        await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account() with { Currency = "USD" }, default);
        var pricing = given.PricingService;
        await pricing.PutSettingsAsync(Given.Pricing, "supplier", new PricingSettingsInput(null, null, [new ExchangeRate("BRL", "USD", 0.2m)]), ifMatch: null, default);
        await new PriceEntryService(given.Stores, given.Stores, given.Access, given.Clock).PutAsync(Given.Pricing, "supplier", "base", "P0001", "UN", "1", new PriceInput(50m, "USD"), default);
        await ((IPricingStore)given.Stores).SaveAsync("supplier", new PricingRule(Promotion: AmountOff("antiga", 10m, currency: null)), ifMatch: null, default); // as stored before

        var quote = await pricing.QuoteAsync(Given.Purchaser, "buyer", "supplier", new QuoteRequest([new CartLine("P0001", "UN", 1)], null), default);

        Assert.Equal(("USD", 2.00m, 48m), (quote.Currency, quote.Lines[0].Adjustments.Single().AmountPerUnit, quote.Total)); // 10 BRL, the supplier's default
    }

    [Fact]
    public async Task Rules_and_prices_without_a_currency_are_saved_in_the_suppliers_default_currency()
    {
        var given = await new Given().MarketplaceAsync();
        await given.Organizations.CreateAsync(Given.SupplierAdmin, new CreateOrganization("dallas", "Dallas Supply", null, "US", "USD", [Capability.Supplier]), default);
        await given.ImportAsync("dallas", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes("sku;nome;categoria;marca;unidade\nP0001;Produto 1;Ferramentas;Tramontina;UN\nP0002;Produto 2;Ferramentas;Tramontina;UN\n"));
        var pricing = given.PricingService;
        var prices = new PriceEntryService(given.Stores, given.Stores, given.Access, given.Clock);
        var promotion = new PromotionInput("Promo", null, null, null, 100m, null, null, null, null, new Reward(RewardKind.AmountOff, Amount: 5), null, null, null);

        var saved = await pricing.PutPromotionAsync(Given.SupplierAdmin, "dallas", "p", promotion, ifMatch: null, default);
        var inReais = await pricing.PutPromotionAsync(Given.SupplierAdmin, "dallas", "r", promotion with { Currency = "brl" }, ifMatch: null, default);
        var volume = await pricing.PutVolumeDiscountAsync(Given.SupplierAdmin, "dallas", "v", new VolumeDiscountInput("Volume", null, 1000m, null, 5, null, null), ifMatch: null, default);
        var list = await pricing.PutListAsync(Given.SupplierAdmin, "dallas", "vip", new PriceListInput("VIP", null, null, null, null, null, null), ifMatch: null, default);
        var bad = await Assert.ThrowsAsync<DomainException>(() => pricing.PutPromotionAsync(Given.SupplierAdmin, "dallas", "x", promotion with { Currency = "REAL" }, ifMatch: null, default));
        var price = await prices.PutAsync(Given.SupplierAdmin, "dallas", "base", "P0001", "UN", "1", new PriceInput(9.99m, null), default);
        var job = await given.ImportAsync("dallas", ImportKind.Prices, "p.csv", Encoding.UTF8.GetBytes("sku,unit,price\nP0002,UN,7.5\nP0001,UN,1.0051\n"));

        Assert.Equal(("USD", "BRL", "USD", "USD"), (saved.Value.Promotion!.Currency, inReais.Value.Promotion!.Currency, volume.Value.Volume!.Currency, list.Value.List!.Currency));
        Assert.Equal(["currency"], bad.Errors.Keys);
        Assert.Equal("USD", price.Currency);
        Assert.Equal((1L, 1L), (job.Applied, job.Rejected));
        Assert.Equal("USD", given.Stores.Prices.Single(p => p.Sku == "P0002").Currency);
        Assert.Contains(job.Errors, e => e is { Line: 3, Column: "price" } && e.Reason.Contains("more decimals than USD allows", StringComparison.Ordinal));
    }
}
