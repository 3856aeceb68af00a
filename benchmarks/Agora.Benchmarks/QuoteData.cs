using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Pricing;

namespace Agora.Benchmarks;

/// <summary>A supplier's whole pricing, generated from a fixed seed for the <c>quote</c> benchmark: 100,000 products,
/// 5,000 price lists with their entries, discount rates, promotions, volume discounts and quantity rules, and a 500-line
/// cart for one customer. What a quote reads of it goes through <see cref="QuoteStores"/>, which filter as the Cosmos
/// adapters do (rules by audience, entries by list and SKU).</summary>
internal sealed class QuoteData
{
    public const string SupplierId = "distribuidora-bench";
    public const string BuyerId = "construtora-bench";
    public const string CustomerCategory = "construction";
    public const int ProductCount = 100_000;
    public const int ListCount = 5_000;
    public const int CartLines = 500;

    /// <summary>The seed the figures in docs/performance.md were measured with.</summary>
    public const int Seed = 20261127;

    /// <summary>The time quotes are priced at: list and rule windows are placed around it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] TopCategories =
    [
        "Ferramentas", "Fixação", "Elétrica", "Hidráulica", "Construção", "Segurança", "Pintura", "Jardinagem",
        "Automotivo", "Limpeza", "Iluminação", "Máquinas",
    ];

    private static readonly decimal[] BoxFactors = [6, 10, 12, 20, 24, 50];

    private readonly Random random;
    private readonly List<PriceEntry> entries = [];

    public QuoteData(int seed)
    {
        random = new Random(seed);
        Products = MakeProducts();
        BasePrices = new decimal[Products.Count];
        Cart = MakeCart();
        MakeListsAndEntries();
        Entries = entries;
        MakeRules();
    }

    public PricingCustomer Customer { get; } = new(BuyerId, CustomerCategory, "BRL");

    public PricingSettings Settings { get; } = new(ListResolution.MostSpecific, 40,
    [
        new ExchangeRate("USD", "BRL", 5.4312m),
        new ExchangeRate("EUR", "BRL", 6.0125m),
        new ExchangeRate("BRL", "USD", 0.1841m),
    ]);

    public List<Product> Products { get; }

    /// <summary>Each product's price per base unit in the general list (0 for discontinued products).</summary>
    public decimal[] BasePrices { get; }

    public List<PriceList> Lists { get; } = [];

    public IReadOnlyList<PriceEntry> Entries { get; }

    public List<PricingRule> Rules { get; } = [];

    public Dictionary<string, int> PromotionUses { get; } = new(StringComparer.Ordinal);

    public QuoteRequest Cart { get; private set; }

    /// <summary>The SKUs of the cart's lines that are in the catalog, for rules to aim at.</summary>
    private List<int> CartProducts { get; } = [];

    private List<string> Coupons { get; } = [];

    public static string Sku(int i) => string.Create(CultureInfo.InvariantCulture, $"P{i:D6}");

    private static string Slug(string text) => Agora.Core.Common.Text.Slug(text);

    private decimal Money(double min, double max) => Math.Round((decimal)(min + (random.NextDouble() * (max - min))), 2);

    private bool Chance(double p) => random.NextDouble() < p;

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private List<Product> MakeProducts()
    {
        var products = new List<Product>(ProductCount);
        for (var i = 0; i < ProductCount; i++)
        {
            var top = TopCategories[random.Next(TopCategories.Length)];
            string[] category = [top, $"Linha {random.Next(1, 9)}", $"Grupo {random.Next(1, 6)}"];
            var baseUnit = random.Next(100) switch { < 90 => "UN", < 95 => "M", _ => "KG" };
            var units = new List<SaleUnit> { new(baseUnit, 1) };
            if (baseUnit == "UN" && Chance(0.7))
            {
                var box = BoxFactors[random.Next(BoxFactors.Length)];
                units.Add(new SaleUnit("CX", box));
                if (Chance(0.4))
                {
                    units.Add(new SaleUnit("PAL", box * (20 + (20 * random.Next(3)))));
                }
            }
            else if (baseUnit == "M")
            {
                units.Add(new SaleUnit("RL", 50));
            }
            else if (baseUnit == "KG")
            {
                units.Add(new SaleUnit("SC", 25));
            }

            products.Add(new Product
            {
                SupplierId = SupplierId,
                Sku = Sku(i),
                Name = $"Produto {i}",
                Category = category,
                Brand = $"Marca {random.Next(400)}",
                BaseUnit = baseUnit,
                SaleUnits = units,
                Status = Chance(0.02) ? ProductStatus.Discontinued : ProductStatus.Active,
                CreatedAt = Now,
                UpdatedAt = Now,
            });
        }

        return products;
    }

