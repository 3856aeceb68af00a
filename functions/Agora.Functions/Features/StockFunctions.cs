using Agora.Core.Inventory;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Stock pushed by the supplier's ERP (a service principal with the warehouse role) or staff.</summary>
public sealed class StockFunctions(StockService stock)
{
    [Function(nameof(PushStock))]
    [ApiOperation("Stock", "Push on-hand counts", Description = "Absolute counts per product and warehouse, up to 1000 per call, each with the time it was measured (asOf, required; at most 5 minutes ahead of the server): " +
        "older counts never overwrite newer ones, so retries and out-of-order deliveries are harmless. Reservations are kept. Supplier admins and warehouse staff, " +
        "or an ERP signed in as a service principal that is a member with the warehouse role.",
        Request = typeof(StockPush), Response = typeof(StockPushResult), Roles = ApiRoles.SupplierAdmin | ApiRoles.Warehouse)]
    public async Task<IActionResult> PushStock(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{supplierId}/stock")] HttpRequest req, string supplierId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<StockPush>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(await stock.PushAsync(req.Caller(), supplierId, input, cancellationToken).ConfigureAwait(false));
    }
}
