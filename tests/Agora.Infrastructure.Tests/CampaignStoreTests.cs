using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>Marketing's documents on the emulator (decision 0021): signals written only on the version read and found by
/// their inactivity date, idle carts by their last activity, many sends and sequence states read in one query per 1,000,
/// a run claimed by one sender at a time.</summary>
public sealed class CampaignStoreTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Signals_are_written_on_the_version_read_and_found_by_the_day_the_customer_became_inactive()
    {
        var store = fixture.Get<IMarketingStore>();
        var supplier = SharedEmulators.Unique("mk");
        foreach (var (buyer, days) in new[] { ("b1", 5), ("b2", 10), ("b3", 20) })
        {
            await store.SaveSignalsAsync(CustomerSignals.None(supplier, buyer).Counted($"o-{buyer}", At, 10, ["ferramentas"]) with { InactiveAt = At.AddDays(days) }, null, default);
        }

        var read = (await store.FindSignalsAsync(supplier, "b1", default))!;
        await store.SaveSignalsAsync(read.Value with { LastLoginAt = At }, read.ETag, default);
        var stale = await Assert.ThrowsAsync<DomainException>(() => store.SaveSignalsAsync(read.Value, read.ETag, default));
        Assert.True(stale.IsWriteConflict);
        Assert.True((await Assert.ThrowsAsync<DomainException>(() => store.SaveSignalsAsync(CustomerSignals.None(supplier, "b2"), null, default))).IsWriteConflict);

        var inactive = await store.InactiveAsync(supplier, At.AddDays(6), At.AddDays(15), default);
        Assert.Equal(["b2"], inactive.Select(s => s.BuyerId));
        Assert.Equal(["b1", "b3"], (await store.FindSignalsAsync(supplier, ["b1", "b3", "nobody"], default)).Select(s => s.BuyerId).Order());
        Assert.Equal(At, (await store.FindSignalsAsync(supplier, "b1", default))!.Value.LastLoginAt);
    }

    [Fact]
    public async Task Idle_carts_are_found_by_their_last_activity_and_a_removed_cart_is_gone()
    {
        var store = fixture.Get<IMarketingStore>();
        var supplier = SharedEmulators.Unique("mk");
        for (var i = 0; i < 4; i++)
        {
            await store.SaveCartSignalAsync(new CartSignal(supplier, $"b{i}", $"cart{i}", "u", "u@test.example", null, ["P-1"], 1, At.AddHours(-24 * i)), default);
        }

        await store.RemoveCartSignalAsync(supplier, "cart2", default);
        var idle = await store.IdleCartsAsync(supplier, At.AddDays(-10), At.AddHours(-12), default);
        Assert.Equal(["cart1", "cart3"], idle.Select(c => c.CartId).Order());
    }

    [Fact]
    public async Task Sends_of_1500_addresses_are_read_back_by_address_and_sequence_states_by_subject()
    {
        var store = fixture.Get<IMarketingStore>();
        var supplier = SharedEmulators.Unique("mk");
        var emails = Enumerable.Range(0, 1500).Select(i => $"p{i}@c.test").ToArray();
        await store.SaveSendsAsync(supplier, emails.Select(e => new RecipientSends(e, [new SentEmail($"d-{e}", "c1", At)])).ToArray(), default);
        var sends = await store.SendsAsync(supplier, [.. emails, "nobody@c.test"], default);
        Assert.Equal(1500, sends.Count);
        Assert.True(sends["p1499@c.test"].Has("d-p1499@c.test"));

        await store.SaveSequencesAsync(supplier, [new SequenceState("c1", "cart-a", At, [1], [], false), new SequenceState("c2", "cart-a", At, [2], [1], false)], default);
        var states = await store.SequencesAsync(supplier, "c1", ["cart-a", "cart-b"], default);
        Assert.Equal([1], Assert.Single(states).Value.Sent);
    }

    [Fact]
    public async Task A_run_is_claimed_by_one_sender_until_its_claim_lapses()
    {
        var store = fixture.Get<IMarketingStore>();
        var supplier = SharedEmulators.Unique("mk");
        var fresh = new CampaignRun { SupplierId = supplier, CampaignId = "c1", RunKey = "202612011200", StartedAt = At };
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.ClaimRunAsync(fresh, $"h{i}", At.AddMinutes(10), At, default)));
        Assert.Equal(1, claims.Count(c => c));
        Assert.False(await store.ClaimRunAsync(fresh, "late", At.AddMinutes(15), At.AddMinutes(5), default));
        Assert.True(await store.ClaimRunAsync(fresh, "late", At.AddMinutes(25), At.AddMinutes(11), default)); // the first sender died: its claim lapsed
        Assert.Equal("late", (await store.FindRunAsync(supplier, "c1", "202612011200", default))!.Holder);
    }
}
