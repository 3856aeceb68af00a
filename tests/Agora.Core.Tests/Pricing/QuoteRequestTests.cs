using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Core.Tests.Pricing;

public sealed class QuoteRequestTests
{
    [Fact]
    public async Task A_quote_tries_at_most_ten_coupon_codes_of_at_most_64_characters()
    {
        var given = await new Given().MarketplaceAsync();
        var pricing = new PricingService(given.Stores, given.Stores, given.Stores, new Given.NoAssortments(), given.Stores, given.Access, given.Clock, given.Stores);
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
}
