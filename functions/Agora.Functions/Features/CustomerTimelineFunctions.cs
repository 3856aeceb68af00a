using Agora.Core.Marketing;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>One history per customer account, for the supplier's staff.</summary>
public sealed class CustomerTimelineFunctions(CustomerHistoryService history)
{
    [Function(nameof(GetCustomerTimeline))]
    [ApiOperation("Timeline", "Read a customer's timeline", Description = "Supplier staff. Every entry of the customer's carts, quotes, orders, shipments, returns and invoices " +
        "(about: the document it was written on), the sales tasks raised, done and snoozed with their notes, and sign-ins of its people (once an hour at most); oldest first. " +
        "Internal entries of the buyer are not shown.", Response = typeof(TimelineFunctions.TimelinePage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 200 (default 100)"], Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetCustomerTimeline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/customers/{buyerId}/timeline")] HttpRequest req, string orgId, string buyerId, CancellationToken cancellationToken) =>
        Api.Page(await history.ListAsync(req.Caller(), orgId, buyerId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));
}
