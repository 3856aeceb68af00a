using Agora.Core.Pricing;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>Cosmos DB keeps numbers as doubles: a decimal past what a double reads back as must never be written.</summary>
public sealed class StoredNumberTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task A_price_past_what_the_store_round_trips_is_refused_before_it_is_written_and_readers_keep_working()
    {
        var store = fixture.Get<IPriceStore>();
        var supplier = SharedEmulators.Unique("sup");
        var good = new PriceEntry(supplier, "base", "FER-001", "UN", 1, 10.5m, "BRL", DateTimeOffset.UtcNow);
        await store.UpsertAsync(good, default);

        var write = await Record.ExceptionAsync(() => store.UpsertAsync(good with { Price = decimal.MaxValue }, default));
        var read = await store.FindManyAsync(supplier, [good.Key], default);

        Assert.IsType<InvalidOperationException>(write);
        Assert.Equal(10.5m, Assert.Single(read).Price);
    }

    [Fact]
    public async Task The_largest_number_the_api_accepts_round_trips_exactly()
    {
        var store = fixture.Get<IPriceStore>();
        var supplier = SharedEmulators.Unique("sup");
        var entry = new PriceEntry(supplier, "base", "FER-001", "UN", 1, 999_999_999_999.99m, "BRL", DateTimeOffset.UtcNow);

        await store.UpsertAsync(entry, default);

        Assert.Equal(entry.Price, Assert.Single(await store.FindManyAsync(supplier, [entry.Key], default)).Price);
    }
}
