using Agora.Core.Catalog;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>A buyer browsing a supplier's catalog: its assortment only, with availability.</summary>
public sealed class BuyerCatalogFunctions(BuyerCatalogService catalog)
{
    [Function(nameof(BrowseCatalog))]
    [ApiOperation("Buyer catalog", "Browse and search a supplier's catalog", Description = "Only the products of the buyer's assortment, in name order, with availability in base units per warehouse and in total.",
        Response = typeof(BuyerProductPage),
        Query = ["q: words that must all appear in SKU, name, brand, GTIN or category", "category: a category path such as ferramentas/eletricas", "brand: a brand", "inStock: true for products with stock available", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> BrowseCatalog(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{buyerId}/suppliers/{supplierId}/products")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Page(await catalog.BrowseAsync(req.Caller(), buyerId, supplierId, req.CatalogFilter(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetCatalogProduct))]
    [ApiOperation("Buyer catalog", "Read one product of a supplier's catalog", Description = "404 when the product is outside the buyer's assortment.",
        Response = typeof(BuyerProduct), Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> GetCatalogProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{buyerId}/suppliers/{supplierId}/products/{sku}")] HttpRequest req, string buyerId, string supplierId, string sku, CancellationToken cancellationToken) =>
        Api.Ok(await catalog.GetAsync(req.Caller(), buyerId, supplierId, sku, cancellationToken).ConfigureAwait(false));

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record BuyerProductPage(IReadOnlyList<BuyerProduct> Items, string? Next);
}
