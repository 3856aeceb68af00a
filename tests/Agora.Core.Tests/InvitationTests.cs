using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Notifications;

namespace Agora.Core.Tests;

public sealed class InvitationTests
{
    [Fact]
    public async Task An_invitation_is_queued_as_an_email_and_indexed_for_its_expiry_day()
    {
        var given = await new Given().MarketplaceAsync();

        var invitation = await given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation("New.Person@Buyer.test", [Role.Approver]), default);

        var sent = Assert.Single(given.Stores.Queued);
        Assert.Equal(NotificationKind.InvitationSent, sent.Kind);
        Assert.Equal("new.person@buyer.test", sent.To);
        Assert.Equal(invitation.Id, sent.Data["invitationId"]);
        Assert.Equal("2026-12-04", Assert.Single(given.Stores.DueEntries).Day);
        var org = await given.Stores.FindAsync("buyer", default);
        Assert.Empty(org!.Value.Outbox);
    }

    [Fact]
    public async Task When_the_queue_is_down_the_notification_stays_in_the_outbox_and_leaves_with_the_next_change()
    {
        var given = await new Given().MarketplaceAsync();
        given.Stores.QueueFails = true;

        await given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation("a@buyer.test", [Role.Viewer]), default);
        var afterFailure = (await given.Stores.FindAsync("buyer", default))!.Value.Outbox.Count;
        given.Stores.QueueFails = false;
        await given.Organizations.SetMemberAsync(Given.BuyerAdmin, "buyer", "v", new SetMember(null, null, [Role.Viewer]), default);

        Assert.Equal(1, afterFailure);
        Assert.Single(given.Stores.Queued);
        Assert.Empty((await given.Stores.FindAsync("buyer", default))!.Value.Outbox);
    }

    [Fact]
    public async Task Accepting_makes_the_caller_a_member_once_even_when_retried()
    {
        var given = await new Given().MarketplaceAsync();
        var invitation = await given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation("carla@buyer.test", [Role.Approver]), default);
        var carla = new Caller("carla", "carla@buyer.test", "Carla");

        var first = await given.Organizations.AcceptInvitationAsync(carla, "buyer", invitation.Id, default);
        var retry = await given.Organizations.AcceptInvitationAsync(carla, "buyer", invitation.Id, default);

        Assert.Equal([Role.Approver], first.Roles);
        Assert.Equal(first, retry);
        Assert.Equal(InvitationStatus.Accepted, (await given.Organizations.ListInvitationsAsync(Given.BuyerAdmin, "buyer", default)).Single().Status);
    }

    [Fact]
    public async Task An_invitation_cannot_be_accepted_with_another_email_after_expiry_or_when_unknown()
    {
        var given = await new Given().MarketplaceAsync();
        var invitation = await given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation("carla@buyer.test", [Role.Approver]), default);

        var wrongEmail = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.AcceptInvitationAsync(Given.Stranger, "buyer", invitation.Id, default));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.AcceptInvitationAsync(Given.Stranger, "buyer", "nope", default));
        given.Clock.Advance(Invitation.Lifetime + TimeSpan.FromSeconds(1));
        var expired = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.AcceptInvitationAsync(new Caller("carla", "carla@buyer.test", null), "buyer", invitation.Id, default));

        Assert.Equal(FailureKind.Forbidden, wrongEmail.Kind);
        Assert.Equal(FailureKind.NotFound, unknown.Kind);
        Assert.Equal(FailureKind.Conflict, expired.Kind);
    }

    [Fact]
    public async Task Only_the_admin_of_the_roles_side_invites_and_members_are_not_invited_twice()
    {
        var given = await new Given().MarketplaceAsync();

        var purchaser = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.InviteAsync(Given.Purchaser, "buyer", new CreateInvitation("a@b.test", [Role.Viewer]), default));
        var member = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation(Given.Purchaser.Email, [Role.Viewer]), default));
        var badEmail = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation("not-an-email", [Role.Viewer]), default));

        Assert.Equal(FailureKind.Forbidden, purchaser.Kind);
        Assert.Equal(FailureKind.Conflict, member.Kind);
        Assert.True(badEmail.Errors.ContainsKey("email"));
    }

    [Fact]
    public async Task The_nightly_run_expires_due_invitations_tells_the_inviter_and_changes_nothing_when_run_again()
    {
        var given = await new Given().MarketplaceAsync();
        var invitation = await given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation("late@buyer.test", [Role.Viewer]), default);
        given.Stores.Queued.Clear();
        given.Clock.Advance(Invitation.Lifetime + TimeSpan.FromHours(1));
        var day = DueEntry.DayOf(invitation.ExpiresAt);

        var first = await given.Organizations.ExpireInvitationsAsync(day, default);
        var writes = given.Stores.Writes;
        var second = await given.Organizations.ExpireInvitationsAsync(day, default);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        Assert.Equal(writes, given.Stores.Writes);
        var told = Assert.Single(given.Stores.Queued);
        Assert.Equal(NotificationKind.InvitationExpired, told.Kind);
        Assert.Equal(Given.BuyerAdmin.Email, told.To);
        Assert.Equal(InvitationStatus.Expired, (await given.Organizations.ListInvitationsAsync(Given.BuyerAdmin, "buyer", default)).Single().Status);
    }

    [Fact]
    public async Task The_nightly_run_leaves_invitations_that_are_not_yet_due()
    {
        var given = await new Given().MarketplaceAsync();
        var invitation = await given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation("soon@buyer.test", [Role.Viewer]), default);
        given.Clock.Advance(Invitation.Lifetime - TimeSpan.FromHours(1));

        var expired = await given.Organizations.ExpireInvitationsAsync(DueEntry.DayOf(invitation.ExpiresAt), default);

        Assert.Equal(0, expired);
        Assert.Single(given.Stores.DueEntries);
    }
}
