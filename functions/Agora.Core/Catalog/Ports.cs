using Agora.Core.Common;

namespace Agora.Core.Catalog;

/// <summary>Filters of a product listing; all optional.</summary>
public sealed record ProductQuery(string? Text, string? CategoryKey, string? BrandKey, bool InStockOnly, ProductStatus? Status)
{
    public static readonly ProductQuery All = new(null, null, null, false, null);

    /// <summary>Folded words that must all appear in the product's search text.</summary>
    public IReadOnlyList<string> Terms => Text is null ? [] : Common.Text.Fold(Text).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

public interface IProductStore
{
    Task<Versioned<Product>?> FindAsync(string supplierId, string sku, CancellationToken cancellationToken);

    /// <summary>The products among <paramref name="skus"/> that exist, in one query (a cart or a batch: up to 1,000).</summary>
    Task<IReadOnlyList<Versioned<Product>>> FindManyAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    /// <summary>Fails with Conflict when the SKU exists.</summary>
    Task<Versioned<Product>> CreateAsync(Product product, CancellationToken cancellationToken);

    /// <summary>Fails with PreconditionFailed when the stored version is not <paramref name="ifMatch"/>.</summary>
    Task<Versioned<Product>> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="skus"/> exist and <paramref name="assortment"/> allows, in one query that reads
    /// back only SKUs (a catalog page's related products: up to 100 × 50).</summary>
    Task<IReadOnlySet<string>> AllowedAsync(string supplierId, IReadOnlyCollection<string> skus, Assortment assortment, CancellationToken cancellationToken);

    /// <summary>One keyset page in name order; with <paramref name="assortment"/>, only the products it allows.</summary>
    Task<Page<Product>> ListAsync(string supplierId, ProductQuery query, Assortment? assortment, string? after, int limit, CancellationToken cancellationToken);
}

public interface IWarehouseStore
{
    Task<Versioned<IReadOnlyList<Warehouse>>?> ListAsync(string supplierId, CancellationToken cancellationToken);

    /// <summary>Writes the supplier's whole list; <paramref name="ifMatch"/> null creates it.</summary>
    Task SaveAsync(string supplierId, IReadOnlyList<Warehouse> warehouses, string? ifMatch, CancellationToken cancellationToken);
}

public interface IAssortmentStore
{
    /// <summary>The rules of a customer category and of a customer account, in one read; missing ones are open.</summary>
    Task<Assortment> FindAsync(string supplierId, string category, string buyerId, CancellationToken cancellationToken);

    Task<Versioned<AssortmentRule>?> FindRuleAsync(string supplierId, AssortmentScope scope, string key, CancellationToken cancellationToken);

    /// <summary>Creates the rule when <paramref name="ifMatch"/> is null (Conflict if one exists by then), else replaces the
    /// version it names (PreconditionFailed when stale).</summary>
    Task<Versioned<AssortmentRule>> SaveRuleAsync(string supplierId, AssortmentScope scope, string key, AssortmentRule rule, string? ifMatch, CancellationToken cancellationToken);
}
