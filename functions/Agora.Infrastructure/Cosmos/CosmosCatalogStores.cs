using Agora.Core.Catalog;
using Agora.Core.Common;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>A supplier's warehouses: one small document (<c>warehouses</c>) in its catalog partition.</summary>
public sealed class CosmosWarehouseStore(CosmosContainers cosmos) : IWarehouseStore
{
    private const string Id = "warehouses";

    public async Task<Versioned<IReadOnlyList<Warehouse>>?> ListAsync(string supplierId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<Warehouse[]>(cosmos.Get(Containers.Catalog), Id, supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<IReadOnlyList<Warehouse>>(document.Data, document.ETag!);
    }

    public async Task SaveAsync(string supplierId, IReadOnlyList<Warehouse> warehouses, string? ifMatch, CancellationToken cancellationToken)
    {
        var document = new Document<Warehouse[]> { Id = Id, Pk = supplierId, Type = Id, Data = warehouses.ToArray() };
        var container = cosmos.Get(Containers.Catalog);
        _ = ifMatch is null
            ? await CosmosContainers.CreateAsync(container, document, "Warehouses changed meanwhile.", cancellationToken).ConfigureAwait(false)
            : await CosmosContainers.ReplaceAsync(container, document, ifMatch, "Warehouses", cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Assortment rules in the supplier's catalog partition: <c>assortment:category:{category}</c> and
/// <c>assortment:customer:{buyerId}</c>. A buyer's two rules are fetched in one query.</summary>
public sealed class CosmosAssortmentStore(CosmosContainers cosmos) : IAssortmentStore
{
    private const string Type = "assortment";

    public async Task<Assortment> FindAsync(string supplierId, string category, string buyerId, CancellationToken cancellationToken)
    {
        var categoryId = IdOf(AssortmentScope.Category, category.ToLowerInvariant());
        var customerId = IdOf(AssortmentScope.Customer, buyerId);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)")
            .WithParameter("@type", Type)
            .WithParameter("@ids", new[] { categoryId, customerId });
        var found = await CosmosContainers.QueryAsync<AssortmentRule>(cosmos.Get(Containers.Catalog), supplierId, query, cancellationToken).ConfigureAwait(false);
        return new Assortment(
            found.FirstOrDefault(d => d.Id == customerId)?.Data ?? AssortmentRule.Open,
            found.FirstOrDefault(d => d.Id == categoryId)?.Data ?? AssortmentRule.Open);
    }

    public async Task<Versioned<AssortmentRule>?> FindRuleAsync(string supplierId, AssortmentScope scope, string key, CancellationToken cancellationToken) =>
        await CosmosContainers.ReadAsync<AssortmentRule>(cosmos.Get(Containers.Catalog), IdOf(scope, key), supplierId, cancellationToken).ConfigureAwait(false) is { } found
            ? new Versioned<AssortmentRule>(found.Data, found.ETag!)
            : null;

    public Task<Versioned<AssortmentRule>> SaveRuleAsync(string supplierId, AssortmentScope scope, string key, AssortmentRule rule, string? ifMatch, CancellationToken cancellationToken) =>
        CosmosContainers.CreateOrReplaceAsync(cosmos.Get(Containers.Catalog), new Document<AssortmentRule> { Id = IdOf(scope, key), Pk = supplierId, Type = Type, Data = rule }, ifMatch, "The assortment rule", cancellationToken);

    private static string IdOf(AssortmentScope scope, string key) => $"assortment:{(scope == AssortmentScope.Category ? "category" : "customer")}:{key}";
}
