namespace Agora.Core.Accounts;

// What clients send. Every field is nullable so that a missing field is reported by validation with its name, instead of
// failing deserialization without one.

public sealed record CreateOrganization(string? Id, string? Name, string? TaxId, string? Country, string? DefaultCurrency, IReadOnlyList<Capability>? Capabilities);

public sealed record UpdateOrganization(string? Name, string? TaxId, string? Country, string? DefaultCurrency, IReadOnlyList<Capability>? Capabilities);

public sealed record SetMember(string? Email, string? Name, IReadOnlyList<Role>? Roles);

public sealed record CreateInvitation(string? Email, IReadOnlyList<Role>? Roles);

/// <summary>The secret token of an invitation email's link. It travels in the body, not the route, so that no access log
/// records it.</summary>
public sealed record InvitationAcceptance(string? Token);

public sealed record CustomerAccountInput(
    string? BuyerId,
    string? Category,
    string? Currency,
    IReadOnlyList<int>? PaymentTermsDays,
    string? Incoterm,
    string? DeliveryPlace,
    decimal? CreditLimit,
    string? SalesManagerId,
    string? ExternalCode,
    AccountStatus? Status);

// What clients get back.

public sealed record OrganizationView(
    string Id,
    string Name,
    string? TaxId,
    string Country,
    string DefaultCurrency,
    IReadOnlyList<Capability> Capabilities,
    IReadOnlyList<Role> YourRoles,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static OrganizationView Of(Organization o, Member you) =>
        new(o.Id, o.Name, o.TaxId, o.Country, o.DefaultCurrency, o.Capabilities, you.Roles, o.CreatedAt, o.UpdatedAt);
}

public sealed record InvitationView(
    string Id,
    string OrgId,
    string Email,
    IReadOnlyList<Role> Roles,
    string InvitedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    InvitationStatus Status,
    string? AcceptedBy,
    DateTimeOffset? ClosedAt)
{
    public static InvitationView Of(string orgId, Invitation i) =>
        new(i.Id, orgId, i.Email, i.Roles, i.InvitedBy, i.CreatedAt, i.ExpiresAt, i.Status, i.AcceptedBy, i.ClosedAt);
}
