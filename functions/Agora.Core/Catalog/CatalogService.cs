using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Core.Catalog;

/// <summary>The supplier's side of the catalog: products, warehouses and assortment rules. Supplier admins and pricing
/// managers manage products and assortments, supplier admins and warehouse staff manage warehouses, all supplier staff
/// read.</summary>
public sealed class CatalogService(IProductStore products, IWarehouseStore warehouses, IAssortmentStore assortments, AccessControl access, TimeProvider clock)
{
    public const int MaxPageSize = 100;
    public const int MaxWarehouses = 100;

    private static readonly Role[] CatalogManagers = [Role.SupplierAdmin, Role.PricingManager];
    private static readonly Role[] WarehouseManagers = [Role.SupplierAdmin, Role.Warehouse];

    /// <summary>Creates the product, or replaces it when <paramref name="ifMatch"/> names its current version. Stock is kept.</summary>
    public async Task<(Versioned<Product> Product, bool Created)> PutProductAsync(Caller caller, string supplierId, string sku, ProductInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        await RequireSupplierAsync(caller, supplierId, "change the catalog", CatalogManagers, cancellationToken).ConfigureAwait(false);
        var existing = Ids.IsWellFormed(sku) ? await products.FindAsync(supplierId, sku, cancellationToken).ConfigureAwait(false) : null;
        var product = ProductRules.Build(supplierId, sku, input, existing?.Value, clock.GetUtcNow());
        if (existing is null)
        {
            return (await products.CreateAsync(product, cancellationToken).ConfigureAwait(false), true);
        }

        if (ifMatch is null)
        {
            throw DomainException.PreconditionRequired();
        }

        return (await products.ReplaceAsync(product, ifMatch, cancellationToken).ConfigureAwait(false), false);
    }

    public async Task<Versioned<Product>> GetProductAsync(Caller caller, string supplierId, string sku, CancellationToken cancellationToken)
    {
        await RequireSupplierAsync(caller, supplierId, "read the catalog", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return (Ids.IsWellFormed(sku) ? await products.FindAsync(supplierId, sku, cancellationToken).ConfigureAwait(false) : null)
            ?? throw DomainException.NotFound("Product", sku);
    }

    public async Task<Page<Product>> ListProductsAsync(Caller caller, string supplierId, CatalogFilter filter, CancellationToken cancellationToken)
    {
        await RequireSupplierAsync(caller, supplierId, "read the catalog", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await products.ListAsync(supplierId, filter.Query(), null, Cursor.Decode(filter.Cursor, "cursor"), filter.PageSize(MaxPageSize), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Warehouse>> ListWarehousesAsync(Caller caller, string supplierId, CancellationToken cancellationToken)
    {
        await RequireSupplierAsync(caller, supplierId, "read warehouses", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return (await warehouses.ListAsync(supplierId, cancellationToken).ConfigureAwait(false))?.Value ?? [];
    }

    public async Task<Warehouse> PutWarehouseAsync(Caller caller, string supplierId, string warehouseId, WarehouseInput input, CancellationToken cancellationToken)
    {
        await RequireSupplierAsync(caller, supplierId, "manage warehouses", WarehouseManagers, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        v.Check(Ids.IsWellFormed(warehouseId), "warehouseId", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        var name = v.RequiredText(input.Name, "name", 200);
        var city = v.OptionalText(input.City, "city", 100);
        var country = v.OptionalText(input.Country, "country", 2)?.ToUpperInvariant();
        v.ThrowIfInvalid();
        var warehouse = new Warehouse(warehouseId, name!, city, country, input.Active ?? true);
        return await Concurrency.RetryAsync($"The warehouses of '{supplierId}'", async _ =>
        {
            var current = await warehouses.ListAsync(supplierId, cancellationToken).ConfigureAwait(false);
            var list = (current?.Value ?? []).Where(w => w.Id != warehouseId).Append(warehouse).OrderBy(w => w.Id, StringComparer.Ordinal).ToArray();
            if (list.Length > MaxWarehouses)
            {
                throw DomainException.Conflict($"A supplier has at most {MaxWarehouses} warehouses.");
            }

            await warehouses.SaveAsync(supplierId, list, current?.ETag, cancellationToken).ConfigureAwait(false);
            return warehouse;
        }).ConfigureAwait(false);
    }

    /// <summary>The rule with its version; an open rule without one when none was set.</summary>
    public async Task<Versioned<AssortmentRule>> GetAssortmentAsync(Caller caller, string supplierId, AssortmentScope scope, string key, CancellationToken cancellationToken)
    {
        await RequireSupplierAsync(caller, supplierId, "read assortments", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await assortments.FindRuleAsync(supplierId, scope, Key(scope, key), cancellationToken).ConfigureAwait(false) ?? Versions.NotStored(AssortmentRule.Open);
    }

    /// <summary>Sets the rule: the first time without a version, then with If-Match naming the one read.</summary>
    public async Task<Versioned<AssortmentRule>> PutAssortmentAsync(Caller caller, string supplierId, AssortmentScope scope, string key, AssortmentRuleInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        await RequireSupplierAsync(caller, supplierId, "change assortments", CatalogManagers, cancellationToken).ConfigureAwait(false);
        var rule = AssortmentRules.Validate(input);
        var current = await assortments.FindRuleAsync(supplierId, scope, Key(scope, key), cancellationToken).ConfigureAwait(false);
        return await assortments.SaveRuleAsync(supplierId, scope, Key(scope, key), rule, Versions.ForReplace(current, ifMatch), cancellationToken).ConfigureAwait(false);
    }

    private static string Key(AssortmentScope scope, string key) =>
        Ids.IsWellFormed(key) ? key.ToLowerInvariant() : throw DomainException.Invalid(scope == AssortmentScope.Category ? "category" : "buyerId", "must be 1 to 64 letters, digits, '-', '_' or '.'.");

    private Task<OrgAccess> RequireSupplierAsync(Caller caller, string supplierId, string action, IReadOnlyList<Role> roles, CancellationToken cancellationToken) =>
        access.SupplierMemberAsync(caller, supplierId, action, roles, cancellationToken);
}

/// <summary>Listing filters as clients send them (query string).</summary>
public sealed record CatalogFilter(string? Text, string? Category, string? Brand, bool? InStock, ProductStatus? Status, string? Cursor, int? Limit)
{
    public ProductQuery Query() => new(
        string.IsNullOrWhiteSpace(Text) ? null : Text,
        string.IsNullOrWhiteSpace(Category) ? null : CatalogKeys.CategoryKey(Category),
        string.IsNullOrWhiteSpace(Brand) ? null : Common.Text.Slug(Brand),
        InStock == true,
        Status);

    public int PageSize(int max) => Paging.Size(Limit, 50, max);
}
