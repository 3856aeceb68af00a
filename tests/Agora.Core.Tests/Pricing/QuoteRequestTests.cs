using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Core.Tests.Pricing;

public sealed class QuoteRequestTests
{
    [Fact]
    public async Task A_quote_tries_at_most_ten_coupon_codes_of_at_most_64_characters()
    {
        var given = await new Given().MarketplaceAsync();
        var pricing = given.PricingService;
        CartLine[] lines = [new("P0001", "UN", 1)];

        var many = await Assert.ThrowsAsync<DomainException>(() =>
            pricing.QuoteAsync(Given.Purchaser, "buyer", "supplier", new QuoteRequest(lines, Enumerable.Range(0, 11).Select(i => $"GUESS{i}").ToArray()), default));
        var long_ = await Assert.ThrowsAsync<DomainException>(() =>
            pricing.QuoteAsync(Given.Purchaser, "buyer", "supplier", new QuoteRequest(lines, ["OK", new string('X', 65)]), default));
        var stranger = await Assert.ThrowsAsync<DomainException>(() =>
            pricing.QuoteAsync(Given.Stranger, "buyer", "supplier", new QuoteRequest(lines, Enumerable.Range(0, 11).Select(i => $"GUESS{i}").ToArray()), default));

        Assert.Equal(["couponCodes"], many.Errors.Keys);
        Assert.Equal(["couponCodes[1]"], long_.Errors.Keys);
        Assert.Equal(FailureKind.NotFound, stranger.Kind); // authorization first
    }

    [Theory]
    [InlineData(1001, null, "priority")]
    [InlineData(-1001, null, "priority")]
    [InlineData(0, 1_000_001, "usageLimitPerCustomer")]
    [InlineData(0, 0, "usageLimitPerCustomer")]
    public async Task A_whole_number_outside_its_documented_range_is_refused_naming_it(int priority, int? usageLimit, string field)
    {
        var given = await new Given().MarketplaceAsync();
        var promotion = new PromotionInput("Promo", null, null, null, null, null, null, usageLimit, null, new Reward(RewardKind.PercentOff, Percent: 5), null, priority, null);

        var refused = await Assert.ThrowsAsync<DomainException>(() => given.PricingService.PutPromotionAsync(Given.Pricing, "supplier", "p1", promotion, ifMatch: null, default));

        Assert.Equal([field], refused.Errors.Keys);
    }
}
