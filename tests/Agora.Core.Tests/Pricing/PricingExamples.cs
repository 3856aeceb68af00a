using Agora.Core.Catalog;
using Agora.Core.Pricing;

namespace Agora.Core.Tests.Pricing;

/// <summary>A small supplier to price against: products, lists and rules are added per test.</summary>
internal sealed class Book
{
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    public static readonly PricingCustomer Builder = new("construtora", "construction", "BRL");

    public List<Product> Products { get; } =
    [
        Make("PAR-1", "Parafuso 1/4", "Fixação > Parafusos", "Vonder", ("CX", 12), ("PAL", 480)),
        Make("FUR-1", "Furadeira", "Ferramentas > Elétricas", "Bosch", ("CX", 4)),
        Make("BRO-1", "Jogo de Brocas", "Ferramentas > Acessórios", "Bosch"),
        Make("LUV-1", "Luva", "Segurança > EPI", "3M"),
    ];

    public List<PriceList> Lists { get; } = [];

    public List<PriceEntry> Entries { get; } = [];

    public List<DiscountRule> Discounts { get; } = [];

    public List<VolumeDiscount> Volume { get; } = [];

    public List<Promotion> Promotions { get; } = [];

    public List<QuantityRule> QuantityRules { get; } = [];

    public Dictionary<string, int> Uses { get; } = [];

    public PricingSettings Settings { get; set; } = PricingSettings.Default;

    public static Product Make(string sku, string name, string category, string brand, params (string Code, decimal Factor)[] units) =>
        ProductRules.Build("acme", sku, new ProductInput(name, null, category, brand, null, null, null, null, "UN", units.Select(u => new SaleUnit(u.Code, u.Factor)).ToArray()), null, Now);

    public Book Price(string list, string sku, string unit, decimal price, int min = 1, string currency = "BRL")
    {
        Entries.Add(new PriceEntry("acme", list, sku, unit, min, price, currency, Now));
        return this;
    }

    /// <summary>The supplier's default currency: what rules that name none are in.</summary>
    public string SupplierCurrency { get; set; } = "BRL";

    public PricingBook Build() => new(Settings, Lists, Entries, Discounts, Volume, Promotions, QuantityRules, Products.ToDictionary(p => p.Sku), Uses, SupplierCurrency);

    public Quote Quote(params (string Sku, string Unit, decimal Quantity)[] lines) => Quote(Builder, [], lines);

    public Quote Quote(PricingCustomer customer, string[] coupons, params (string Sku, string Unit, decimal Quantity)[] lines) =>
        PricingEngine.Price("acme", customer, Build(), new QuoteRequest(lines.Select(l => new CartLine(l.Sku, l.Unit, l.Quantity)).ToArray(), coupons), Now);

    public static Audience Category(string c) => new(AudienceKind.Category, c);

    public static Audience Customer(string b) => new(AudienceKind.Customer, b);

    public static ProductSet Skus(params string[] skus) => new(skus, [], []);

    public static ProductSet Brands(params string[] brands) => new([], brands.Select(Core.Common.Text.Slug).ToArray(), []);
}
