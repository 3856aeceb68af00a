using Agora.Core.Catalog;
using Agora.Core.Pricing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Pricing;

/// <summary>What must hold for any book and cart: generated lists, tiers, discounts and promotions.</summary>
public sealed class PricingProperties
{
    private static readonly string[] Skus = ["PAR-1", "FUR-1", "BRO-1", "LUV-1"];

    /// <summary>A random book: base prices with tiers, some discount rates and promotions of every line kind, a cap;
    /// money-valued rules in the quote's currency, in none (the supplier's default), or in USD with or without a rate.</summary>
    private static Book RandomBook(int seed, bool withFixedPrices = true)
    {
        var random = new Random(seed);
        var book = new Book { Settings = PricingSettings.Default with { MaxTotalDiscountPercent = random.Next(2) == 0 ? 100 : random.Next(10, 90) } };
        if (random.Next(2) == 0)
        {
            book.Settings = book.Settings with { ExchangeRates = [new ExchangeRate("USD", "BRL", 5.4312m)] };
        }

        string? RuleCurrency() => random.Next(3) switch { 0 => "USD", 1 => null, _ => "BRL" };
        foreach (var sku in Skus)
        {
            var price = Math.Round((decimal)(random.NextDouble() * 500) + 0.01m, 2);
            book.Price("base", sku, "UN", price);
            book.Price("base", sku, "UN", Math.Round(price * 0.9m, 2), min: random.Next(2, 50));
        }

        for (var i = 0; i < random.Next(6); i++)
        {
            book.Discounts.Add(new DiscountRule($"d{i}", $"Rate {i}", random.Next(2) == 0 ? Audience.All : Book.Category("construction"),
                random.Next(2) == 0 ? ProductSet.None : Book.Skus(Skus[random.Next(Skus.Length)]), random.Next(1, 40), null, null, random.Next(5),
                random.Next(4) == 0 ? Stacking.Exclusive : Stacking.Combinable));
        }

        for (var i = 0; i < random.Next(6); i++)
        {
            var kind = random.Next(withFixedPrices ? 3 : 2);
            var reward = kind switch
            {
                0 => new Reward(RewardKind.PercentOff, Percent: random.Next(1, 60)),
                1 => new Reward(RewardKind.AmountOff, Amount: random.Next(1, 100)),
                _ => new Reward(RewardKind.FixedPrice, FixedPrice: random.Next(1, 100)),
            };
            book.Promotions.Add(new Promotion($"p{i}", $"Promo {i}", [Audience.All], random.Next(2) == 0 ? ProductSet.None : Book.Skus(Skus[random.Next(Skus.Length)]),
                random.Next(3) == 0 ? random.Next(1, 20) : null, random.Next(4) == 0 ? random.Next(1, 500) : null, null, null, null, null, reward,
                random.Next(4) == 0 ? Stacking.Exclusive : Stacking.Combinable, random.Next(5), Currency: RuleCurrency()));
        }

        if (random.Next(2) == 0)
        {
            book.Volume.Add(new VolumeDiscount("v", "Volume", Audience.All, random.Next(100, 5000), null, random.Next(1, 10), null, null, RuleCurrency()));
        }

        return book;
    }

    private static (string, string, decimal)[] RandomCart(int seed)
    {
        var random = new Random(seed ^ 0x5f3759df);
        // LUV-1 is sold in UN only.
        return Enumerable.Range(0, random.Next(1, 8))
            .Select(_ => Skus[random.Next(Skus.Length)])
            .Select(sku => (sku, sku != "LUV-1" && random.Next(3) == 0 ? "CX" : "UN", (decimal)random.Next(1, 200))).ToArray();
    }

    [Property(MaxTest = 300)]
    public bool Net_prices_are_never_negative_nor_above_list_without_a_fixed_price(int seed)
    {
        var quote = RandomBook(seed).Quote(RandomCart(seed));
        return quote.Lines.Where(l => l.Status == LineStatus.Priced).All(l =>
            l.NetUnitPrice >= 0 && (l.NetUnitPrice <= l.ListUnitPrice || l.Adjustments.Any(a => a.Description.Contains("per UN", StringComparison.Ordinal) && a.AmountPerUnit < 0)));
    }

    [Property(MaxTest = 300)]
    public bool Without_fixed_prices_no_net_price_is_above_list(int seed)
    {
        var quote = RandomBook(seed, withFixedPrices: false).Quote(RandomCart(seed));
        return quote.Lines.Where(l => l.Status == LineStatus.Priced).All(l => l.NetUnitPrice >= 0 && l.NetUnitPrice <= l.ListUnitPrice);
    }

    [Property(MaxTest = 300)]
    public bool Totals_are_the_sums_of_the_rounded_lines(int seed)
    {
        var quote = RandomBook(seed).Quote(RandomCart(seed));
        return quote.Total == quote.Lines.Sum(l => l.LineTotal)
            && quote.ListTotal == quote.Lines.Sum(l => l.ListTotal)
            && quote.DiscountTotal == quote.ListTotal - quote.Total
            && quote.Lines.All(l => l.LineTotal == decimal.Round(l.LineTotal, 2));
    }

    [Property(MaxTest = 300)]
    public bool Every_adjustment_is_in_cents_and_the_net_is_the_list_less_the_adjustments(int seed)
    {
        var quote = RandomBook(seed).Quote(RandomCart(seed));
        return quote.Lines.Where(l => l.Status == LineStatus.Priced).All(l =>
            l.Adjustments.All(a => a.AmountPerUnit == decimal.Round(a.AmountPerUnit, 2)) && l.NetUnitPrice == l.ListUnitPrice - l.Adjustments.Sum(a => a.AmountPerUnit));
    }

    [Property(MaxTest = 200)]
    public bool Rules_give_the_same_quote_in_any_order(int seed)
    {
        var book = RandomBook(seed);
        var cart = RandomCart(seed);
        var first = book.Quote(cart);
        var random = new Random(seed);
        book.Discounts.Sort((_, _) => random.Next(-1, 2));
        book.Promotions.Reverse();
        book.Entries.Reverse();
        var second = book.Quote(cart);
        return first.Total == second.Total && first.Lines.Select(l => l.NetUnitPrice).SequenceEqual(second.Lines.Select(l => l.NetUnitPrice));
    }

    [Property(MaxTest = 500)]
    public bool A_multiple_rule_agrees_with_unit_conversion(PositiveInt factor, PositiveInt multiple, PositiveInt quantity)
    {
        var boxSize = factor.Get % 50 + 1;
        var product = Book.Make("P", "P", "X", "B", ("CX", boxSize));
        var customer = Book.Builder;
        var inBoxes = new QuantityRule("r", Audience.All, ProductSet.None, "CX", null, multiple.Get % 10 + 1, null);
        var inUnits = inBoxes with { Unit = "UN", Multiple = inBoxes.Multiple * boxSize };
        var q = quantity.Get % 2000;
        var un = product.UnitOf("UN")!;
        var verdict = QuantityRules.Allows(product, un, q, [inBoxes], customer);
        return verdict == QuantityRules.Allows(product, un, q, [inUnits], customer)
            && verdict == (q % (inBoxes.Multiple!.Value * boxSize) == 0)
            && QuantityRules.Allows(product, product.UnitOf("CX")!, inBoxes.Multiple!.Value, [inBoxes], customer);
    }
}
