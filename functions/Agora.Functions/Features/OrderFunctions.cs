using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Checkout, orders, their approvals and lifecycle, and the approver's inbox.</summary>
public sealed class OrderFunctions(CheckoutService checkout, OrderService orders)
{
    [Function(nameof(Checkout))]
    [Idempotent]
    [ApiOperation("Orders", "Check out your cart or an accepted quote", Description = "Needs an `Idempotency-Key` header (a UUID of yours, sent again with every retry): a retried checkout returns the " +
        "same order, also after a crash or a client that went away. The order keeps the full explained price of every line, the delivery address (one of your organization's), " +
        "the account's payment and delivery terms (a quote's when it names them), your PO number and comment. Approval rules of both sides apply (status pendingApproval, with the " +
        "steps); stock is held per warehouse. 409 when stock is short and the supplier takes no backorders (per line, nothing ordered); 422 for lines that cannot be ordered. " +
        "requestedDeliveryDate: today to a year ahead; purchaseOrderNumber: at most 50 characters; comment: at most 2,000.",
        Request = typeof(CheckoutRequest), Response = typeof(Order), Status = 201, AlsoStatus = [200], Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> Checkout(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{buyerId}/suppliers/{supplierId}/checkout")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<CheckoutRequest>(cancellationToken).ConfigureAwait(false);
        var key = req.Headers["Idempotency-Key"].ToString();
        var (order, created) = await checkout.CheckoutAsync(req.Caller(), buyerId, supplierId, input, key.Length == 0 ? null : key, cancellationToken).ConfigureAwait(false);
        req.HttpContext.Response.Headers.ETag = Api.EntityTag(order.ETag);
        req.HttpContext.Response.Headers.Location = $"{req.PathBase}/api/orgs/{Uri.EscapeDataString(buyerId)}/orders/{order.Value.Id}";
        return new JsonResult(order.Value, Json.Options) { StatusCode = created ? StatusCodes.Status201Created : StatusCodes.Status200OK };
    }

    [Function(nameof(ListOrders))]
    [ApiOperation("Orders", "List orders, newest first", Description = "side: sales (orders received, supplier staff) or purchases (orders placed, buyer staff); by default the side the caller works on.",
        Response = typeof(OrderPage), Query = ["side: sales or purchases", "status: pendingApproval, placed, confirmed, ...", "customer: the buyer's id (sales side)",
            "supplier: the supplier's id (purchases side)", "salesManager: a user id", "po: the purchase order number", "from: ISO 8601 time with offset (created at or after)",
            "to: ISO 8601 time with offset (created before)", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.AnyMember)]
    public async Task<IActionResult> ListOrders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/orders")] HttpRequest req, string orgId, CancellationToken cancellationToken)
    {
        var side = req.QueryEnum<OrderSide>("side");
        var filter = new OrderFilter(req.QueryEnum<OrderStatus>("status"), req.Query("customer") ?? req.Query("supplier"), req.Query("salesManager"), req.Query("po"),
            req.QueryTime("from"), req.QueryTime("to"), null);
        return Api.Page(await orders.ListAsync(req.Caller(), orgId, side, filter, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(ListOrdersWaitingForMe))]
    [ApiOperation("Orders", "Orders waiting for your approval", Description = "The pending orders whose current approval step you may decide and have not, newest first.",
        Response = typeof(OrderPage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], RoleRestricted = false, Roles = ApiRoles.AnyMember)]
    public async Task<IActionResult> ListOrdersWaitingForMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/inbox/orders")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Page(await orders.WaitingAsync(req.Caller(), orgId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetOrder))]
    [ApiOperation("Orders", "Read an order", Description = "Lines with their explained prices and stock held, approval steps, terms, status.", Response = typeof(Order), Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> GetOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/orders/{orderId}")] HttpRequest req, string orgId, string orderId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await orders.GetAsync(req.Caller(), orgId, orderId, cancellationToken).ConfigureAwait(false)));

    [Function(nameof(MoveOrder))]
    [ApiOperation("Orders", "Move an order along its lifecycle", Description = "placed → confirmed (supplier admins, sales managers); → cancelled (before shipping: the buyer's admins and its purchaser, " +
        "the supplier's; not while lots are being picked or packed); its shipments move it on to partiallyShipped, shipped and delivered; partiallyShipped → shipped closes it short " +
        "(supplier admins, with no lot in picking or packed): what has not left will not ship, its holds are released, and it is delivered once what left has arrived; delivered → invoiced → " +
        "paid (supplier admins). An illegal move is 409 with `currentStatus` and `allowedStatuses`. Cancelling releases the held stock. reason: at most 2,000 characters.",
        Request = typeof(OrderMove), Response = typeof(Order), Roles = ApiRoles.Sellers | ApiRoles.Shoppers, BySide = true)]
    public async Task<IActionResult> MoveOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/orders/{orderId}/status")] HttpRequest req, string orgId, string orderId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await orders.MoveAsync(req.Caller(), orgId, orderId, await req.ReadJsonAsync<OrderMove>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    [Function(nameof(DecideOrder))]
    [ApiOperation("Orders", "Approve or reject the step an order waits for", Description = "Only the step's approvers, the roles its approval rule's tier names (the supplier's default credit-limit step: supplier admin or " +
        "sales manager; the roles below are those), never the order's placer; one rejection (with a comment) rejects the order and " +
        "releases its stock; the last approval places it. comment: at most 2,000 characters.", Request = typeof(ApprovalInput), Response = typeof(Order), Roles = ApiRoles.Sellers | ApiRoles.Approver, BySide = true)]
    public async Task<IActionResult> DecideOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/orders/{orderId}/approvals")] HttpRequest req, string orgId, string orderId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await orders.DecideAsync(req.Caller(), orgId, orderId, await req.ReadJsonAsync<ApprovalInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    /// <summary>The outbox is the system's business (entries on their way to the timeline, emails on their way out).</summary>
    private static Versioned<Order> Hide(Versioned<Order> order) => order with { Value = order.Value with { Outbox = Outbox.Empty } };

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, string? Next);
}
