using Agora.Core.Common;

namespace Agora.Core.Accounts;

/// <summary>Organizations with their members and invitations (one document each).</summary>
public interface IOrganizationStore
{
    Task<Versioned<Organization>?> FindAsync(string orgId, CancellationToken cancellationToken);

    /// <summary>Fails with <see cref="FailureKind.Conflict"/> when the id is taken.</summary>
    Task<Versioned<Organization>> CreateAsync(Organization organization, CancellationToken cancellationToken);

    /// <summary>Fails with <see cref="FailureKind.PreconditionFailed"/> when the stored version is not <paramref name="ifMatch"/>.</summary>
    Task<Versioned<Organization>> ReplaceAsync(Organization organization, string ifMatch, CancellationToken cancellationToken);
}

/// <summary>Per-user copy of memberships, for "where may I act?".</summary>
public interface IUserProfileStore
{
    Task<UserProfile?> FindAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Records the person's membership of <paramref name="orgId"/>, or removes it when <paramref name="membership"/> is null.</summary>
    Task SetMembershipAsync(string userId, string? email, string? name, string orgId, UserMembership? membership, CancellationToken cancellationToken);
}

public interface ICustomerAccountStore
{
    Task<Versioned<CustomerAccount>?> FindAsync(string supplierId, string buyerId, CancellationToken cancellationToken);

    /// <summary>Fails with <see cref="FailureKind.Conflict"/> when the buyer already has an account at the supplier.</summary>
    Task<Versioned<CustomerAccount>> CreateAsync(CustomerAccount account, CancellationToken cancellationToken);

    /// <summary>Replaces the account; with <paramref name="ifMatch"/> null it replaces whatever is stored (imports).</summary>
    Task<Versioned<CustomerAccount>> ReplaceAsync(CustomerAccount account, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>A supplier's customers ordered by buyer id, after the cursor <paramref name="afterBuyerId"/>.</summary>
    Task<Page<CustomerAccount>> ListBySupplierAsync(string supplierId, string? category, string? afterBuyerId, int limit, CancellationToken cancellationToken);

    /// <summary>A buyer's accounts at its suppliers ordered by supplier id, after <paramref name="afterSupplierId"/>.</summary>
    Task<Page<CustomerAccount>> ListByBuyerAsync(string buyerId, string? afterSupplierId, int limit, CancellationToken cancellationToken);
}
