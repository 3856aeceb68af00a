using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

public sealed class CosmosStoreTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private static Organization NewOrg(string id) => new()
    {
        Id = id,
        Name = "Acme",
        Country = "BR",
        DefaultCurrency = "BRL",
        Capabilities = [Capability.Supplier],
        Members = [new Member("u1", "u1@acme.test", "U1", [Role.SupplierAdmin], DateTimeOffset.UtcNow)],
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task An_organization_round_trips_with_its_members_and_roles()
    {
        var store = fixture.Get<IOrganizationStore>();
        var id = SharedEmulators.Unique("org");

        var created = await store.CreateAsync(NewOrg(id), default);
        var read = await store.FindAsync(id, default);

        Assert.NotNull(read);
        Assert.Equal(created.ETag, read.ETag);
        Assert.Equal("Acme", read.Value.Name);
        Assert.Equal([Role.SupplierAdmin], read.Value.Members.Single().Roles);
    }

    [Fact]
    public async Task Reading_an_organization_that_does_not_exist_finds_nothing()
    {
        var store = fixture.Get<IOrganizationStore>();

        Assert.Null(await store.FindAsync(SharedEmulators.Unique("missing"), default));
    }

    [Fact]
    public async Task Creating_an_organization_with_a_taken_id_is_a_conflict()
    {
        var store = fixture.Get<IOrganizationStore>();
        var id = SharedEmulators.Unique("org");
        await store.CreateAsync(NewOrg(id), default);

        var e = await Assert.ThrowsAsync<DomainException>(() => store.CreateAsync(NewOrg(id), default));

        Assert.Equal(FailureKind.Conflict, e.Kind);
    }

    [Fact]
    public async Task A_replace_with_a_stale_etag_fails_and_keeps_the_newer_version()
    {
        var store = fixture.Get<IOrganizationStore>();
        var id = SharedEmulators.Unique("org");
        var v1 = await store.CreateAsync(NewOrg(id), default);
        await store.ReplaceAsync(v1.Value with { Name = "Acme 2" }, v1.ETag, default);

        var e = await Assert.ThrowsAsync<DomainException>(() => store.ReplaceAsync(v1.Value with { Name = "Acme 3" }, v1.ETag, default));

        Assert.Equal(FailureKind.PreconditionFailed, e.Kind);
        Assert.Equal("Acme 2", (await store.FindAsync(id, default))!.Value.Name);
    }

    [Fact]
    public async Task Reads_and_writes_are_counted_by_the_request_meter()
    {
        var store = fixture.Get<IOrganizationStore>();
        var id = SharedEmulators.Unique("org");

        using var measurement = CosmosRequestMeter.Start();
        await store.CreateAsync(NewOrg(id), default);
        await store.FindAsync(id, default);

        Assert.Equal(2, measurement.Requests);
        Assert.True(fixture.Get<CosmosRequestMeter>().Requests >= 2);
    }
}
