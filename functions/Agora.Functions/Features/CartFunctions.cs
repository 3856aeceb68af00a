using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Carts and named lists of buyer members, per supplier.</summary>
public sealed class CartFunctions(CartService carts)
{
    private const string Priced = "Answers the cart priced: per line the explained price, what is in stock, and every problem that stops checkout, in words. ";

    [Function(nameof(GetCart))]
    [ApiOperation("Carts", "Read your cart at a supplier", Description = Priced + "Buyer admins and purchasers each have one cart per supplier.", Response = typeof(CartView), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> GetCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{buyerId}/suppliers/{supplierId}/cart")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(await carts.GetCartAsync(req.Caller(), buyerId, supplierId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(AddCartLines))]
    [ApiOperation("Carts", "Add lines to your cart", Description = Priced + "1 to 1,000 lines; a line of a product and unit already in the cart adds to its quantity; unit absent = the product's base unit. " +
        "Lines the catalog does not sell to you are refused and listed in `rejected`. quantity: more than 0 and below 1,000,000,000, at most 6 decimals; a cart holds at most 1,000 lines.",
        Request = typeof(AddCartLines), Response = typeof(CartView), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> AddCartLines(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{buyerId}/suppliers/{supplierId}/cart/lines")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(await carts.AddLinesAsync(req.Caller(), buyerId, supplierId, await req.ReadJsonAsync<AddCartLines>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    [Function(nameof(ChangeCartLine))]
    [ApiOperation("Carts", "Change a cart line's quantity or unit", Description = Priced, Request = typeof(ChangeCartLine), Response = typeof(CartView), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> ChangeCartLine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{buyerId}/suppliers/{supplierId}/cart/lines/{lineId}")] HttpRequest req, string buyerId, string supplierId, string lineId,
        CancellationToken cancellationToken) =>
        Api.Ok(await carts.ChangeLineAsync(req.Caller(), buyerId, supplierId, lineId, await req.ReadJsonAsync<ChangeCartLine>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    [Function(nameof(RemoveCartLine))]
    [ApiOperation("Carts", "Remove a cart line", Description = Priced, Response = typeof(CartView), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> RemoveCartLine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{buyerId}/suppliers/{supplierId}/cart/lines/{lineId}")] HttpRequest req, string buyerId, string supplierId, string lineId,
        CancellationToken cancellationToken) =>
        Api.Ok(await carts.RemoveLineAsync(req.Caller(), buyerId, supplierId, lineId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(ClearCart))]
    [ApiOperation("Carts", "Empty your cart", Response = typeof(CartView), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> ClearCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{buyerId}/suppliers/{supplierId}/cart")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(await carts.ClearAsync(req.Caller(), buyerId, supplierId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(SetCartCoupons))]
    [ApiOperation("Carts", "Set your cart's coupon codes", Description = Priced + "At most 10 codes of at most 64 characters; an empty list removes them.", Request = typeof(CartCoupons), Response = typeof(CartView), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> SetCartCoupons(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{buyerId}/suppliers/{supplierId}/cart/coupons")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(await carts.SetCouponsAsync(req.Caller(), buyerId, supplierId, await req.ReadJsonAsync<CartCoupons>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    [Function(nameof(QuickOrder))]
    [ApiOperation("Carts", "Quick order: paste a list or send an order file", Description = Priced + "The body is a pasted list (`text/plain`: one item a line, \"SKU quantity [unit]\") or an order file " +
        "(CSV in any common encoding and delimiter, or XLSX; header in Portuguese or English: código/sku, quantidade/qtd/quantity, unidade/unit), up to 4 MB and 1,000 items. " +
        "Rows that cannot be read, and SKUs the catalog does not sell to you, come back in `rejected` with their row number and why; the rest is added to your cart. " +
        "A file that is not a table is 422.", Response = typeof(CartView), Query = ["file: the file's name, to word errors (optional)"], Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> QuickOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{buyerId}/suppliers/{supplierId}/cart/quick-order")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken)
    {
        await using var body = req.BodyUpTo(QuickOrderReader.MaxFileBytes, $"A quick order is at most {QuickOrderReader.MaxFileBytes / 1024 / 1024} MB; 1,000 items fit in far less.");
        return Api.Ok(await carts.QuickOrderAsync(req.Caller(), buyerId, supplierId, body, req.ContentType, req.Query("file"), cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(Reorder))]
    [ApiOperation("Carts", "Reorder a past order", Description = Priced + "Adds the lines of one of your organization's orders at this supplier (without its bonus lines) to your cart.",
        Request = typeof(Reorder), Response = typeof(CartView), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> Reorder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{buyerId}/suppliers/{supplierId}/cart/reorder")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(await carts.ReorderAsync(req.Caller(), buyerId, supplierId, await req.ReadJsonAsync<Reorder>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    [Function(nameof(CreateList))]
    [ApiOperation("Lists", "Save a named list", Description = "From your cart (`fromCart: true`) or from lines; private (default) or shared with your organization's members.",
        Request = typeof(CreateList), Response = typeof(CartView), Status = 201, Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> CreateList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{buyerId}/suppliers/{supplierId}/lists")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken)
    {
        var list = await carts.CreateListAsync(req.Caller(), buyerId, supplierId, await req.ReadJsonAsync<CreateList>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return Api.Created(req, list.Value.Id, list);
    }

    [Function(nameof(ListLists))]
    [ApiOperation("Lists", "List your lists and the shared ones", Description = "In name order.", Response = typeof(ListPage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> ListLists(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{buyerId}/suppliers/{supplierId}/lists")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Page(await carts.ListListsAsync(req.Caller(), buyerId, supplierId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetList))]
    [ApiOperation("Lists", "Read a list, priced", Description = Priced + "With the ETag a change names in If-Match.", Response = typeof(CartView), Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> GetList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{buyerId}/suppliers/{supplierId}/lists/{savedListId}")] HttpRequest req, string buyerId, string supplierId, string savedListId,
        CancellationToken cancellationToken) =>
        Api.Ok(req, await carts.GetListAsync(req.Caller(), buyerId, supplierId, savedListId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(ChangeList))]
    [ApiOperation("Lists", "Rename, share or replace the lines of a list", Description = "Its owner or the buyer's admins; If-Match required. Fields left out stay as they are; `lines` replaces them all.",
        Request = typeof(ChangeList), Response = typeof(CartView), IfMatch = true, Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> ChangeList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{buyerId}/suppliers/{supplierId}/lists/{savedListId}")] HttpRequest req, string buyerId, string supplierId, string savedListId,
        CancellationToken cancellationToken) =>
        Api.Ok(req, await carts.ChangeListAsync(req.Caller(), buyerId, supplierId, savedListId, await req.ReadJsonAsync<ChangeList>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(DeleteList))]
    [ApiOperation("Lists", "Delete a list", Status = 204, Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> DeleteList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{buyerId}/suppliers/{supplierId}/lists/{savedListId}")] HttpRequest req, string buyerId, string supplierId, string savedListId,
        CancellationToken cancellationToken)
    {
        await carts.DeleteListAsync(req.Caller(), buyerId, supplierId, savedListId, cancellationToken).ConfigureAwait(false);
        return Api.NoContent();
    }

    [Function(nameof(ListToCart))]
    [ApiOperation("Lists", "Add a list to your cart", Description = Priced, Response = typeof(CartView), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> ListToCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{buyerId}/suppliers/{supplierId}/lists/{savedListId}/cart")] HttpRequest req, string buyerId, string supplierId, string savedListId,
        CancellationToken cancellationToken) =>
        Api.Ok(await carts.ListToCartAsync(req.Caller(), buyerId, supplierId, savedListId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetCartById))]
    [ApiOperation("Carts", "Read a cart or list by id", Description = Priced + "For the buyer: your cart, a shared list, or any when you are its admin; for the supplier's admins and sales managers: their customers' carts.",
        Response = typeof(CartView), Roles = ApiRoles.BuyerStaff | ApiRoles.Sellers, BySide = true)]
    public async Task<IActionResult> GetCartById(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/carts/{cartId}")] HttpRequest req, string orgId, string cartId, CancellationToken cancellationToken) =>
        Api.Ok(await carts.GetByIdAsync(req.Caller(), orgId, cartId, cancellationToken).ConfigureAwait(false));

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record ListPage(IReadOnlyList<CartSummary> Items, string? Next);
}
