using Agora.Core.Common;
using Agora.Core.Fulfilment;
using Agora.Core.Ordering;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Returns of delivered goods: the buyer's request, the supplier's decision, the warehouse's receipt.</summary>
public sealed class ReturnFunctions(ReturnService returns)
{
    [Function(nameof(RequestReturn))]
    [Idempotent]
    [ApiOperation("Returns", "Ask to return lines of a delivered order", Description = "The buyer's admins and purchasers. `lines`: 1 to 1,000 of `{line, quantity, inBaseUnits}` " +
        "(quantity in the line's sale unit, or base units), each at most what was delivered of the line less what other returns take (400 naming the field otherwise); `reason` " +
        "1 to 2,000 characters. 409 when nothing of the order was delivered. The customer's sales manager is told by email.", Request = typeof(ReturnInput), Response = typeof(GoodsReturn), Status = 201, Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> RequestReturn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/orders/{orderId}/returns")] HttpRequest req, string orgId, string orderId, CancellationToken cancellationToken)
    {
        var request = await returns.RequestAsync(req.Caller(), orgId, orderId, await req.ReadJsonAsync<ReturnInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        req.HttpContext.Response.Headers.Location = $"{req.PathBase}/api/orgs/{Uri.EscapeDataString(orgId)}/returns/{request.Value.Id}";
        req.HttpContext.Response.Headers.ETag = Api.EntityTag(request.ETag);
        return new JsonResult(Hide(request.Value), Json.Options) { StatusCode = StatusCodes.Status201Created };
    }

    [Function(nameof(GetReturn))]
    [ApiOperation("Returns", "Read a return", Description = "Its lines (order line, base quantity, the delivered shipment and warehouse it came from, condition once received), " +
        "reason, status, decision and credit notes. Both sides' staff.", Response = typeof(GoodsReturn), Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> GetReturn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/returns/{returnId}")] HttpRequest req, string orgId, string returnId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await returns.GetAsync(req.Caller(), orgId, returnId, cancellationToken).ConfigureAwait(false)));

    [Function(nameof(DecideReturn))]
    [ApiOperation("Returns", "Approve or reject a return", Description = "The supplier's admins and sales managers, once; `comment` at most 2,000 characters, required when rejecting. " +
        "The buyer's purchaser is told by email.", Request = typeof(ReturnDecision), Response = typeof(GoodsReturn), Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> DecideReturn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/returns/{returnId}/decision")] HttpRequest req, string orgId, string returnId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await returns.DecideAsync(req.Caller(), orgId, returnId, await req.ReadJsonAsync<ReturnDecision>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    [Function(nameof(ReceiveReturn))]
    [ApiOperation("Returns", "Receive the goods of an approved return", Description = "Supplier admins and warehouse staff give the condition of every return line " +
        "(`lines`: `{line, condition}`, line = the index in the return, condition resellable or damaged). Resellable goods go back on hand in the warehouse they left from; " +
        "a credit note follows.", Request = typeof(ReturnReceipt), Response = typeof(GoodsReturn), Roles = ApiRoles.SupplierAdmin | ApiRoles.Warehouse)]
    public async Task<IActionResult> ReceiveReturn(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/returns/{returnId}/receipt")] HttpRequest req, string orgId, string returnId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await returns.ReceiveAsync(req.Caller(), orgId, returnId, await req.ReadJsonAsync<ReturnReceipt>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    private static GoodsReturn Hide(GoodsReturn r) => r with { Outbox = Outbox.Empty };

    private static Versioned<GoodsReturn> Hide(Versioned<GoodsReturn> r) => r with { Value = Hide(r.Value) };
}
