using Agora.Core.Common;

namespace Agora.Core.Accounts;

/// <summary>What the caller is in one organization. Every use case that touches an organization's data starts here, so that
/// a stranger gets 404 (the organization's existence is not disclosed) and a member without the role gets 403.</summary>
public sealed record OrgAccess(Versioned<Organization> Organization, Member Member)
{
    public Organization Org => Organization.Value;

    public bool Has(Role role) => Member.Has(role);

    public bool HasAny(params IReadOnlyList<Role> roles) => Member.HasAny(roles);

    /// <summary>Throws 403 unless the caller holds one of <paramref name="roles"/>.</summary>
    public OrgAccess Require(string action, params IReadOnlyList<Role> roles)
    {
        if (!Member.HasAny(roles))
        {
            throw DomainException.Forbidden($"To {action} you need one of these roles in organization '{Org.Id}': {string.Join(", ", roles)}.");
        }

        return this;
    }
}

public sealed class AccessControl(IOrganizationStore organizations)
{
    /// <summary>The caller's membership of <paramref name="orgId"/>; 404 when the organization does not exist or the caller
    /// is not a member of it.</summary>
    public async Task<OrgAccess> MemberAsync(Caller caller, string orgId, CancellationToken cancellationToken)
    {
        var found = Ids.IsWellFormed(orgId) ? await organizations.FindAsync(orgId, cancellationToken).ConfigureAwait(false) : null;
        var member = found?.Value.MemberOf(caller.UserId);
        if (found is null || member is null)
        {
            throw DomainException.NotFound("Organization", orgId);
        }

        return new OrgAccess(found, member);
    }

    /// <summary>The caller's membership of the supplier <paramref name="supplierId"/>, holding one of
    /// <paramref name="roles"/> to <paramref name="action"/>: 404 as <see cref="MemberAsync"/>, 403 without the role, 422
    /// when the organization does not sell.</summary>
    public async Task<OrgAccess> SupplierMemberAsync(Caller caller, string supplierId, string action, IReadOnlyList<Role> roles, CancellationToken cancellationToken)
    {
        var you = (await MemberAsync(caller, supplierId, cancellationToken).ConfigureAwait(false)).Require(action, roles);
        if (!you.Org.IsSupplier)
        {
            throw DomainException.Unprocessable("supplierId", $"Organization '{supplierId}' is not a supplier.");
        }

        return you;
    }
}
