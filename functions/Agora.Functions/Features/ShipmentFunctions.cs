using Agora.Core.Common;
using Agora.Core.Fulfilment;
using Agora.Core.Ordering;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Shipments: splitting orders into lots, combining orders into one delivery, and moving lots from picking to
/// delivered.</summary>
public sealed class ShipmentFunctions(ShipmentService shipments)
{
    [Function(nameof(SplitOrder))]
    [Idempotent]
    [ApiOperation("Shipments", "Split an order into shipments", Description = "Supplier admins and warehouse staff. Each lot leaves one warehouse with parts of the order's lines: " +
        "`quantity` in the line's sale unit (or base units with `inBaseUnits: true`). A lot takes the stock the order holds in its warehouse first; beyond that only backordered " +
        "quantity ships, once that much is available there. Only confirmed or partially shipped orders; 1 to 50 lots of 1 to 1,000 lines; what is planned never exceeds what was ordered " +
        "(400 naming the field otherwise, e.g. `lots[0].lines[2].quantity`, with the quantity still to ship). Lots start in picking. Send an `Idempotency-Key` to retry safely.", Request = typeof(SplitInput), Response = typeof(ShipmentList), Status = 201, Roles = ApiRoles.SupplierAdmin | ApiRoles.Warehouse)]
    public async Task<IActionResult> SplitOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/orders/{orderId}/shipments")] HttpRequest req, string orgId, string orderId, CancellationToken cancellationToken)
    {
        var lots = await shipments.SplitAsync(req.Caller(), orgId, orderId, await req.ReadJsonAsync<SplitInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new JsonResult(new ShipmentList(lots.Select(Hide).ToArray()), Json.Options) { StatusCode = StatusCodes.Status201Created };
    }

    [Function(nameof(ProposeDeliveries))]
    [ApiOperation("Shipments", "Orders that can travel together", Description = "Agora's proposals among the latest confirmed and partially shipped orders: orders of one buyer to the same " +
        "address, with the same delivery terms and requested dates within `windowDays` of each other; orders left out say why. Supplier admins, warehouse staff and sales managers.",
        Response = typeof(ProposalList), Query = ["windowDays: 0 to 60 (default 3)"], Roles = ApiRoles.Sellers | ApiRoles.Warehouse)]
    public async Task<IActionResult> ProposeDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/deliveries/proposals")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Ok(new ProposalList(await shipments.ProposeAsync(req.Caller(), orgId, req.QueryInt("windowDays"), cancellationToken).ConfigureAwait(false)));

    [Function(nameof(ConsolidateOrders))]
    [Idempotent]
    [ApiOperation("Shipments", "Combine orders into one delivery", Description = "Supplier admins and warehouse staff confirm a proposal: one shipment from `warehouseId` carrying everything " +
        "each order (2 to 20, compatible as the proposals say) still holds there. 422 when they cannot travel together or one holds nothing there.", Request = typeof(DeliveryInput),
        Response = typeof(Shipment), Status = 201, Roles = ApiRoles.SupplierAdmin | ApiRoles.Warehouse)]
    public async Task<IActionResult> ConsolidateOrders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/deliveries")] HttpRequest req, string orgId, CancellationToken cancellationToken)
    {
        var delivery = await shipments.ConsolidateAsync(req.Caller(), orgId, await req.ReadJsonAsync<DeliveryInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        req.HttpContext.Response.Headers.Location = $"{req.PathBase}/api/orgs/{Uri.EscapeDataString(orgId)}/shipments/{delivery.Id}";
        return new JsonResult(Hide(delivery), Json.Options) { StatusCode = StatusCodes.Status201Created };
    }

    [Function(nameof(ListShipments))]
    [ApiOperation("Shipments", "The warehouse's work list", Description = "The supplier's shipments, oldest first: `status=picking` is what to pick now, `packed` what waits for the " +
        "carrier. Supplier admins, warehouse staff and sales managers.", Response = typeof(ShipmentPage),
        Query = ["status: picking, packed, dispatched, delivered or cancelled", "warehouse: a warehouse id", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.Sellers | ApiRoles.Warehouse)]
    public async Task<IActionResult> ListShipments(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/shipments")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Page(await shipments.ListAsync(req.Caller(), orgId, req.QueryEnum<ShipmentStatus>("status"), req.Query("warehouse"), req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetShipment))]
    [ApiOperation("Shipments", "Read a shipment", Description = "Its lines (order, line, SKU, base quantity, from which hold), warehouse, status, carrier and tracking number. " +
        "The supplier's staff and the buyer's.", Response = typeof(Shipment), Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> GetShipment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/shipments/{shipmentId}")] HttpRequest req, string orgId, string shipmentId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await shipments.GetAsync(req.Caller(), orgId, shipmentId, cancellationToken).ConfigureAwait(false)));

    [Function(nameof(MoveShipment))]
    [ApiOperation("Shipments", "Move a shipment along its lifecycle", Description = "picking → packed → dispatched (`carrier` and `trackingNumber`, each at most 100 characters: its stock " +
        "leaves the warehouse, 409 when the warehouse no longer has it) → delivered; picking or packed → cancelled (`reason`, at most 2,000 characters). Supplier admins and warehouse staff; " +
        "the buyer's admins and purchasers may confirm delivery. The orders follow: partially shipped, shipped, delivered. An illegal move is 409 with `currentStatus` and `allowedStatuses`.",
        Request = typeof(ShipmentMove), Response = typeof(Shipment), Roles = ApiRoles.Shoppers | ApiRoles.SupplierAdmin | ApiRoles.Warehouse, BySide = true)]
    public async Task<IActionResult> MoveShipment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/shipments/{shipmentId}/status")] HttpRequest req, string orgId, string shipmentId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await shipments.MoveAsync(req.Caller(), orgId, shipmentId, await req.ReadJsonAsync<ShipmentMove>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    /// <summary>The outbox is the system's business.</summary>
    private static Shipment Hide(Shipment shipment) => shipment with { Outbox = Outbox.Empty };

    private static Versioned<Shipment> Hide(Versioned<Shipment> shipment) => shipment with { Value = Hide(shipment.Value) };

    public sealed record ShipmentList(IReadOnlyList<Shipment> Items);

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record ShipmentPage(IReadOnlyList<ShipmentSummary> Items, string? Next);

    public sealed record ProposalList(IReadOnlyList<ConsolidationProposal> Items);
}
