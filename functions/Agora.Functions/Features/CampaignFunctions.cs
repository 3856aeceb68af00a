using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Campaigns (broadcasts, abandoned-cart and reactivation sequences) and the supplier's marketing settings, for
/// supplier admins and sales managers; the timer <see cref="RunCampaigns"/> sends what is due.</summary>
public sealed class CampaignFunctions(CampaignService campaigns, CampaignRunner runner)
{
    private const string Rules = "Fields: name (1 to 200 characters); kind: broadcast (default), abandonedCart or reactivation; " +
        "segment (every filter given must hold): categories (customer categories, up to 50), customers (buyer organization ids, up to 1,000), abandonedCartHours (1 to 2,160), " +
        "inactive (later than the customer usually orders), notLoggedInDays (1 to 730), bought {category, from, to} (a product category ordered in those months, at most three years), " +
        "cartHasOfferProduct (a product of the offer's promotion in a cart); offer {promotionId, couponPerCustomer} (a promotion of your pricing rules; personal codes need its coupon code); " +
        "messages {\"pt-BR\"|\"en\": {subject (1 to 200, one line), body (1 to 10,000; placeholders {{name}}, {{company}}, {{coupon}}, {{offer}}, {{cart}}, {{hint}}, {{link}})}} — " +
        "each recipient reads its organization's language (Portuguese for Brazil and Portugal, else English), else the other; " +
        "schedule (broadcasts): {at} once, or {cron (five fields, UTC, at most hourly), until}; none: as soon as it is activated; " +
        "steps (sequences, 1 to 5): {afterHours (1 to 2,160, increasing), offer, messages}, after the cart's last change or the day the customer became inactive; " +
        "sendWithinHours (1 to 168, default 72): how long a send may wait for quiet hours or the weekly cap. Unknown fields are refused.";

    [Function(nameof(GetMarketingSettings))]
    [ApiOperation("Marketing", "Read the marketing settings", Description = "The weekly cap, quiet hours, the inactivity rule, the attribution window and which idle carts make a task. Supplier staff.",
        Response = typeof(MarketingSettings), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetMarketingSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/marketing/settings")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await campaigns.GetSettingsAsync(req.Caller(), supplierId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutMarketingSettings))]
    [ApiOperation("Marketing", "Change the marketing settings", Description = "Supplier admins. Every field is optional (the default when left out): maxPerWeek 0 to 50 (default 2, across every campaign); " +
        "quietFrom/quietUntil HH:mm in each recipient's time zone (default 21:00 to 08:00; equal: none); inactiveFloorDays 1 to 730 (default 30) and inactiveFactor 1 to 10 (default 2): " +
        "a customer is inactive factor × its usual interval between orders after its last order, never sooner than the floor; attributionDays 1 to 90 (default 7); " +
        "taskCartValues {currency: value above 0} and taskCartAfterHours 1 to 720 (default 48): a cart worth that much left that long gives its sales manager a task. " +
        "The first PUT creates; replacing needs If-Match with the ETag read (428 without, 412 when stale).",
        Request = typeof(MarketingSettingsInput), Response = typeof(MarketingSettings), Roles = ApiRoles.SupplierAdmin)]
    public async Task<IActionResult> PutMarketingSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/marketing/settings")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await campaigns.PutSettingsAsync(req.Caller(), supplierId, await req.ReadJsonAsync<MarketingSettingsInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetCustomerSignals))]
    [ApiOperation("Marketing", "Read a customer's signals", Description = "Kept as things happen: last order and login, orders and revenue counted, the usual days between " +
        "orders (a weighted mean, newest counting most), when the customer counts as inactive by your rule (inactiveAt), the categories it ordered by month, " +
        "the campaign emails its people got lately. Supplier staff.", Response = typeof(CustomerSignals), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetCustomerSignals(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/customers/{buyerId}/signals")] HttpRequest req, string supplierId, string buyerId, CancellationToken cancellationToken) =>
        Api.Ok(await campaigns.SignalsAsync(req.Caller(), supplierId, buyerId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListCampaigns))]
    [ApiOperation("Marketing", "List campaigns", Description = "In creation order. Supplier admins and sales managers.", Response = typeof(CampaignPage),
        Query = ["status: draft, active, paused or ended", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> ListCampaigns(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/campaigns")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Page(await campaigns.ListAsync(req.Caller(), supplierId, req.QueryEnum<CampaignStatus>("status"), req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(CreateCampaign))]
    [ApiOperation("Marketing", "Create a campaign (a draft)", Description = Rules, Request = typeof(CampaignInput), Response = typeof(CampaignView), Status = 201, Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> CreateCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{supplierId}/campaigns")] HttpRequest req, string supplierId, CancellationToken cancellationToken)
    {
        var created = await campaigns.CreateAsync(req.Caller(), supplierId, await req.ReadJsonAsync<CampaignInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        return Api.Created(req, created.Value.Campaign.Id, created);
    }

    [Function(nameof(GetCampaign))]
    [ApiOperation("Marketing", "Read a campaign and its results", Description = "results: sent, deferred (waiting for quiet hours or the weekly cap), suppressed (opted out), " +
        "delivered, opened, clicked, bounced, spam reports, unsubscribed (from SendGrid's events), orders and revenue per currency (an order that used the campaign's coupon, " +
        "or placed within the attribution window after its email). The ETag is the version to name when changing it.", Response = typeof(CampaignView), Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> GetCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/campaigns/{campaignId}")] HttpRequest req, string supplierId, string campaignId, CancellationToken cancellationToken) =>
        Api.Ok(req, await campaigns.GetAsync(req.Caller(), supplierId, campaignId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(ChangeCampaign))]
    [ApiOperation("Marketing", "Change a draft or paused campaign", Description = Rules + " Needs If-Match with the ETag read (428 without, 412 when stale); an active campaign is paused first (409).",
        Request = typeof(CampaignInput), Response = typeof(CampaignView), Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> ChangeCampaign(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/campaigns/{campaignId}")] HttpRequest req, string supplierId, string campaignId, CancellationToken cancellationToken) =>
        Api.Ok(req, await campaigns.ChangeAsync(req.Caller(), supplierId, campaignId, await req.ReadJsonAsync<CampaignInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(SetCampaignStatus))]
    [ApiOperation("Marketing", "Activate, pause, resume or end a campaign", Description = "status: active (checks its offers against your promotions and schedules its first run), " +
        "paused, or ended (final). Draft → active or ended; active ↔ paused; either → ended.", Request = typeof(CampaignStatusInput), Response = typeof(CampaignView), Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> SetCampaignStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{supplierId}/campaigns/{campaignId}/status")] HttpRequest req, string supplierId, string campaignId, CancellationToken cancellationToken) =>
        Api.Ok(req, await campaigns.SetStatusAsync(req.Caller(), supplierId, campaignId, await req.ReadJsonAsync<CampaignStatusInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    /// <summary>Every 15 minutes (<c>CampaignSchedule</c>, six-field cron, UTC): the campaign runs due, and the tasks the
    /// signals made due. An operator runs it now with <c>POST /admin/functions/RunCampaigns</c> (master key).</summary>
    [Function(nameof(RunCampaigns))]
    public Task RunCampaigns([TimerTrigger("%CampaignSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunDueAsync(cancellationToken);

    public sealed record CampaignPage(IReadOnlyList<Campaign> Items, string? Next);
}