    /// <summary>500 lines: ~490 catalog SKUs (a few twice, in another unit), in UN, CX or PAL, quantities around the tiers,
    /// plus unknown SKUs, units the product is not sold in, and discontinued products.</summary>
    private QuoteRequest MakeCart()
    {
        var lines = new List<CartLine>(CartLines);
        var taken = new HashSet<int>();
        while (lines.Count < CartLines - 12)
        {
            var i = random.Next(ProductCount);
            if (Products[i].Status != ProductStatus.Active || !taken.Add(i))
            {
                continue;
            }

            CartProducts.Add(i);
            lines.Add(Line(Products[i]));
            if (lines.Count % 97 == 0 && Products[i].SaleUnits.Count > 1)
            {
                lines.Add(Line(Products[i])); // the same SKU again, maybe in another unit
            }
        }

        for (var k = 0; k < 3; k++)
        {
            lines.Add(new CartLine($"X{900000 + k}", "UN", 1)); // not in the catalog
        }

        for (var k = 0; lines.Count < CartLines - 3; k++)
        {
            var p = Products[CartProducts[k * 37]];
            lines.Add(new CartLine(p.Sku, "BD", 2)); // a unit it is not sold in
        }

        for (var i = 0; lines.Count < CartLines; i++)
        {
            if (Products[i].Status == ProductStatus.Discontinued)
            {
                lines.Add(new CartLine(Products[i].Sku, "UN", 5));
            }
        }

        // Shuffled so the odd lines are spread through the cart, as a buyer's paste would have them.
        var shuffled = lines.ToArray();
        random.Shuffle(shuffled);
        return new QuoteRequest(shuffled, Coupons);
    }

    private CartLine Line(Product p)
    {
        var unit = p.SaleUnits[random.Next(100) switch { < 55 => 0, < 90 => Math.Min(1, p.SaleUnits.Count - 1), _ => p.SaleUnits.Count - 1 }];
        var quantity = unit.Factor switch
        {
            1 => random.Next(4) == 0 ? Pick(new decimal[] { 10, 12, 50, 100, 120, 500 }) : random.Next(1, 300),
            < 100 => random.Next(1, 60),
            _ => random.Next(1, 3),
        };
        if (p.BaseUnit == "KG" && unit.Factor == 1 && Chance(0.5))
        {
            quantity += 0.25m; // weighed goods
        }

        return new CartLine(p.Sku, Chance(0.05) ? unit.Code.ToLowerInvariant() : unit.Code, quantity);
    }

    /// <summary>Tiers for one product in one unit: 1 to 3 entries, each cheaper from a higher minimum.</summary>
    private void Tiers(string listId, Product p, string unit, decimal price, string currency, int maxTiers = 3)
    {
        var tiers = random.Next(1, maxTiers + 1);
        int[] minimums = unit == p.BaseUnit ? [1, 10 * random.Next(1, 6), 100 * random.Next(1, 6)] : [1, 5 * random.Next(1, 4), 50];
        for (var t = 0; t < tiers; t++)
        {
            entries.Add(new PriceEntry(SupplierId, listId, p.Sku, unit, minimums[t], Math.Round(price * (1 - (0.04m * t)), 2), currency, Now));
        }
    }

    private void AddList(string id, string name, Audience audience, string currency, DateTimeOffset? from, DateTimeOffset? to, int priority, bool active = true) =>
        Lists.Add(new PriceList(id, name, audience, currency, from, to, priority, active));

    /// <summary>Prices for the products picked by <paramref name="pick"/> in one list, at <paramref name="factor"/> times
    /// the general price, in the base unit and, for half of those sold in boxes, per box too.</summary>
    private void Fill(string listId, IEnumerable<int> pick, decimal factor, string currency = "BRL", decimal rate = 1, int maxTiers = 3)
    {
        foreach (var i in pick)
        {
            var p = Products[i];
            if (p.Status != ProductStatus.Active)
            {
                continue;
            }

            var price = Math.Max(0.01m, Math.Round(BasePrices[i] * factor * rate, 2));
            Tiers(listId, p, p.BaseUnit, price, currency, maxTiers);
            if (p.SaleUnits.Count > 1 && Chance(0.5))
            {
                Tiers(listId, p, p.SaleUnits[1].Code, Math.Round(price * p.SaleUnits[1].Factor * 0.97m, 2), currency, Math.Min(2, maxTiers));
            }
        }
    }

