using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Core.Tests;

public sealed class OrganizationServiceTests
{
    [Fact]
    public async Task The_creator_becomes_admin_of_each_side_the_organization_acts_on()
    {
        var given = new Given();

        var created = await given.Organizations.CreateAsync(Given.SupplierAdmin, new CreateOrganization("both", "Both Ltda", null, "br", "brl", [Capability.Buyer, Capability.Supplier]), default);

        Assert.Equal([Role.SupplierAdmin, Role.BuyerAdmin], created.Value.YourRoles);
        Assert.Equal("BR", created.Value.Country);
        Assert.Equal("BRL", created.Value.DefaultCurrency);
        var me = await given.Organizations.MeAsync(Given.SupplierAdmin, default);
        Assert.Equal("both", Assert.Single(me.Memberships).OrgId);
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_at_once()
    {
        var given = new Given();

        var e = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.CreateAsync(Given.SupplierAdmin, new CreateOrganization("bad id!", " ", null, "XX", "BRX", []), default));

        Assert.Equal(FailureKind.Validation, e.Kind);
        Assert.Equal(["capabilities", "country", "defaultCurrency", "id", "name"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_stranger_gets_not_found_and_a_member_without_the_role_gets_forbidden()
    {
        var given = await new Given().MarketplaceAsync();
        var org = await given.Organizations.GetAsync(Given.SupplierAdmin, "supplier", default);

        var stranger = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.GetAsync(Given.Stranger, "supplier", default));
        var warehouse = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.UpdateAsync(Given.Warehouse, "supplier", new UpdateOrganization("New", null, "BR", "BRL", [Capability.Supplier]), org.ETag, default));

        Assert.Equal(FailureKind.NotFound, stranger.Kind);
        Assert.Equal(FailureKind.Forbidden, warehouse.Kind);
    }

    [Fact]
    public async Task An_update_needs_the_current_etag()
    {
        var given = await new Given().MarketplaceAsync();
        var org = await given.Organizations.GetAsync(Given.SupplierAdmin, "supplier", default);
        var change = new UpdateOrganization("Supplier Renamed", null, "BR", "BRL", [Capability.Supplier]);
        await given.Organizations.UpdateAsync(Given.SupplierAdmin, "supplier", change, org.ETag, default);

        var stale = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.UpdateAsync(Given.SupplierAdmin, "supplier", change, org.ETag, default));
        var missing = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.UpdateAsync(Given.SupplierAdmin, "supplier", change, null, default));

