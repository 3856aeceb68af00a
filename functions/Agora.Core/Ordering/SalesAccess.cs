using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Core.Ordering;

/// <summary>The caller's standing on one sales document: acting for its buyer or for its supplier, with the roles they hold
/// there. A document of neither organization, or an organization the caller is not a member of, is not found (404).</summary>
public sealed record SalesParty(OrgAccess You, Capability Side)
{
    public bool IsBuyer => Side == Capability.Buyer;

    public Visibility Sees => IsBuyer ? Visibility.Buyer : Visibility.Supplier;

    /// <summary>The caller's roles on the document's side only: a member of an organization that both buys and sells acts
    /// on what it bought as a buyer, so its supplier roles never confirm, invoice or mark paid its own purchases.</summary>
    public IReadOnlyList<Role> Roles => You.Member.Roles.Where(r => Accounts.Roles.SideOf(r) == Side).ToArray();

    public Actor Actor(Caller caller) => Ordering.Actor.Of(caller, You.Org.Id);
}

public sealed class SalesAccess(AccessControl access)
{
    public static readonly IReadOnlyList<Role> Shoppers = [Role.BuyerAdmin, Role.Purchaser];

    public static readonly IReadOnlyList<Role> SupplierSellers = [Role.SupplierAdmin, Role.SalesManager];

    public async Task<SalesParty> PartyAsync(Caller caller, string orgId, ISalesDocument? document, string what, string id, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        if (document is null || (document.BuyerId != orgId && document.SupplierId != orgId))
        {
            throw DomainException.NotFound(what, id);
        }

        var side = document.BuyerId == orgId ? Capability.Buyer : Capability.Supplier;
        var staff = side == Capability.Buyer ? Roles.BuyerStaff : Roles.SupplierStaff;
        if (!you.HasAny(staff))
        {
            throw DomainException.Forbidden($"This {what.ToLowerInvariant()} is one of {(side == Capability.Buyer ? "your organization's purchases" : "your organization's sales")}; to see it you need one of these roles: {string.Join(", ", staff)}.");
        }

        return new SalesParty(you, side);
    }

    /// <summary>The caller as a member of buyer <paramref name="buyerId"/> holding one of <paramref name="roles"/>.</summary>
    public async Task<OrgAccess> BuyerAsync(Caller caller, string buyerId, string action, IReadOnlyList<Role> roles, CancellationToken cancellationToken)
    {
        var you = (await access.MemberAsync(caller, buyerId, cancellationToken).ConfigureAwait(false)).Require(action, roles);
        if (!you.Org.IsBuyer)
        {
            throw DomainException.Unprocessable("buyerId", $"Organization '{buyerId}' does not buy.");
        }

        return you;
    }

    public Task<OrgAccess> MemberAsync(Caller caller, string orgId, CancellationToken cancellationToken) => access.MemberAsync(caller, orgId, cancellationToken);

    public Task<OrgAccess> SupplierAsync(Caller caller, string supplierId, string action, IReadOnlyList<Role> roles, CancellationToken cancellationToken) =>
        access.SupplierMemberAsync(caller, supplierId, action, roles, cancellationToken);
}