    private IEnumerable<int> Sample(int count, double fromCart)
    {
        for (var k = 0; k < count; k++)
        {
            yield return Chance(fromCart) ? Pick(CartProducts) : random.Next(ProductCount);
        }
    }

    /// <summary>5,000 lists: 3 general ones (the base list, a current campaign, an expired one), 50 category lists (two for
    /// this customer's category, one of them in USD), 4 for this customer (one with a current window, one expired, one
    /// inactive) and 4,943 for other customers. Entries: the general list prices every product; the others a part.</summary>
    private void MakeListsAndEntries()
    {
        for (var i = 0; i < Products.Count; i++)
        {
            BasePrices[i] = Products[i].Status == ProductStatus.Active ? Money(0.5, 2000) : 0;
        }

        AddList(PriceEntry.BaseList, "Tabela geral", Audience.All, "BRL", null, null, 0);
        Fill(PriceEntry.BaseList, Enumerable.Range(0, ProductCount), 1);
        AddList("natal-2026", "Natal 2026", Audience.All, "BRL", Now.AddDays(-10), Now.AddDays(30), 5);
        Fill("natal-2026", Sample(2_000, 0.05), 0.93m, maxTiers: 1);
        AddList("natal-2025", "Natal 2025", Audience.All, "BRL", Now.AddDays(-375), Now.AddDays(-330), 5);
        Fill("natal-2025", Sample(2_000, 0.05), 0.90m, maxTiers: 1);

        var construction = new Audience(AudienceKind.Category, CustomerCategory);
        AddList("cat-construction", "Construtoras", construction, "BRL", null, null, 0);
        var categoryTops = new[] { "Construção", "Fixação", "Hidráulica" };
        Fill("cat-construction", Enumerable.Range(0, ProductCount).Where(i => categoryTops.Contains(Products[i].Category[0]) && i % 2 == 0), 0.92m);
        AddList("cat-construction-import", "Construtoras, importados", construction, "USD", null, null, 1);
        var imported = Enumerable.Range(0, 20).Select(b => $"Marca {b * 19}").ToHashSet(StringComparer.Ordinal);
        Fill("cat-construction-import", Enumerable.Range(0, ProductCount).Where(i => imported.Contains(Products[i].Brand!)), 0.95m, "USD", 1 / 5.4312m);
        for (var c = 1; c <= 24; c++)
        {
            var audience = new Audience(AudienceKind.Category, $"categoria-{c}");
            AddList($"cat-{c}-a", $"Categoria {c}", audience, "BRL", null, null, 0);
            Fill($"cat-{c}-a", Sample(1_000, 0.2), 0.95m, maxTiers: 2);
            AddList($"cat-{c}-b", $"Categoria {c}, campanha", audience, c % 4 == 0 ? "USD" : "BRL", c % 3 == 0 ? Now.AddDays(-5) : null, c % 3 == 0 ? Now.AddDays(60) : null, 1);
            Fill($"cat-{c}-b", Sample(300, 0.2), c % 4 == 0 ? 0.95m / 5.4312m : 0.9m, c % 4 == 0 ? "USD" : "BRL", maxTiers: 1);
        }

        var self = new Audience(AudienceKind.Customer, BuyerId);
        AddList("vip-construtora", "Construtora VIP", self, "BRL", null, null, 2);
        Fill("vip-construtora", Sample(800, 0.15), 0.88m);
        AddList("contrato-2026", "Contrato 2026", self, "BRL", Now.AddDays(-330), Now.AddDays(35), 3);
        Fill("contrato-2026", Sample(300, 0.15), 0.86m);
        AddList("contrato-2025", "Contrato 2025", self, "BRL", Now.AddDays(-700), Now.AddDays(-330), 3);
        Fill("contrato-2025", Sample(300, 0.15), 0.80m);
        AddList("vip-suspensa", "VIP suspensa", self, "BRL", null, null, 4, active: false);
        Fill("vip-suspensa", Sample(100, 0.15), 0.70m);

        for (var n = 0; Lists.Count < ListCount; n++)
        {
            var other = new Audience(AudienceKind.Customer, $"cliente-{n:D4}");
            AddList($"cli-{n:D4}", $"Cliente {n}", other, n % 10 == 0 ? "USD" : "BRL", n % 7 == 0 ? Now.AddDays(-30) : null, n % 7 == 0 ? Now.AddDays(90) : null, n % 3);
            Fill($"cli-{n:D4}", Sample(20, 0.2), n % 10 == 0 ? 0.9m / 5.4312m : 0.9m, n % 10 == 0 ? "USD" : "BRL", maxTiers: 1);
        }
    }

