using Agora.Infrastructure.Cosmos;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>The idempotency record's lease against the real SDK and emulator: only the request that holds a key settles it.</summary>
public sealed class IdempotencyStoreTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task A_request_whose_key_was_taken_over_after_its_lease_can_neither_complete_nor_abandon_the_new_holders_claim()
    {
        var store = fixture.Get<CosmosIdempotencyStore>();
        var id = CosmosIdempotencyStore.IdOf("u1", "POST", "/api/orgs", SharedEmulators.Unique("key"));
        var started = DateTimeOffset.UtcNow;

        var crashed = await store.TryBeginAsync(id, "hash", started, default);
        var during = await store.TryBeginAsync(id, "hash", started + CosmosIdempotencyStore.Lease - TimeSpan.FromSeconds(1), default);
        var takeover = await store.TryBeginAsync(id, "hash", started + CosmosIdempotencyStore.Lease, default);
        var lateComplete = await store.CompleteAsync(id, crashed.Claim!, new StoredResponse("hash", true, 201, null, "late", null, started), default);
        await store.AbandonAsync(id, crashed.Claim!, default);
        var meanwhile = await store.TryBeginAsync(id, "hash", started + CosmosIdempotencyStore.Lease, default);
        var completed = await store.CompleteAsync(id, takeover.Claim!, new StoredResponse("hash", true, 201, null, "new", null, started), default);
        var replay = await store.TryBeginAsync(id, "hash", started + TimeSpan.FromHours(1), default);

        Assert.NotNull(crashed.Claim);
        Assert.Null(during.Claim);
        Assert.False(during.Earlier!.Completed);
        Assert.NotNull(takeover.Claim);
        Assert.False(lateComplete);
        Assert.Null(meanwhile.Claim); // the late abandon did not delete the new holder's claim
        Assert.True(completed);
        Assert.Equal("new", replay.Earlier!.Body);
    }

    [Fact]
    public async Task An_abandoned_key_is_free_for_the_retry()
    {
        var store = fixture.Get<CosmosIdempotencyStore>();
        var id = CosmosIdempotencyStore.IdOf("u1", "POST", "/api/orgs", SharedEmulators.Unique("key"));
        var now = DateTimeOffset.UtcNow;

        var first = await store.TryBeginAsync(id, "hash", now, default);
        await store.AbandonAsync(id, first.Claim!, default);
        var retry = await store.TryBeginAsync(id, "hash", now, default);

        Assert.NotNull(retry.Claim);
    }
}