        Assert.Equal(FailureKind.PreconditionFailed, stale.Kind);
        Assert.Equal(FailureKind.PreconditionRequired, missing.Kind);
    }

    [Fact]
    public async Task Adding_the_buyer_capability_makes_the_caller_buyer_admin_and_capabilities_cannot_be_removed()
    {
        var given = await new Given().MarketplaceAsync();
        var org = await given.Organizations.GetAsync(Given.SupplierAdmin, "supplier", default);

        var updated = await given.Organizations.UpdateAsync(Given.SupplierAdmin, "supplier", new UpdateOrganization("Supplier Ltda", null, "BR", "BRL", [Capability.Supplier, Capability.Buyer]), org.ETag, default);
        var removing = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.UpdateAsync(Given.SupplierAdmin, "supplier", new UpdateOrganization("Supplier Ltda", null, "BR", "BRL", [Capability.Buyer]), updated.ETag, default));

        Assert.Contains(Role.BuyerAdmin, updated.Value.YourRoles);
        Assert.Equal("capabilities", Assert.Single(removing.Errors).Key);
    }

    [Fact]
    public async Task Roles_of_a_side_the_organization_does_not_act_on_are_refused()
    {
        var given = await new Given().MarketplaceAsync();

        var e = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.SetMemberAsync(Given.SupplierAdmin, "supplier", "someone", new SetMember(null, null, [Role.Purchaser]), default));

        Assert.Contains("buyer role", Assert.Single(e.Errors["roles"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_admin_cannot_be_removed_nor_demoted()
    {
        var given = await new Given().MarketplaceAsync();

        var remove = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.RemoveMemberAsync(Given.SupplierAdmin, "supplier", Given.SupplierAdmin.UserId, default));
        var demote = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.SetMemberAsync(Given.SupplierAdmin, "supplier", Given.SupplierAdmin.UserId, new SetMember(null, null, [Role.SalesManager]), default));

        Assert.Equal(FailureKind.Conflict, remove.Kind);
        Assert.Equal(FailureKind.Conflict, demote.Kind);
    }

    [Fact]
    public async Task Only_admins_manage_members_but_anyone_may_leave()
    {
        var given = await new Given().MarketplaceAsync();

        var e = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.RemoveMemberAsync(Given.SalesManager, "supplier", Given.Warehouse.UserId, default));
        await given.Organizations.RemoveMemberAsync(Given.Warehouse, "supplier", Given.Warehouse.UserId, default);

        Assert.Equal(FailureKind.Forbidden, e.Kind);
        var members = await given.Organizations.ListMembersAsync(Given.SupplierAdmin, "supplier", default);
        Assert.DoesNotContain(members, m => m.UserId == Given.Warehouse.UserId);
        Assert.Empty((await given.Organizations.MeAsync(Given.Warehouse, default)).Memberships);
    }

    [Fact]
    public async Task A_supplier_admin_of_a_two_sided_company_changes_supplier_roles_and_keeps_buyer_roles()
    {
        var given = new Given();
        await given.Organizations.CreateAsync(Given.SupplierAdmin, new CreateOrganization("both", "Both", null, "BR", "BRL", [Capability.Supplier]), default);
        await given.Organizations.CreateAsync(Given.BuyerAdmin, new CreateOrganization("tmp", "Tmp", null, "BR", "BRL", [Capability.Buyer]), default);
        var org = await given.Organizations.GetAsync(Given.SupplierAdmin, "both", default);
        await given.Organizations.UpdateAsync(Given.SupplierAdmin, "both", new UpdateOrganization("Both", null, "BR", "BRL", [Capability.Supplier, Capability.Buyer]), org.ETag, default);
        await given.Organizations.SetMemberAsync(Given.SupplierAdmin, "both", "ana", new SetMember("ana@both.test", "Ana", [Role.Purchaser, Role.Warehouse]), default);
        await given.Organizations.SetMemberAsync(Given.SupplierAdmin, "both", "bia", new SetMember(null, null, [Role.SupplierAdmin]), default);

        // bia administers only the supplier side: she replaces ana's supplier roles, ana keeps Purchaser.
        var ana = await given.Organizations.SetMemberAsync(new Caller("bia", null, null), "both", "ana", new SetMember(null, null, [Role.SalesManager]), default);
        var buyerRole = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.SetMemberAsync(new Caller("bia", null, null), "both", "ana", new SetMember(null, null, [Role.Approver]), default));

        Assert.Equal([Role.SalesManager, Role.Purchaser], ana.Roles);
        Assert.Equal(FailureKind.Forbidden, buyerRole.Kind);
    }

    [Fact]
    public async Task A_member_change_that_meets_a_concurrent_write_is_decided_again_on_the_new_version()
    {
        var given = await new Given().MarketplaceAsync();
        given.Stores.ConcurrentWritesToSimulate = 2;

        var member = await given.Organizations.SetMemberAsync(Given.SupplierAdmin, "supplier", "new", new SetMember(null, null, [Role.Warehouse]), default);

        Assert.Equal([Role.Warehouse], member.Roles);
        Assert.Contains(await given.Organizations.ListMembersAsync(Given.SupplierAdmin, "supplier", default), m => m.UserId == "new");
    }

    [Fact]
    public async Task A_member_change_that_keeps_losing_races_gives_up_as_busy_with_retry_after_and_writes_nothing()
    {
        var given = await new Given().MarketplaceAsync();
        var writes = given.Stores.Writes;
        given.Stores.ConcurrentWritesToSimulate = Concurrency.MaxAttempts;

        var e = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.SetMemberAsync(Given.SupplierAdmin, "supplier", "new", new SetMember(null, null, [Role.Warehouse]), default));

        Assert.Equal(FailureKind.Conflict, e.Kind);
        Assert.Equal(Concurrency.RetryAfter, e.RetryAfter);
        Assert.DoesNotContain("ETag", e.Message, StringComparison.Ordinal); // the client sent none: "retry with the new ETag" would mislead
        Assert.Equal(writes, given.Stores.Writes);
        Assert.DoesNotContain(await given.Organizations.ListMembersAsync(Given.SupplierAdmin, "supplier", default), m => m.UserId == "new");
    }

    [Fact]
    public async Task A_business_conflict_inside_a_change_is_answered_at_once_not_retried()
    {
        var attempts = 0;

        var e = await Assert.ThrowsAsync<DomainException>(() => Concurrency.RetryAsync("Thing", _ =>
        {
            attempts++;
            throw DomainException.Conflict("Invitation 'x' is revoked, not pending.");
        }));

        Assert.Equal(1, attempts);
        Assert.Null(e.RetryAfter);
        Assert.Contains("revoked", e.Message, StringComparison.Ordinal);
    }
}