    private ProductSet SkusOf(IEnumerable<int> products) => new(products.Select(i => Products[i].Sku).Distinct(StringComparer.Ordinal).ToArray(), [], []);

    private ProductSet Brands(int count) => new([], Enumerable.Range(0, count).Select(_ => Slug($"Marca {random.Next(400)}")).Distinct(StringComparer.Ordinal).ToArray(), []);

    private ProductSet Categories(int count) => new([], [], Enumerable.Range(0, count).Select(_ => random.Next(3) switch
    {
        0 => Slug(Pick(TopCategories)),
        1 => $"{Slug(Pick(TopCategories))}/linha-{random.Next(1, 9)}",
        _ => $"{Slug(Pick(TopCategories))}/linha-{random.Next(1, 9)}/grupo-{random.Next(1, 6)}",
    }).Distinct(StringComparer.Ordinal).ToArray());

    /// <summary>What a rule is about: a few SKUs (often in the cart), brands, categories, or every product.</summary>
    private ProductSet RuleProducts(double all, double skus, double brands)
    {
        var roll = random.NextDouble();
        return roll < all ? ProductSet.None
            : roll < all + skus ? SkusOf(Sample(random.Next(1, 30), 0.5))
            : roll < all + skus + brands ? Brands(random.Next(1, 4))
            : Categories(random.Next(1, 3));
    }

    private Audience CustomerAudience() => random.Next(10) switch
    {
        < 4 => Audience.All,
        < 7 => new Audience(AudienceKind.Category, CustomerCategory),
        _ => new Audience(AudienceKind.Customer, BuyerId),
    };

    private (DateTimeOffset? From, DateTimeOffset? To) ActiveWindow() => random.Next(4) switch
    {
        0 => (Now.AddDays(-random.Next(1, 60)), Now.AddDays(random.Next(1, 60))),
        1 => (Now.AddDays(-random.Next(1, 60)), null),
        _ => (null, null),
    };

    private (DateTimeOffset? From, DateTimeOffset? To) InactiveWindow() => Chance(0.5)
        ? (Now.AddDays(-200), Now.AddDays(-100))
        : (Now.AddDays(10), Now.AddDays(40));

