using Agora.Core.Ordering;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Negotiated quotes (RFQ) between a buyer and a supplier's sales manager.</summary>
public sealed class QuoteFunctions(QuoteService quotes)
{
    [Function(nameof(RequestQuote))]
    [ApiOperation("Quotes", "Ask for a negotiated quote", Description = "From your cart (no `lines`) or the lines sent, with a comment (at most 4,000 characters). The customer's sales manager " +
        "(or the supplier's admins) is told by email. Each line is kept with the price lists' price for comparison.", Request = typeof(RequestQuote), Response = typeof(NegotiatedQuote), Status = 201, Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> RequestQuote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{buyerId}/suppliers/{supplierId}/quotes")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken)
    {
        var quote = await quotes.RequestAsync(req.Caller(), buyerId, supplierId, await req.ReadJsonAsync<RequestQuote>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        req.HttpContext.Response.Headers.Location = $"{req.PathBase}/api/orgs/{Uri.EscapeDataString(buyerId)}/quotes/{quote.Value.Id}";
        return Api.Created(req, quote.Value.Id, quote with { Value = quote.Value with { Outbox = Outbox.Empty } });
    }

    [Function(nameof(ListQuotes))]
    [ApiOperation("Quotes", "List quotes, newest first", Response = typeof(QuotePage),
        Query = ["side: sales or purchases (default: the side the caller works on)", "status: requested, pendingPriceApproval, proposed, accepted, declined, withdrawn, ordered",
            "waiting: true for the quotes whose turn is yours", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.AnyMember)]
    public async Task<IActionResult> ListQuotes(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/quotes")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Page(await quotes.ListAsync(req.Caller(), orgId, req.QueryEnum<OrderSide>("side"), req.QueryEnum<QuoteStatus>("status"), req.Query("waiting") == "true",
            req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetQuote))]
    [ApiOperation("Quotes", "Read a quote with every version", Response = typeof(NegotiatedQuote), Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> GetQuote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/quotes/{quoteId}")] HttpRequest req, string orgId, string quoteId, CancellationToken cancellationToken) =>
        Api.Ok(req, await quotes.GetAsync(req.Caller(), orgId, quoteId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(ProposeQuote))]
    [ApiOperation("Quotes", "Propose prices and terms", Description = "The customer's sales manager or a supplier admin. lines: { line, unitPrice } (0 to 1,000,000,000,000; lines left out keep the price " +
        "lists' price); paymentTermsDays: 1 to 12 installments of 0 to 365 days; incoterm; expiresAt: within a year (default: the supplier's quote validity). A price more than the supplier's " +
        "negotiation margin below the price lists waits for a pricing manager's approval before the buyer sees it.", Request = typeof(ProposalInput), Response = typeof(NegotiatedQuote), Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> ProposeQuote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/quotes/{quoteId}/proposals")] HttpRequest req, string orgId, string quoteId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await quotes.ProposeAsync(req.Caller(), orgId, quoteId, await req.ReadJsonAsync<ProposalInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    [Function(nameof(DecideQuotePrices))]
    [ApiOperation("Quotes", "Approve or reject a proposal below the margin", Description = "Pricing managers and supplier admins, never the proposal's author.", Request = typeof(ApprovalInput), Response = typeof(NegotiatedQuote), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> DecideQuotePrices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/quotes/{quoteId}/price-approval")] HttpRequest req, string orgId, string quoteId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await quotes.DecidePriceAsync(req.Caller(), orgId, quoteId, await req.ReadJsonAsync<ApprovalInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    [Function(nameof(ReviseQuote))]
    [ApiOperation("Quotes", "Answer a proposal with changes", Description = "The buyer: new lines (or the same) and a comment (required); the sales manager's turn again. At most 10 versions per quote.",
        Request = typeof(RevisionInput), Response = typeof(NegotiatedQuote), Roles = ApiRoles.Shoppers)]
    public async Task<IActionResult> ReviseQuote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/quotes/{quoteId}/revisions")] HttpRequest req, string orgId, string quoteId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await quotes.ReviseAsync(req.Caller(), orgId, quoteId, await req.ReadJsonAsync<RevisionInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    [Function(nameof(MoveQuote))]
    [ApiOperation("Quotes", "Accept, decline or withdraw a quote", Description = "status: accepted or declined (the buyer, on a proposal that has not expired), withdrawn (the supplier). " +
        "An accepted quote is checked out with `quoteId` at its prices.", Request = typeof(QuoteMove), Response = typeof(NegotiatedQuote), Roles = ApiRoles.Sellers | ApiRoles.Shoppers, BySide = true)]
    public async Task<IActionResult> MoveQuote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/quotes/{quoteId}/status")] HttpRequest req, string orgId, string quoteId, CancellationToken cancellationToken) =>
        Api.Ok(req, Hide(await quotes.MoveAsync(req.Caller(), orgId, quoteId, await req.ReadJsonAsync<QuoteMove>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false)));

    private static Core.Common.Versioned<NegotiatedQuote> Hide(Core.Common.Versioned<NegotiatedQuote> quote) => quote with { Value = quote.Value with { Outbox = Outbox.Empty } };

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record QuotePage(IReadOnlyList<QuoteSummary> Items, string? Next);
}
