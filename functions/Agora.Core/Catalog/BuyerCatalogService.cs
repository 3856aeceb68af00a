using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Core.Catalog;

/// <summary>A buyer's view of a supplier's catalog: only the products of its assortment (its customer category's rule
/// and its own account's rule), with availability. Any member of the buyer organization may browse; a buyer without an
/// account at the supplier, or a product outside its assortment, is not found.</summary>
public sealed class BuyerCatalogService(ICustomerAccountStore accounts, IProductStore products, IWarehouseStore warehouses, IAssortmentStore assortments, AccessControl access)
{
    public async Task<Page<BuyerProduct>> BrowseAsync(Caller caller, string buyerId, string supplierId, CatalogFilter filter, CancellationToken cancellationToken)
    {
        var (assortment, warehouseList) = await ContextAsync(caller, buyerId, supplierId, cancellationToken).ConfigureAwait(false);
        var query = filter.Query() with { Status = ProductStatus.Active };
        var page = await products.ListAsync(supplierId, query, assortment, Cursor.Decode(filter.Cursor, "cursor"), filter.PageSize(CatalogService.MaxPageSize), cancellationToken).ConfigureAwait(false);

        // Related products outside the buyer's assortment are not disclosed, as in GetAsync: the page's own products are
        // visible, the others named as related are asked in one query (none when the page names none).
        var onPage = page.Items.Select(p => p.Sku).ToHashSet(StringComparer.Ordinal);
        var others = page.Items.SelectMany(p => p.Related).Where(r => !onPage.Contains(r)).Distinct(StringComparer.Ordinal).ToArray();
        var allowed = others.Length == 0 ? onPage : (await products.AllowedAsync(supplierId, others, assortment, cancellationToken).ConfigureAwait(false)).Concat(onPage).ToHashSet(StringComparer.Ordinal);
        return new Page<BuyerProduct>(page.Items.Select(p => BuyerProduct.Of(p, warehouseList, Visible(p.Related, allowed))).ToArray(), page.Next);
    }

    public async Task<BuyerProduct> GetAsync(Caller caller, string buyerId, string supplierId, string sku, CancellationToken cancellationToken)
    {
        var (assortment, warehouseList) = await ContextAsync(caller, buyerId, supplierId, cancellationToken).ConfigureAwait(false);
        var product = Ids.IsWellFormed(sku) ? await products.FindAsync(supplierId, sku, cancellationToken).ConfigureAwait(false) : null;
        if (product is null || !assortment.Allows(product.Value))
        {
            throw DomainException.NotFound("Product", sku);
        }

        // Related products outside the buyer's assortment are not disclosed either.
        var related = product.Value.Related.Count == 0 ? []
            : Visible(product.Value.Related, await products.AllowedAsync(supplierId, product.Value.Related.ToArray(), assortment, cancellationToken).ConfigureAwait(false));
        return BuyerProduct.Of(product.Value, warehouseList, related);
    }

    private static string[] Visible(IReadOnlyList<string> related, IReadOnlySet<string> allowed) =>
        related.Where(allowed.Contains).Order(StringComparer.Ordinal).ToArray();

    private async Task<(Assortment Assortment, IReadOnlyList<Warehouse> Warehouses)> ContextAsync(Caller caller, string buyerId, string supplierId, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, buyerId, cancellationToken).ConfigureAwait(false)).Require("browse suppliers' catalogs", Roles.BuyerStaff);
        var account = Ids.IsWellFormed(supplierId) ? await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false) : null;
        if (account is null)
        {
            throw DomainException.NotFound("Supplier account", supplierId);
        }

        var assortmentTask = assortments.FindAsync(supplierId, account.Value.Category, buyerId, cancellationToken);
        var warehousesTask = warehouses.ListAsync(supplierId, cancellationToken);
        await Task.WhenAll(assortmentTask, warehousesTask).ConfigureAwait(false);
        return (await assortmentTask.ConfigureAwait(false), (await warehousesTask.ConfigureAwait(false))?.Value ?? []);
    }
}
