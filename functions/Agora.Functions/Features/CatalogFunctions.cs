using Agora.Core.Catalog;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>The supplier's catalog: products, warehouses and assortment rules.</summary>
public sealed class CatalogFunctions(CatalogService catalog)
{
    private const string ListQuery = "q: words that must all appear in SKU, name, brand, GTIN or category";

    [Function(nameof(PutProduct))]
    [ApiOperation("Catalog", "Create or replace a product", Description = "Creates the product (201) or, with If-Match, replaces it (200). Stock is kept. Supplier admins and pricing managers.",
        Request = typeof(ProductInput), Response = typeof(Product), AlsoStatus = [201], Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/products/{sku}")] HttpRequest req, string supplierId, string sku, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<ProductInput>(cancellationToken).ConfigureAwait(false);
        var (product, created) = await catalog.PutProductAsync(req.Caller(), supplierId, sku, input, req.IfMatch(), cancellationToken).ConfigureAwait(false);
        return created ? Api.CreatedAt(req, product) : Api.Ok(req, product);
    }

    [Function(nameof(GetProduct))]
    [ApiOperation("Catalog", "Read a product with its stock", Response = typeof(Product), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetProduct(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/products/{sku}")] HttpRequest req, string supplierId, string sku, CancellationToken cancellationToken) =>
        Api.Ok(req, await catalog.GetProductAsync(req.Caller(), supplierId, sku, cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListProducts))]
    [ApiOperation("Catalog", "List the supplier's products", Response = typeof(ProductPage),
        Query = [ListQuery, "category: a category path such as ferramentas/eletricas", "brand: a brand", "inStock: true for products with stock available", "status: active or discontinued", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> ListProducts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/products")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Page(await catalog.ListProductsAsync(req.Caller(), supplierId, req.CatalogFilter(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListWarehouses))]
    [ApiOperation("Catalog", "List the supplier's warehouses", Response = typeof(IReadOnlyList<Warehouse>), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> ListWarehouses(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/warehouses")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(await catalog.ListWarehousesAsync(req.Caller(), supplierId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutWarehouse))]
    [ApiOperation("Catalog", "Create or change a warehouse", Description = "Supplier admins and warehouse staff.", Request = typeof(WarehouseInput), Response = typeof(Warehouse), Roles = ApiRoles.SupplierAdmin | ApiRoles.Warehouse)]
    public async Task<IActionResult> PutWarehouse(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/warehouses/{warehouseId}")] HttpRequest req, string supplierId, string warehouseId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<WarehouseInput>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(await catalog.PutWarehouseAsync(req.Caller(), supplierId, warehouseId, input, cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(GetCategoryAssortment))]
    [ApiOperation("Assortments", "Read the assortment rule of a customer category", Response = typeof(AssortmentRule), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetCategoryAssortment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/assortments/categories/{category}")] HttpRequest req, string supplierId, string category, CancellationToken cancellationToken) =>
        Api.Ok(req, await catalog.GetAssortmentAsync(req.Caller(), supplierId, AssortmentScope.Category, category, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutCategoryAssortment))]
    [ApiOperation("Assortments", "Set the assortment rule of a customer category", Description = "Include and exclude products by SKU, brand or category. The first time without If-Match; then with If-Match naming the ETag read (428 without, 412 when stale). Supplier admins and pricing managers.",
        Request = typeof(AssortmentRuleInput), Response = typeof(AssortmentRule), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutCategoryAssortment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/assortments/categories/{category}")] HttpRequest req, string supplierId, string category, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<AssortmentRuleInput>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(req, await catalog.PutAssortmentAsync(req.Caller(), supplierId, AssortmentScope.Category, category, input, req.IfMatch(), cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(GetCustomerAssortment))]
    [ApiOperation("Assortments", "Read the assortment rule of one customer account", Response = typeof(AssortmentRule), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetCustomerAssortment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/assortments/customers/{buyerId}")] HttpRequest req, string supplierId, string buyerId, CancellationToken cancellationToken) =>
        Api.Ok(req, await catalog.GetAssortmentAsync(req.Caller(), supplierId, AssortmentScope.Customer, buyerId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutCustomerAssortment))]
    [ApiOperation("Assortments", "Set the assortment rule of one customer account", Description = "It takes precedence over the customer's category rule. The first time without If-Match; then with If-Match naming the ETag read (428 without, 412 when stale).",
        Request = typeof(AssortmentRuleInput), Response = typeof(AssortmentRule), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutCustomerAssortment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/assortments/customers/{buyerId}")] HttpRequest req, string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<AssortmentRuleInput>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(req, await catalog.PutAssortmentAsync(req.Caller(), supplierId, AssortmentScope.Customer, buyerId, input, req.IfMatch(), cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record ProductPage(IReadOnlyList<Product> Items, string? Next);
}
