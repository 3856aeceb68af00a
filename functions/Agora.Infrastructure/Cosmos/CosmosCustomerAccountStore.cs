using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Infrastructure.Cosmos;

/// <summary>An account lives in its supplier's partition (id <c>customer:{buyerId}</c>); a copy lives in the buyer's
/// partition (id <c>supplier:{supplierId}</c>) so the buyer lists its suppliers in one single-partition query. The copy is
/// written after the account and rewritten on every change of it.</summary>
public sealed class CosmosCustomerAccountStore(CosmosContainers cosmos) : ICustomerAccountStore
{
    private const string AccountType = "customerAccount";
    private const string CopyType = "supplierAccount";

    public async Task<Versioned<CustomerAccount>?> FindAsync(string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<CustomerAccount>(cosmos.Get(Containers.Organizations), AccountId(buyerId), supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<CustomerAccount>(document.Data, document.ETag!);
    }

    public async Task<Versioned<CustomerAccount>> CreateAsync(CustomerAccount account, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Organizations);
        var etag = await CosmosContainers.CreateAsync(container, Account(account), $"Organization '{account.BuyerId}' already has an account at '{account.SupplierId}'.", cancellationToken).ConfigureAwait(false);
        await CosmosContainers.UpsertAsync(container, Copy(account), cancellationToken).ConfigureAwait(false);
        return new Versioned<CustomerAccount>(account, etag);
    }

    public async Task<Versioned<CustomerAccount>> ReplaceAsync(CustomerAccount account, string? ifMatch, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Organizations);
        var etag = await CosmosContainers.ReplaceAsync(container, Account(account), ifMatch, "Customer account", cancellationToken).ConfigureAwait(false);
        await CosmosContainers.UpsertAsync(container, Copy(account), cancellationToken).ConfigureAwait(false);
        return new Versioned<CustomerAccount>(account, etag);
    }

    public Task<Page<CustomerAccount>> ListBySupplierAsync(string supplierId, string? category, string? afterBuyerId, int limit, CancellationToken cancellationToken) =>
        CosmosContainers.PageAsync<CustomerAccount>(
            cosmos.Get(Containers.Organizations), supplierId, AccountType, afterBuyerId, limit,
            category is null ? null : "c.data.category = @category",
            category is null ? null : new Dictionary<string, object> { ["@category"] = category },
            cancellationToken);

    public Task<Page<CustomerAccount>> ListByBuyerAsync(string buyerId, string? afterSupplierId, int limit, CancellationToken cancellationToken) =>
        CosmosContainers.PageAsync<CustomerAccount>(cosmos.Get(Containers.Organizations), buyerId, CopyType, afterSupplierId, limit, null, null, cancellationToken);

    private static string AccountId(string buyerId) => $"customer:{buyerId}";

    private static Document<CustomerAccount> Account(CustomerAccount a) =>
        new() { Id = AccountId(a.BuyerId), Pk = a.SupplierId, Type = AccountType, SortKey = a.BuyerId, Data = a };

    private static Document<CustomerAccount> Copy(CustomerAccount a) =>
        new() { Id = $"supplier:{a.SupplierId}", Pk = a.BuyerId, Type = CopyType, SortKey = a.SupplierId, Data = a };
}
