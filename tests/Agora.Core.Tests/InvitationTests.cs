using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Notifications;

namespace Agora.Core.Tests;

public sealed class InvitationTests(Xunit.Abstractions.ITestOutputHelper output)
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
        Assert.NotEqual(invitation.Id, sent.Data["token"]);
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
        var token = await InviteAsync(given, "carla@buyer.test", Role.Approver);
        var carla = new Caller("carla", "carla@buyer.test", "Carla", EmailVerified: true);

        var first = await given.Organizations.AcceptInvitationAsync(carla, "buyer", new InvitationAcceptance(token), default);
        var retry = await given.Organizations.AcceptInvitationAsync(carla, "buyer", new InvitationAcceptance(token), default);

        Assert.Equal([Role.Approver], first.Roles);
        Assert.Equal(first, retry);
        Assert.Equal(InvitationStatus.Accepted, (await given.Organizations.ListInvitationsAsync(Given.BuyerAdmin, "buyer", default)).Single().Status);
    }

    [Fact]
    public async Task An_invitation_cannot_be_accepted_with_another_email_after_expiry_or_when_unknown()
    {
        var given = await new Given().MarketplaceAsync();
        var token = await InviteAsync(given, "carla@buyer.test", Role.Approver);
        var carla = new Caller("carla", "carla@buyer.test", null, EmailVerified: true);

        var wrongEmail = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.AcceptInvitationAsync(Given.Stranger with { EmailVerified = true }, "buyer", new InvitationAcceptance(token), default));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.AcceptInvitationAsync(carla, "buyer", new InvitationAcceptance("nope"), default));
        given.Clock.Advance(Invitation.Lifetime + TimeSpan.FromSeconds(1));
        var expired = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.AcceptInvitationAsync(carla, "buyer", new InvitationAcceptance(token), default));

        Assert.Equal(FailureKind.Forbidden, wrongEmail.Kind);
        Assert.Equal(FailureKind.NotFound, unknown.Kind);
        Assert.Equal(FailureKind.Conflict, expired.Kind);
    }

    [Fact]
    public async Task The_invitation_id_is_not_the_secret_and_the_organization_stores_only_the_tokens_hash()
    {
        var given = await new Given().MarketplaceAsync();
        var token = await InviteAsync(given, "carla@buyer.test", Role.Approver);
        var carla = new Caller("carla", "carla@buyer.test", null, EmailVerified: true);
        var invitation = (await given.Organizations.ListInvitationsAsync(Given.BuyerAdmin, "buyer", default)).Single();
        var stored = System.Text.Json.JsonSerializer.Serialize((await given.Stores.FindAsync("buyer", default))!.Value, Json.Options);

        var byId = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.AcceptInvitationAsync(carla, "buyer", new InvitationAcceptance(invitation.Id), default));
        var noToken = await Assert.ThrowsAsync<DomainException>(() => given.Organizations.AcceptInvitationAsync(carla, "buyer", new InvitationAcceptance(null), default));

        Assert.Equal(FailureKind.NotFound, byId.Kind);
        Assert.True(noToken.Errors.ContainsKey("token"));
        Assert.True(token.Length >= 43, "at least 256 bits, base64url");
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.Contains(SecretTokens.Hash(token), stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_a_verified_email_that_is_the_invited_one_accepts()
    {
        var given = await new Given().MarketplaceAsync();
        var token = await InviteAsync(given, "carla@buyer.test", Role.Approver);

        var unverified = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.AcceptInvitationAsync(new Caller("carla", "carla@buyer.test", null), "buyer", new InvitationAcceptance(token), default));
        var noEmail = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.AcceptInvitationAsync(new Caller("carla", null, null), "buyer", new InvitationAcceptance(token), default));
        var verified = await given.Organizations.AcceptInvitationAsync(new Caller("carla", "Carla@Buyer.test", null, EmailVerified: true), "buyer", new InvitationAcceptance(token), default);

        Assert.Equal(FailureKind.Forbidden, unverified.Kind);
        Assert.Equal(FailureKind.Forbidden, noEmail.Kind);
        Assert.Equal("carla@buyer.test", verified.Email);
    }

    [Fact]
    public async Task Accepting_is_refused_when_the_organization_has_its_maximum_of_members()
    {
        var given = await new Given().MarketplaceAsync();
        var token = await InviteAsync(given, "carla@buyer.test", Role.Approver);
        for (var i = (await given.Organizations.ListMembersAsync(Given.BuyerAdmin, "buyer", default)).Count; i < Organization.MaxMembers; i++)
        {
            await given.Organizations.SetMemberAsync(Given.BuyerAdmin, "buyer", $"m{i}", new SetMember(null, null, [Role.Viewer]), default);
        }

        var full = await Assert.ThrowsAsync<DomainException>(() =>
            given.Organizations.AcceptInvitationAsync(new Caller("carla", "carla@buyer.test", null, EmailVerified: true), "buyer", new InvitationAcceptance(token), default));

        Assert.Equal(FailureKind.Conflict, full.Kind);
        Assert.Equal(Organization.MaxMembers, (await given.Organizations.ListMembersAsync(Given.BuyerAdmin, "buyer", default)).Count);
    }

    [Fact]
    public async Task Inviting_and_revoking_in_a_loop_keeps_a_bounded_history_and_sends_no_stale_link()
    {
        var given = await new Given().MarketplaceAsync();
        given.Stores.QueueFails = true;
        for (var i = 0; i < Invitation.MaxClosedKept + 50; i++)
        {
            await given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation("again@buyer.test", [Role.Viewer]), default);
        }

        var org = (await given.Stores.FindAsync("buyer", default))!.Value;

        Assert.Equal(Invitation.MaxClosedKept + 1, org.Invitations.Count);
        Assert.Single(org.Invitations, i => i.Status == InvitationStatus.Pending);
        Assert.Single(org.Outbox); // only the pending invitation's email: a replaced link is never sent
    }

    [Fact]
    public async Task An_organization_at_every_cap_with_the_longest_fields_fits_the_room_kept_under_2_MB()
    {
        var now = new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
        var email = new string('e', 240) + "@example.com";
        var name = new string('n', 200);
        Role[] roles = [Role.SupplierAdmin, Role.SalesManager, Role.PricingManager, Role.Warehouse, Role.BuyerAdmin, Role.Purchaser, Role.Approver, Role.Viewer];
        var members = Enumerable.Range(0, Organization.MaxMembers).Select(i => new Member($"{i:D6}".PadLeft(64, 'u'), email, name, roles, now)).ToArray();
        Invitation Invitation(int i, InvitationStatus status) => new(
            $"{i:D26}", email, roles, new string('u', 64), email, name, now, now, status, status == InvitationStatus.Accepted ? new string('a', 64) : null,
            status == InvitationStatus.Pending ? null : now, SecretTokens.Hash(SecretTokens.New()));
        var invitations = Enumerable.Range(0, Accounts.Invitation.MaxPending).Select(i => Invitation(i, InvitationStatus.Pending))
            .Concat(Enumerable.Range(0, Accounts.Invitation.MaxClosedKept).Select(i => Invitation(i, InvitationStatus.Accepted))).ToArray();
        var outbox = invitations.Take(Accounts.Invitation.MaxPending).Select(i => new Notification($"invitation-{i.Id}", NotificationKind.InvitationSent, email, null,
            new Dictionary<string, string> { ["orgId"] = new('o', 64), ["orgName"] = name, ["invitationId"] = i.Id, ["token"] = SecretTokens.New(), ["inviterName"] = name, ["roles"] = string.Join(", ", roles), ["expiresAt"] = now.ToString("O") },
            now)).ToArray();
        var org = new Organization
        {
            Id = new string('o', 64), Name = name, TaxId = new string('t', 40), Country = "BR", DefaultCurrency = "BRL", Capabilities = [Capability.Supplier, Capability.Buyer],
            Members = members, Invitations = invitations, Outbox = outbox, CreatedAt = now, UpdatedAt = now,
        };

        var size = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(org, Json.Options).Length;
        output.WriteLine($"{Organization.MaxMembers} members, {Accounts.Invitation.MaxPending} pending and {Accounts.Invitation.MaxClosedKept} closed invitations, {outbox.Length} emails in the outbox: {size} bytes");

        Assert.True(size <= Organization.MaxDocumentBytes, $"{size} bytes");
    }

    private static async Task<string> InviteAsync(Given given, string email, Role role)
    {
        given.Stores.Queued.Clear();
        await given.Organizations.InviteAsync(Given.BuyerAdmin, "buyer", new CreateInvitation(email, [role]), default);
        return Assert.Single(given.Stores.Queued).Data["token"];
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
