using Agora.Core.Marketing;

namespace Agora.Core.Tests.Marketing;

public sealed class ClearanceTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoRelated = new Dictionary<string, IReadOnlyList<string>>();

    [Fact]
    public void Stock_idle_past_the_age_is_proposed_oldest_first_with_what_it_sells_with_and_a_discount_growing_with_its_age()
    {
        StockAge[] stock =
        [
            new("GLOVE", "sp", 40, Now.AddDays(-200), Now.AddDays(-300)), // 200 days without a sale
            new("DRILL", "sp", 5, Now.AddDays(-100), Now.AddDays(-95)),   // 95 idle: a receipt since the last sale
            new("BOLT", "sp", 900, Now.AddDays(-2), Now.AddDays(-400)),   // sells: not slow
            new("OLD", "rj", 0, null, Now.AddDays(-500)),                 // nothing on hand
            new("NEW", "rj", 12, null, Now.AddDays(-91)),                 // never sold
        ];
        var soldWith = new Dictionary<string, IReadOnlyDictionary<string, int>>
        {
            ["GLOVE"] = new Dictionary<string, int> { ["MASK"] = 12, ["BOOT"] = 30, ["GLOVE"] = 99 },
        };
        var related = new Dictionary<string, IReadOnlyList<string>> { ["GLOVE"] = ["HELMET", "BOOT"], ["DRILL"] = ["BIT"] };

        var proposals = Clearance.Propose(stock, Now, minDays: 90, baseDiscount: 10, maxDiscount: 30, soldWith, related);

        Assert.Equal(["GLOVE", "DRILL", "NEW"], proposals.Select(p => p.Sku));
        Assert.Equal(["BOOT", "MASK", "HELMET"], proposals[0].BundleWith); // orders first, then the catalog, never itself
        Assert.Equal(["BIT"], proposals[1].BundleWith);
        Assert.Empty(proposals[2].BundleWith);
        Assert.Equal([22.2m, 10.6m, 10.1m], proposals.Select(p => p.DiscountPercent)); // 10 + 20 × (idle − 90) / 180
        Assert.Contains("never sold from rj", proposals[2].Reason, StringComparison.Ordinal);
        Assert.Equal(30m, Clearance.Propose([new("X", "sp", 1, Now.AddDays(-900), null)], Now, 90, 10, 30, soldWith, NoRelated)[0].DiscountPercent);
    }
}
