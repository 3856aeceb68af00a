using Agora.Core.Common;

namespace Agora.Core.Accounts;

/// <summary>A company on the platform with its staff. Members live inside the organization so that the organization,
/// its members and the invariant "each side keeps at least one admin" change together in one document write.</summary>
public sealed record Organization
{
    /// <summary>Staff per organization is bounded so the aggregate stays one document under Cosmos DB's 2 MB item limit
    /// (DESIGN.md section 5; the arithmetic is in decision 0014): a member with the longest fields is ~0.7 KB.</summary>
    public const int MaxMembers = 1000;

    /// <summary>A change that would make the document larger than this is refused (409), whatever the counts: names in
    /// scripts of three UTF-8 bytes, or escaped control characters, make fields larger than the caps assume. The rest up to
    /// 2 MB is kept for what the system adds on its own (the nightly expiry's notifications).</summary>
    public const int MaxDocumentBytes = 1_250_000;

    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>Tax registration (CNPJ, VAT number, EIN...), as the company writes it.</summary>
    public string? TaxId { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code.</summary>
    public required string Country { get; init; }

    public required string DefaultCurrency { get; init; }

    public required IReadOnlyList<Capability> Capabilities { get; init; }

    public required IReadOnlyList<Member> Members { get; init; }

    /// <summary>Pending invitations, and closed ones for <see cref="Invitation.KeptAfterClosing"/>.</summary>
    public IReadOnlyList<Invitation> Invitations { get; init; } = [];

    /// <summary>Notifications caused by changes to this organization and not yet handed to the queue. Written in the same
    /// document as the change, so a notification is never lost nor sent for a change that did not happen.</summary>
    public IReadOnlyList<Notifications.Notification> Outbox { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public bool IsSupplier => Capabilities.Contains(Capability.Supplier);

    public bool IsBuyer => Capabilities.Contains(Capability.Buyer);

    public Member? MemberOf(string userId) => Members.FirstOrDefault(m => m.UserId == userId);

    public Invitation? InvitationOf(string invitationId) => Invitations.FirstOrDefault(i => i.Id == invitationId);

    /// <summary>The invitation whose secret token is <paramref name="token"/> (only its hash is stored).</summary>
    public Invitation? InvitationWithToken(string token)
    {
        var hash = SecretTokens.Hash(token);
        return Invitations.FirstOrDefault(i => SecretTokens.SameHash(i.TokenHash, hash));
    }

    /// <summary>The sides this organization acts on whose admin role nobody holds; must stay empty.</summary>
    public IEnumerable<Capability> SidesWithoutAdmin() =>
        Capabilities.Where(side => !Members.Any(m => m.Has(Accounts.Roles.AdminOf(side))));

    public bool Allows(Role role) => Capabilities.Contains(Accounts.Roles.SideOf(role));
}

/// <summary>A person's roles in one organization.</summary>
public sealed record Member(string UserId, string? Email, string? Name, IReadOnlyList<Role> Roles, DateTimeOffset Since)
{
    public bool Has(Role role) => Roles.Contains(role);

    public bool HasAny(IEnumerable<Role> roles) => roles.Any(Roles.Contains);
}

/// <summary>The organizations a person belongs to, kept per user so a client can ask "where may I act?" in one read.
/// It is a copy written after the organization; the organization's own member list decides every permission.</summary>
public sealed record UserProfile(string UserId, string? Email, string? Name, IReadOnlyList<UserMembership> Memberships);

public sealed record UserMembership(string OrgId, string OrgName, IReadOnlyList<Role> Roles);

/// <summary>An offer to join an organization with given roles, sent by email and accepted by the person who signs in with
/// the invited address, verified by the identity provider, and presents the link's secret token. <see cref="Id"/> names the
/// invitation for admins (list, revoke) and is no secret; the token is, and only its SHA-256 (<see cref="TokenHash"/>) is
/// stored.</summary>
public sealed record Invitation(
    string Id,
    string Email,
    IReadOnlyList<Role> Roles,
    string InvitedBy,
    string? InvitedByEmail,
    string? InvitedByName,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    InvitationStatus Status,
    string? AcceptedBy = null,
    DateTimeOffset? ClosedAt = null,
    string? TokenHash = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>Closed invitations stay visible to admins this long, then are dropped from the document.</summary>
    public static readonly TimeSpan KeptAfterClosing = TimeSpan.FromDays(30);

    /// <summary>Pending invitations per organization (each ~1.3 KB with the longest fields, plus its email in the outbox
    /// until queued).</summary>
    public const int MaxPending = 100;

    /// <summary>Closed invitations kept, the most recent first: without it, inviting and revoking in a loop would grow the
    /// document for 30 days.</summary>
    public const int MaxClosedKept = 100;
}

public enum InvitationStatus
{
    Pending,
    Accepted,
    Revoked,
    Expired,
}
