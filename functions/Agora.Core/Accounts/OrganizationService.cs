using Agora.Core.Common;
using Agora.Core.Notifications;

namespace Agora.Core.Accounts;

/// <summary>Organizations, their members and invitations: the use cases behind /api/orgs and /api/me.</summary>
public sealed class OrganizationService(
    IOrganizationStore organizations,
    IUserProfileStore profiles,
    IDueIndex due,
    DueWork dueWork,
    AccessControl access,
    OutboxDispatcher outbox,
    IEnumerable<ILoginObserver> logins,
    TimeProvider clock)
{

    public async Task<Versioned<OrganizationView>> CreateAsync(Caller caller, CreateOrganization input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        var id = input.Id is null ? Ids.New(clock) : input.Id.Trim().ToLowerInvariant();
        v.Check(Ids.IsWellFormed(id), "id", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        var name = v.RequiredText(input.Name, "name", 200);
        var taxId = v.OptionalText(input.TaxId, "taxId", 40);
        var country = OrganizationRules.Country(v, input.Country, "country");
        var currency = OrganizationRules.CurrencyCode(v, input.DefaultCurrency, "defaultCurrency");
        var capabilities = OrganizationRules.Capabilities(v, input.Capabilities, "capabilities");
        v.ThrowIfInvalid();

        var now = clock.GetUtcNow();
        var (founderEmail, founderName) = OrganizationRules.Profile(caller);
        var founder = new Member(caller.UserId, founderEmail, founderName, capabilities.Select(Roles.AdminOf).Order().ToArray(), now);
        var org = new Organization
        {
            Id = id,
            Name = name!,
            TaxId = taxId,
            Country = country!,
            DefaultCurrency = currency!,
            Capabilities = capabilities,
            Members = [founder],
            CreatedAt = now,
            UpdatedAt = now,
        };
        var created = await organizations.CreateAsync(org, cancellationToken).ConfigureAwait(false);
        await CopyMembershipAsync(created.Value, founder, cancellationToken).ConfigureAwait(false);
        return new Versioned<OrganizationView>(OrganizationView.Of(created.Value, founder), created.ETag);
    }

    public async Task<Versioned<OrganizationView>> GetAsync(Caller caller, string orgId, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        return new Versioned<OrganizationView>(OrganizationView.Of(you.Org, you.Member), you.Organization.ETag);
    }

    public async Task<Versioned<OrganizationView>> UpdateAsync(Caller caller, string orgId, UpdateOrganization input, string? ifMatch, CancellationToken cancellationToken)
    {
        var you = (await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false))
            .Require("change the organization's profile", Role.SupplierAdmin, Role.BuyerAdmin);
        if (ifMatch is null)
        {
            throw DomainException.PreconditionRequired();
        }

        var v = new Validation();
        var name = v.RequiredText(input.Name, "name", 200);
        var taxId = v.OptionalText(input.TaxId, "taxId", 40);
        var country = OrganizationRules.Country(v, input.Country, "country");
        var currency = OrganizationRules.CurrencyCode(v, input.DefaultCurrency, "defaultCurrency");
        var capabilities = OrganizationRules.Capabilities(v, input.Capabilities, "capabilities");
        foreach (var dropped in you.Org.Capabilities.Except(capabilities))
        {
            v.Add("capabilities", $"'{dropped}' cannot be removed: members, accounts and orders depend on it.");
        }

        v.ThrowIfInvalid();

        // Whoever opens a new side of the business becomes its first admin.
        var members = you.Org.Members;
        var added = capabilities.Except(you.Org.Capabilities).ToArray();
        if (added.Length > 0)
        {
            members = members.Select(m => m.UserId == caller.UserId ? m with { Roles = m.Roles.Concat(added.Select(Roles.AdminOf)).Distinct().Order().ToArray() } : m).ToArray();
        }

        var changed = you.Org with
        {
            Name = name!,
            TaxId = taxId,
            Country = country!,
            DefaultCurrency = currency!,
            Capabilities = capabilities,
            Members = members,
            UpdatedAt = clock.GetUtcNow(),
        };
        var saved = await organizations.ReplaceAsync(changed, ifMatch, cancellationToken).ConfigureAwait(false);
        var yourself = saved.Value.MemberOf(caller.UserId)!;
        foreach (var member in saved.Value.Members.Where(m => added.Length > 0 || m.UserId == caller.UserId || you.Org.Name != saved.Value.Name))
        {
            await CopyMembershipAsync(saved.Value, member, cancellationToken).ConfigureAwait(false);
        }

        return new Versioned<OrganizationView>(OrganizationView.Of(saved.Value, yourself), saved.ETag);
    }

    public async Task<IReadOnlyList<Member>> ListMembersAsync(Caller caller, string orgId, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        return you.Org.Members.OrderBy(m => m.UserId, StringComparer.Ordinal).ToArray();
    }

    /// <summary>Adds a person with <paramref name="input"/>'s roles, or changes their roles on the sides the caller administers
    /// (roles on the other side are kept).</summary>
    public async Task<Member> SetMemberAsync(Caller caller, string orgId, string userId, SetMember input, CancellationToken cancellationToken)
    {
        Member? result = null;
        var saved = await MutateAsync(caller, orgId, you =>
        {
            var v = new Validation();
            v.Check(Ids.IsWellFormed(userId), "userId", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
            var email = OrganizationRules.Email(v, input.Email, "email", required: false);
            var name = v.OptionalText(input.Name, "name", 200);
            var roles = OrganizationRules.Roles(v, input.Roles, you.Org, "roles");
            v.ThrowIfInvalid();

            var existing = you.Org.MemberOf(userId);
            OrganizationRules.RequireAdminOfSides(you, roles, "grant these roles");
            if (existing is null && you.Org.Members.Count >= Organization.MaxMembers)
            {
                throw DomainException.Conflict($"An organization has at most {Organization.MaxMembers} members.");
            }

            // Roles on sides the caller does not administer stay as they are.
            var kept = existing?.Roles.Where(r => !you.Has(Roles.AdminOf(Roles.SideOf(r)))) ?? [];
            var newRoles = kept.Concat(roles).Distinct().Order().ToArray();
            result = new Member(userId, email ?? existing?.Email, name ?? existing?.Name, newRoles, existing?.Since ?? clock.GetUtcNow());
            var members = you.Org.Members.Where(m => m.UserId != userId).Append(result).ToArray();
            var changed = you.Org with { Members = members, UpdatedAt = clock.GetUtcNow() };
            OrganizationRules.RequireAdmins(changed);
            OrganizationRules.RequireRoom(you.Org, changed);
            return changed;
        }, cancellationToken).ConfigureAwait(false);

        await CopyMembershipAsync(saved.Value, result!, cancellationToken).ConfigureAwait(false);
        return result!;
    }

    /// <summary>Removes a person. Admins remove anyone whose roles they administer; anyone may leave.</summary>
    public async Task RemoveMemberAsync(Caller caller, string orgId, string userId, CancellationToken cancellationToken)
    {
        Member? removed = null;
        var saved = await MutateAsync(caller, orgId, you =>
        {
            removed = you.Org.MemberOf(userId) ?? throw DomainException.NotFound("Member", userId);
            if (userId != caller.UserId)
            {
                OrganizationRules.RequireAdminOfSides(you, removed.Roles, "remove this member");
            }

            var changed = you.Org with { Members = you.Org.Members.Where(m => m.UserId != userId).ToArray(), UpdatedAt = clock.GetUtcNow() };
            OrganizationRules.RequireAdmins(changed);
            return changed;
        }, cancellationToken).ConfigureAwait(false);

        await profiles.SetMembershipAsync(userId, removed!.Email, removed.Name, saved.Value.Id, null, cancellationToken).ConfigureAwait(false);
    }

    public async Task<InvitationView> InviteAsync(Caller caller, string orgId, CreateInvitation input, CancellationToken cancellationToken)
    {
        Invitation? invitation = null;
        await MutateAsync(caller, orgId, you =>
        {
            you.Require("invite people", Role.SupplierAdmin, Role.BuyerAdmin);
            var v = new Validation();
            var email = OrganizationRules.Email(v, input.Email, "email", required: true);
            var roles = OrganizationRules.Roles(v, input.Roles, you.Org, "roles");
            v.ThrowIfInvalid();
            OrganizationRules.RequireAdminOfSides(you, roles, "invite people with these roles");

            var now = clock.GetUtcNow();
            var pending = you.Org.Invitations.Where(i => i.Status == InvitationStatus.Pending).ToArray();
            if (pending.Length >= Invitation.MaxPending)
            {
                throw DomainException.Conflict($"An organization has at most {Invitation.MaxPending} pending invitations; revoke some first.");
            }

            if (you.Org.Members.Any(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)))
            {
                throw DomainException.Conflict($"{email} is already a member of organization '{orgId}'.");
            }

            // Inviting the same address again replaces the pending invitation (new link, new expiry); the old link's email,
            // if still in the outbox, is not sent.
            var replaced = pending.Where(i => i.Email == email).Select(i => i with { Status = InvitationStatus.Revoked, ClosedAt = now }).ToArray();
            var token = SecretTokens.New();
            var (inviterEmail, inviterName) = OrganizationRules.Profile(caller);
            invitation = new Invitation(Ids.New(clock), email!, roles, caller.UserId, inviterEmail, inviterName, now, now + Invitation.Lifetime, InvitationStatus.Pending,
                TokenHash: SecretTokens.Hash(token));
            var invitations = Kept(you.Org.Invitations.Where(i => !(i.Status == InvitationStatus.Pending && i.Email == email)).Concat(replaced).Append(invitation), now);
            var notification = new Notification(
                InvitationEmailId(invitation.Id),
                NotificationKind.InvitationSent,
                invitation.Email,
                null,
                new Dictionary<string, string>
                {
                    ["orgId"] = you.Org.Id,
                    ["orgName"] = you.Org.Name,
                    ["invitationId"] = invitation.Id,

                    // The secret travels only in the email: this entry leaves the outbox as soon as it is queued, and the
                    // invitation keeps only the token's hash.
                    ["token"] = token,
                    ["inviterName"] = caller.DisplayName,
                    ["roles"] = string.Join(", ", roles),
                    ["expiresAt"] = invitation.ExpiresAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                },
                now);
            var outboxKept = you.Org.Outbox.Where(n => !replaced.Any(r => n.Id == InvitationEmailId(r.Id)));
            var changed = you.Org with { Invitations = invitations, Outbox = [.. outboxKept, notification], UpdatedAt = now };
            OrganizationRules.RequireRoom(you.Org, changed);
            return changed;
        }, cancellationToken).ConfigureAwait(false);

        // The index only tells the nightly timer where to look; if this write is lost, the invitation still cannot be accepted
        // after it expires (checked on accept), only the "expired" email to the inviter is not sent.
        await due.AddAsync(new DueEntry(DueEntry.DayOf(invitation!.ExpiresAt), invitation.Id, DueEntry.InvitationExpiry, orgId, invitation.ExpiresAt), cancellationToken).ConfigureAwait(false);
        return InvitationView.Of(orgId, invitation);
    }

    public async Task<IReadOnlyList<InvitationView>> ListInvitationsAsync(Caller caller, string orgId, CancellationToken cancellationToken)
    {
        var you = (await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false))
            .Require("see invitations", Role.SupplierAdmin, Role.BuyerAdmin);
        return you.Org.Invitations.OrderByDescending(i => i.CreatedAt).Select(i => InvitationView.Of(orgId, i)).ToArray();
    }

    public async Task RevokeInvitationAsync(Caller caller, string orgId, string invitationId, CancellationToken cancellationToken) =>
        await MutateAsync(caller, orgId, you =>
        {
            var invitation = you.Org.InvitationOf(invitationId) ?? throw DomainException.NotFound("Invitation", invitationId);
            OrganizationRules.RequireAdminOfSides(you, invitation.Roles, "revoke this invitation");
            if (invitation.Status != InvitationStatus.Pending)
            {
                throw DomainException.Conflict($"Invitation '{invitationId}' is {invitation.Status.ToString().ToLowerInvariant()}, not pending.");
            }

            var revoked = Close(you.Org, invitation with { Status = InvitationStatus.Revoked, ClosedAt = clock.GetUtcNow() });
            return revoked with { Outbox = revoked.Outbox.Where(n => n.Id != InvitationEmailId(invitation.Id)).ToArray() };
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Makes the caller a member with the invited roles. Two things are needed: the secret token of the email's link
    /// (only its hash is stored; an unknown token is 404, like an unknown organization), and a token from the identity
    /// provider whose verified email (<see cref="Caller.VerifiedEmail"/>) is the invited address (403 otherwise: whoever
    /// holds the token knows it is valid, and the person who signed in with another account learns what to do). No prior
    /// membership is needed.</summary>
    public async Task<Member> AcceptInvitationAsync(Caller caller, string orgId, InvitationAcceptance input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        var token = v.RequiredText(input.Token, "token", SecretTokens.MaxLength);
        v.ThrowIfInvalid();
        // Someone changed the organization meanwhile: decide again on the new version.
        return await Concurrency.RetryAsync($"Organization '{orgId}'", async _ =>
        {
            var found = Ids.IsWellFormed(orgId) ? await organizations.FindAsync(orgId, cancellationToken).ConfigureAwait(false) : null;
            var invitation = found?.Value.InvitationWithToken(token!) ?? throw new DomainException(FailureKind.NotFound, "No invitation of this organization has this token; ask for a new one.");
            var org = found.Value;
            var now = clock.GetUtcNow();
            if (caller.VerifiedEmail is not { } email || !string.Equals(email, invitation.Email, StringComparison.OrdinalIgnoreCase))
            {
                throw DomainException.Forbidden(caller.VerifiedEmail is null
                    ? "Accepting an invitation needs a sign-in whose email address your identity provider has verified; sign in with the invited address."
                    : $"This invitation was sent to another email address than the one you signed in with ({caller.VerifiedEmail}).");
            }

            if (invitation.Status == InvitationStatus.Accepted && invitation.AcceptedBy == caller.UserId && org.MemberOf(caller.UserId) is { } already)
            {
                return already; // accepted before: answering the same is what a retried request expects
            }

            if (invitation.Status != InvitationStatus.Pending || invitation.ExpiresAt <= now)
            {
                throw DomainException.Conflict($"Invitation '{invitation.Id}' is {(invitation.Status == InvitationStatus.Pending ? "expired" : invitation.Status.ToString().ToLowerInvariant())}; ask for a new one.");
            }

            var existing = org.MemberOf(caller.UserId);
            if (existing is null && org.Members.Count >= Organization.MaxMembers)
            {
                throw DomainException.Conflict($"Organization '{org.Id}' has its maximum of {Organization.MaxMembers} members; ask an admin to make room.");
            }

            var member = new Member(
                caller.UserId,
                invitation.Email,
                OrganizationRules.Profile(caller).Name ?? existing?.Name,
                (existing?.Roles ?? []).Concat(invitation.Roles.Where(org.Allows)).Distinct().Order().ToArray(),
                existing?.Since ?? now);
            var changed = Close(org, invitation with { Status = InvitationStatus.Accepted, AcceptedBy = caller.UserId, ClosedAt = now }) with
            {
                Members = org.Members.Where(m => m.UserId != caller.UserId).Append(member).ToArray(),
            };
            OrganizationRules.RequireRoom(org, changed);
            var saved = await organizations.ReplaceAsync(changed, found.ETag, cancellationToken).ConfigureAwait(false);
            await CopyMembershipAsync(saved.Value, member, cancellationToken).ConfigureAwait(false);
            return member;
        }).ConfigureAwait(false);
    }

    /// <summary>Expires the invitations that fell due in the last days and tells each inviter; see <see cref="DueWork"/>.</summary>
    public Task<int> ExpireInvitationsAsync(CancellationToken cancellationToken) => dueWork.RunAsync(DueEntry.InvitationExpiry, ExpireAsync, cancellationToken);

    /// <summary>Expires the invitations indexed as due on <paramref name="day"/> whose time has come, and tells each inviter.
    /// Running it again changes nothing: expired invitations are skipped and their index entries are gone.</summary>
    public Task<int> ExpireInvitationsAsync(string day, CancellationToken cancellationToken) => dueWork.RunDayAsync(day, DueEntry.InvitationExpiry, ExpireAsync, cancellationToken);

    private Task ExpireAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        return Concurrency.RetryAsync($"Organization '{entry.OrgId}'", async _ =>
        {
            var found = await organizations.FindAsync(entry.OrgId, cancellationToken).ConfigureAwait(false);
            var invitation = found?.Value.InvitationOf(entry.Id);
            if (found is null || invitation is null || invitation.Status != InvitationStatus.Pending || invitation.ExpiresAt > now)
            {
                if (found is not null && found.Value.Outbox.Count > 0)
                {
                    await outbox.DispatchAsync(found, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            var org = found.Value;
            var changed = Close(org, invitation with { Status = InvitationStatus.Expired, ClosedAt = now });
            if (invitation.InvitedByEmail is not null)
            {
                changed = changed with
                {
                    Outbox =
                    [
                        .. changed.Outbox,
                        new Notification(
                            $"invitation-expired-{invitation.Id}",
                            NotificationKind.InvitationExpired,
                            invitation.InvitedByEmail,
                            invitation.InvitedByName,
                            new Dictionary<string, string> { ["orgId"] = org.Id, ["orgName"] = org.Name, ["inviteeEmail"] = invitation.Email },
                            now),
                    ],
                };
            }

            var saved = await organizations.ReplaceAsync(changed, found.ETag, cancellationToken).ConfigureAwait(false);
            await outbox.DispatchAsync(saved, cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>The caller's profile and memberships. Clients call it at sign-in, so it also tells the login observers
    /// (the customer timeline's "signed in" entry, marketing's last-login signal).</summary>
    public async Task<UserProfile> MeAsync(Caller caller, CancellationToken cancellationToken)
    {
        var profile = await profiles.FindAsync(caller.UserId, cancellationToken).ConfigureAwait(false)
            ?? new UserProfile(caller.UserId, caller.Email, caller.Name, []);
        foreach (var login in logins)
        {
            await login.SignedInAsync(profile, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        return profile;
    }

    private Organization Close(Organization org, Invitation closed)
    {
        var now = clock.GetUtcNow();
        return org with
        {
            Invitations = Kept(org.Invitations.Select(i => i.Id == closed.Id ? closed : i), now),
            UpdatedAt = now,
        };
    }

    /// <summary>Pending invitations, and the most recent <see cref="Invitation.MaxClosedKept"/> closed ones of the last
    /// <see cref="Invitation.KeptAfterClosing"/>.</summary>
    private static Invitation[] Kept(IEnumerable<Invitation> invitations, DateTimeOffset now)
    {
        var all = invitations.ToArray();
        var closed = all.Where(i => i.Status != InvitationStatus.Pending && (i.ClosedAt is null || now - i.ClosedAt < Invitation.KeptAfterClosing))
            .OrderByDescending(i => i.ClosedAt ?? i.CreatedAt).Take(Invitation.MaxClosedKept).ToHashSet();
        return all.Where(i => i.Status == InvitationStatus.Pending || closed.Contains(i)).ToArray();
    }

    private static string InvitationEmailId(string invitationId) => $"invitation-{invitationId}";

    /// <summary>Read, decide, write with the version read; when someone else wrote in between, decide again on their version.</summary>
    private Task<Versioned<Organization>> MutateAsync(Caller caller, string orgId, Func<OrgAccess, Organization> change, CancellationToken cancellationToken) =>
        Concurrency.RetryAsync($"Organization '{orgId}'", async _ =>
        {
            var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
            var saved = await organizations.ReplaceAsync(change(you), you.Organization.ETag, cancellationToken).ConfigureAwait(false);
            return await outbox.DispatchAsync(saved, cancellationToken).ConfigureAwait(false);
        });

    private Task CopyMembershipAsync(Organization org, Member member, CancellationToken cancellationToken) =>
        profiles.SetMembershipAsync(member.UserId, member.Email, member.Name, org.Id, new UserMembership(org.Id, org.Name, member.Roles), cancellationToken);
}
