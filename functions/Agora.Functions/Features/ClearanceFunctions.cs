using Agora.Core.Marketing;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Clearance of slow stock (issue 13, decision 0021b): the supplier's settings, the proposals of the nightly
/// analysis, and the pricing managers' decisions on them. The timer's schedule is the app setting
/// <c>ClearanceSchedule</c> (six-field cron, UTC); an operator runs it now with the host's admin endpoint
/// (<c>POST /admin/functions/ProposeClearance</c>, master key).</summary>
public sealed class ClearanceFunctions(ClearanceService clearance)
{
    private const string Deciders = "Supplier admins and pricing managers.";

    [Function(nameof(ProposeClearance))]
    public Task ProposeClearance([TimerTrigger("%ClearanceSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        clearance.RunAsync(cancellationToken);

    [Function(nameof(GetClearanceSettings))]
    [ApiOperation("Clearance", "Read the clearance settings", Description = "From how many days without a sale or receipt stock is slow, the discount proposed at that age and the most it grows to " +
        "(at three times the age), how long an accepted promotion runs, and whether slow stock is bundled with what it sells with. Defaults (not stored) until saved: 90 days, 10% to 30%, 30 days, bundles on.",
        Response = typeof(ClearanceSettings), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetClearanceSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/clearance/settings")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Ok(req, await clearance.GetSettingsAsync(req.Caller(), orgId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutClearanceSettings))]
    [ApiOperation("Clearance", "Change the clearance settings", Description = Deciders + " ageDays: 1 to 3,650 (default 90); baseDiscountPercent and maxDiscountPercent: more than 0, at most 90, " +
        "one decimal, max at least base (defaults 10 and 30); validityDays: 1 to 365 (default 30); bundle: true or false (default true). Saving makes the supplier part of the nightly analysis. " +
        "The first PUT creates; replacing needs If-Match with the ETag read (428 without, 412 when stale).", Request = typeof(ClearanceSettingsInput), Response = typeof(ClearanceSettings), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutClearanceSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{orgId}/clearance/settings")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Ok(req, await clearance.PutSettingsAsync(req.Caller(), orgId, await req.ReadJsonAsync<ClearanceSettingsInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListClearanceProposals))]
    [ApiOperation("Clearance", "List the clearance proposals", Description = "One per SKU and warehouse, the oldest stock first: open ones (replaced each night), and accepted or dismissed ones " +
        "while their promotion runs (or would have run).", Response = typeof(ProposalPage), Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 200 (default 50)"], Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> ListClearanceProposals(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/clearance/proposals")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Page(await clearance.ListAsync(req.Caller(), orgId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetClearanceProposal))]
    [ApiOperation("Clearance", "Read a clearance proposal", Description = "With the ETag an acceptance or dismissal may name in If-Match.", Response = typeof(ProposedClearance), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetClearanceProposal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/clearance/proposals/{proposalId}")] HttpRequest req, string orgId, string proposalId, CancellationToken cancellationToken) =>
        Api.Ok(req, await clearance.GetAsync(req.Caller(), orgId, proposalId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(AcceptClearanceProposal))]
    [ApiOperation("Clearance", "Accept a clearance proposal", Description = Deciders + " Makes a promotion marked as clearance, for every customer, from now until validTo, which quotes " +
        "explain like any other: a percentage off the SKU, or with bundle a bundle price for one base unit of it and of each companion with a general-list price (their sum less the discount). " +
        "The body is optional: discountPercent more than 0, at most 90, one decimal (default the proposal's); validTo after now, at most 365 days ahead (default now + validityDays); " +
        "bundle true or false (default: the settings' bundle, when the proposal has companions). Accepting an accepted proposal answers it and makes nothing more. If-Match, when sent, must " +
        "name the proposal as read (412 otherwise). 409 when the product has nothing on hand in the warehouse any more, when the proposal was dismissed, or when the product is on clearance from another warehouse.",
        Request = typeof(ClearanceAcceptance), Response = typeof(ProposedClearance), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> AcceptClearanceProposal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/clearance/proposals/{proposalId}/acceptance")] HttpRequest req, string orgId, string proposalId, CancellationToken cancellationToken)
    {
        var input = req.ContentLength is null or 0 && req.ContentType is null ? null : await req.ReadJsonAsync<ClearanceAcceptance>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(req, await clearance.AcceptAsync(req.Caller(), orgId, proposalId, input, req.IfMatch(), cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(DismissClearanceProposal))]
    [ApiOperation("Clearance", "Dismiss a clearance proposal", Description = Deciders + " Not proposed again for validityDays. Dismissing a dismissed proposal answers it; an accepted one is 409 " +
        "(change or delete its promotion instead). If-Match, when sent, must name the proposal as read.", Response = typeof(ProposedClearance), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> DismissClearanceProposal(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/clearance/proposals/{proposalId}/dismissal")] HttpRequest req, string orgId, string proposalId, CancellationToken cancellationToken) =>
        Api.Ok(req, await clearance.DismissAsync(req.Caller(), orgId, proposalId, req.IfMatch(), cancellationToken).ConfigureAwait(false));

    /// <summary>One page of proposals, as the listing answers it (for the OpenAPI document).</summary>
    public sealed record ProposalPage(IReadOnlyList<ProposedClearance> Items, string? Next);
}
