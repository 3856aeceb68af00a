using Agora.Core.Ordering;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Comments on, and timelines of, carts, quotes and orders, for both sides.</summary>
public sealed class TimelineFunctions(TimelineService timelines, QuoteService quotes)
{
    private const string Comment = "text: 1 to 4,000 characters; internal: true keeps a supplier's comment from the buyer. The other side is told by email.";
    private const string Timeline = "Every action (who, when, what changed) and comment, oldest first; each side sees its own internal entries and the shared ones.";

    [Function(nameof(CommentOnOrder))]
    [ApiOperation("Timeline", "Comment on an order", Description = Comment, Request = typeof(CommentInput), Response = typeof(TimelineEntry), Status = 201, Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> CommentOnOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/orders/{orderId}/comments")] HttpRequest req, string orgId, string orderId, CancellationToken cancellationToken) =>
        await CommentAsync(req, orgId, "orders", orderId, cancellationToken).ConfigureAwait(false);

    [Function(nameof(CommentOnQuote))]
    [ApiOperation("Timeline", "Comment on a quote", Description = Comment, Request = typeof(CommentInput), Response = typeof(TimelineEntry), Status = 201, Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> CommentOnQuote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/quotes/{quoteId}/comments")] HttpRequest req, string orgId, string quoteId, CancellationToken cancellationToken) =>
        await CommentAsync(req, orgId, "quotes", quoteId, cancellationToken).ConfigureAwait(false);

    [Function(nameof(CommentOnCart))]
    [ApiOperation("Timeline", "Comment on a cart or list", Description = Comment, Request = typeof(CommentInput), Response = typeof(TimelineEntry), Status = 201, Roles = ApiRoles.BuyerStaff | ApiRoles.Sellers, BySide = true)]
    public async Task<IActionResult> CommentOnCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/carts/{cartId}/comments")] HttpRequest req, string orgId, string cartId, CancellationToken cancellationToken) =>
        await CommentAsync(req, orgId, "carts", cartId, cancellationToken).ConfigureAwait(false);

    [Function(nameof(GetOrderTimeline))]
    [ApiOperation("Timeline", "Read an order's timeline", Description = Timeline, Response = typeof(TimelinePage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 200 (default 100)"], Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> GetOrderTimeline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/orders/{orderId}/timeline")] HttpRequest req, string orgId, string orderId, CancellationToken cancellationToken) =>
        Api.Page(await timelines.ListAsync(req.Caller(), orgId, "orders", orderId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetQuoteTimeline))]
    [ApiOperation("Timeline", "Read a quote's timeline", Description = Timeline, Response = typeof(TimelinePage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 200 (default 100)"], Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> GetQuoteTimeline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/quotes/{quoteId}/timeline")] HttpRequest req, string orgId, string quoteId, CancellationToken cancellationToken) =>
        Api.Page(await timelines.ListAsync(req.Caller(), orgId, "quotes", quoteId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetCartTimeline))]
    [ApiOperation("Timeline", "Read a cart's or list's timeline", Description = Timeline, Response = typeof(TimelinePage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 200 (default 100)"], Roles = ApiRoles.BuyerStaff | ApiRoles.Sellers, BySide = true)]
    public async Task<IActionResult> GetCartTimeline(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/carts/{cartId}/timeline")] HttpRequest req, string orgId, string cartId, CancellationToken cancellationToken) =>
        Api.Page(await timelines.ListAsync(req.Caller(), orgId, "carts", cartId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListQuotesWaitingForMe))]
    [ApiOperation("Quotes", "Quotes whose turn is yours", Description = "Requests for the sales manager, proposals below the margin for pricing managers, proposals for the buyer who asked; newest first.",
        Response = typeof(QuoteFunctions.QuotePage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], RoleRestricted = false, Roles = ApiRoles.AnyMember)]
    public async Task<IActionResult> ListQuotesWaitingForMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/inbox/quotes")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Page(await quotes.ListAsync(req.Caller(), orgId, null, null, waiting: true, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    private async Task<IActionResult> CommentAsync(HttpRequest req, string orgId, string kind, string id, CancellationToken cancellationToken)
    {
        var entry = await timelines.CommentAsync(req.Caller(), orgId, kind, id, await req.ReadJsonAsync<CommentInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return new JsonResult(entry, Core.Common.Json.Options) { StatusCode = StatusCodes.Status201Created };
    }

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record TimelinePage(IReadOnlyList<TimelineEntry> Items, string? Next);
}