    /// <summary>The rules this customer's audiences reach (all, its category, itself) and some that reach others only.</summary>
    private void MakeRules()
    {
        // ~100 discount rates: mostly combinable, a few exclusive on a brand or a few SKUs; 10 outside their window.
        for (var d = 0; d < 100; d++)
        {
            var exclusive = d % 8 == 0;
            var (from, to) = d % 10 == 9 ? InactiveWindow() : ActiveWindow();
            Rules.Add(new PricingRule(Discount: new DiscountRule($"desc-{d:D3}", $"Desconto {d}", CustomerAudience(),
                exclusive ? (Chance(0.5) ? Brands(1) : SkusOf(Sample(random.Next(1, 10), 0.5))) : RuleProducts(0.03, 0.35, 0.35),
                random.Next(1, 11), from, to, random.Next(10), exclusive ? Stacking.Exclusive : Stacking.Combinable)));
        }

        // 200 active promotions of every kind, and 20 outside their window.
        for (var p = 0; p < 220; p++)
        {
            var kind = p % 10;
            var sku = Pick(CartProducts);
            var (reward, products) = kind switch
            {
                0 or 1 or 2 => (new Reward(RewardKind.PercentOff, Percent: random.Next(3, 31)), RuleProducts(0.03, 0.4, 0.3)),
                3 or 4 => (new Reward(RewardKind.AmountOff, Amount: Money(0.1, 5)), RuleProducts(0, 0.6, 0.2)),
                5 => (new Reward(RewardKind.FixedPrice, FixedPrice: Math.Max(0.01m, Math.Round(BasePrices[sku] * 0.85m, 2))), SkusOf([sku])),
                6 or 7 => (new Reward(RewardKind.BonusProduct, BonusSku: Products[Chance(0.6) ? Pick(CartProducts) : random.Next(ProductCount)].Sku, BuyQuantity: random.Next(6, 25), BonusQuantity: random.Next(1, 3)),
                    Chance(0.6) ? SkusOf(Sample(random.Next(1, 5), 0.7)) : Brands(1)),
                8 => Bundle(),
                _ => (new Reward(RewardKind.PercentOff, Percent: random.Next(20, 51)), SkusOf(Sample(random.Next(1, 20), 0.4))), // clearance
            };
            var (from, to) = p >= 200 ? InactiveWindow() : ActiveWindow();
            var audiences = random.Next(10) switch
            {
                < 5 => [Audience.All],
                < 8 => new[] { new Audience(AudienceKind.Category, CustomerCategory), new Audience(AudienceKind.Category, $"categoria-{random.Next(1, 25)}") },
                _ => [new Audience(AudienceKind.Customer, BuyerId)],
            };
            string? coupon = p % 8 == 1 ? $"CUPOM{p}" : null;
            if (coupon is not null && Chance(0.4))
            {
                Coupons.Add(coupon.ToLowerInvariant());
            }

            int? limit = p % 11 == 2 ? random.Next(1, 4) : null;
            var id = $"promo-{p:D3}";
            if (limit is { } l && Chance(0.5))
            {
                PromotionUses[id] = l; // used up by this customer
            }

            Rules.Add(new PricingRule(Promotion: new Promotion(id, $"Promoção {p}", audiences, products,
                p % 5 == 1 ? random.Next(2, 50) : null, p % 7 == 3 ? random.Next(50, 2000) : null, from, to, limit, coupon, reward,
                p % 6 == 0 ? Stacking.Exclusive : Stacking.Combinable, random.Next(10), Clearance: kind == 9, Currency: "BRL")));
        }

        // 20 volume discounts: by order value, by quantity, or both.
        for (var v = 0; v < 20; v++)
        {
            var (from, to) = v % 7 == 6 ? InactiveWindow() : ActiveWindow();
            Rules.Add(new PricingRule(Volume: new VolumeDiscount($"volume-{v:D2}", $"Pedido {v}", CustomerAudience(),
                v % 4 != 1 ? 10_000m * random.Next(1, 200) : null, v % 4 >= 1 ? 1_000m * random.Next(1, 100) : null, random.Next(1, 7), from, to, "BRL")));
        }

        // 50 quantity rules in UN or CX on SKUs, brands, categories or everything.
        for (var q = 0; q < 50; q++)
        {
            var unit = q % 3 == 0 ? "CX" : "UN";
            Rules.Add(new PricingRule(Quantity: new QuantityRule($"qtd-{q:D2}", CustomerAudience(), RuleProducts(0.08, 0.4, 0.25), unit,
                q % 4 == 0 ? random.Next(1, 5) : null, q % 2 == 0 ? random.Next(1, 3) : null, q % 5 == 0 ? random.Next(500, 5000) : null)));
        }

        // Rules for other customers and categories: stored beside them, never read for this customer.
        for (var o = 0; o < 300; o++)
        {
            var audience = o % 2 == 0 ? new Audience(AudienceKind.Customer, $"cliente-{o:D4}") : new Audience(AudienceKind.Category, $"categoria-{(o % 24) + 1}");
            Rules.Add(o % 3 == 0
                ? new PricingRule(Discount: new DiscountRule($"outro-desc-{o}", "Outro", audience, RuleProducts(0.2, 0.4, 0.2), random.Next(1, 16), null, null, 0, Stacking.Combinable))
                : new PricingRule(Promotion: new Promotion($"outra-promo-{o}", "Outra", [audience], RuleProducts(0.1, 0.5, 0.2), null, null, null, null, null, null,
                    new Reward(RewardKind.PercentOff, Percent: 10), Stacking.Combinable, 0, Currency: "BRL")));
        }

        foreach (var list in Lists)
        {
            Rules.Add(new PricingRule(List: list));
        }

        Cart = Cart with { CouponCodes = Coupons };
    }

    private (Reward, ProductSet) Bundle()
    {
        var members = Enumerable.Range(0, random.Next(2, 4)).Select(_ => Chance(0.9) ? Pick(CartProducts) : random.Next(ProductCount)).Distinct().ToArray();
        if (members.Length < 2)
        {
            members = [members[0], Pick(CartProducts)];
        }

        var price = Math.Max(1m, Math.Round(members.Sum(i => BasePrices[i]) * 0.75m, 2));
        return (new Reward(RewardKind.BundlePrice, BundleSkus: members.Select(i => Products[i].Sku).Distinct(StringComparer.Ordinal).ToArray(), BundlePrice: price), ProductSet.None);
    }
}
