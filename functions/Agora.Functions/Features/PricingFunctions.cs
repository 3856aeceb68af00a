using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Pricing;
using Agora.Functions.Http;
using Agora.Infrastructure.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Quotes for buyers, and the pricing rules pricing managers keep: price lists and their prices (in bulk from
/// price-list files, one at a time here), discount rates, volume discounts, promotions, quantity rules and the supplier's
/// pricing settings.</summary>
public sealed class PricingFunctions(PricingService pricing, PriceEntryService prices, PriceListPurger purger)
{
    private const string Managers = "Supplier admins and pricing managers change them; all supplier staff read them. The first PUT creates; a later one " +
        "replaces it whole and needs If-Match with the ETag read (428 without, 412 when stale).";
    private const string RuleCurrency = "currency: ISO 4217 code of its money values (the supplier's default currency when absent); quotes in another " +
        "currency convert them by the pricing settings' exchange rates, and without a rate the rule does not apply (the quote's hints say why). ";

    [Function(nameof(Quote))]
    [ApiOperation("Pricing", "Price a cart", Description = "Per line: the list price with the list and tier it came from, each discount and promotion with its amount, the net unit price and " +
        "the line total; totals are the sums of the rounded lines; quantity rules and upsell hints in words. Prices are in the customer account's currency. " +
        "`couponCodes`: at most 10 codes, each at most 64 characters (400 otherwise).",
        Request = typeof(QuoteRequest), Response = typeof(Quote), RoleRestricted = true, Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> Quote(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{buyerId}/suppliers/{supplierId}/quote")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<QuoteRequest>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(await pricing.QuoteAsync(req.Caller(), buyerId, supplierId, input, cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(GetPricingSettings))]
    [ApiOperation("Pricing", "Read the pricing settings", Description = "How lists compete (mostSpecific or lowestPrice), the cap on total discounts, exchange rates.", Response = typeof(PricingSettings), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetPricingSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/pricing/settings")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await pricing.GetSettingsAsync(req.Caller(), supplierId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutPricingSettings))]
    [ApiOperation("Pricing", "Change the pricing settings", Description = Managers, Request = typeof(PricingSettingsInput), Response = typeof(PricingSettings), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutPricingSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/pricing/settings")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await pricing.PutSettingsAsync(req.Caller(), supplierId, await req.ReadJsonAsync<PricingSettingsInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListPricingRules))]
    [ApiOperation("Pricing", "List pricing rules of one kind", Description = "kind: lists, discounts, volume-discounts, promotions or quantity-rules.", Response = typeof(IReadOnlyList<PricingRule>), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> ListPricingRules(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/pricing/{kind}")] HttpRequest req, string supplierId, string kind, CancellationToken cancellationToken) =>
        Api.Ok(await pricing.ListAsync(req.Caller(), supplierId, KindOf(kind), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetPricingRule))]
    [ApiOperation("Pricing", "Read one pricing rule", Description = "kind: lists, discounts, volume-discounts, promotions or quantity-rules. With the ETag a replace names in If-Match.",
        Response = typeof(PricingRule), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetPricingRule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/pricing/{kind}/{ruleId}")] HttpRequest req, string supplierId, string kind, string ruleId, CancellationToken cancellationToken) =>
        Api.Ok(req, await pricing.GetAsync(req.Caller(), supplierId, KindOf(kind), ruleId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutPriceList))]
    [ApiOperation("Pricing", "Create or change a price list", Description = "Audience: all, category:<category> or customer:<buyerId>. " + Managers, Request = typeof(PriceListInput), Response = typeof(PricingRule), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutPriceList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/pricing/lists/{ruleId}")] HttpRequest req, string supplierId, string ruleId, CancellationToken cancellationToken) =>
        Api.Ok(req, await pricing.PutListAsync(req.Caller(), supplierId, ruleId, await req.ReadJsonAsync<PriceListInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutDiscountRule))]
    [ApiOperation("Pricing", "Create or change a discount rate", Description = Managers, Request = typeof(DiscountRuleInput), Response = typeof(PricingRule), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutDiscountRule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/pricing/discounts/{ruleId}")] HttpRequest req, string supplierId, string ruleId, CancellationToken cancellationToken) =>
        Api.Ok(req, await pricing.PutDiscountAsync(req.Caller(), supplierId, ruleId, await req.ReadJsonAsync<DiscountRuleInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutVolumeDiscount))]
    [ApiOperation("Pricing", "Create or change an order volume discount", Description = RuleCurrency + Managers, Request = typeof(VolumeDiscountInput), Response = typeof(PricingRule), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutVolumeDiscount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/pricing/volume-discounts/{ruleId}")] HttpRequest req, string supplierId, string ruleId, CancellationToken cancellationToken) =>
        Api.Ok(req, await pricing.PutVolumeDiscountAsync(req.Caller(), supplierId, ruleId, await req.ReadJsonAsync<VolumeDiscountInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutPromotion))]
    [ApiOperation("Pricing", "Create or change a promotion", Description = "Rewards: percentOff, amountOff, fixedPrice, bonusProduct, bundlePrice. " + RuleCurrency + Managers, Request = typeof(PromotionInput), Response = typeof(PricingRule), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutPromotion(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/pricing/promotions/{ruleId}")] HttpRequest req, string supplierId, string ruleId, CancellationToken cancellationToken) =>
        Api.Ok(req, await pricing.PutPromotionAsync(req.Caller(), supplierId, ruleId, await req.ReadJsonAsync<PromotionInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutQuantityRule))]
    [ApiOperation("Pricing", "Create or change a quantity rule", Description = "Minimum, multiple and maximum in a sale unit. " + Managers, Request = typeof(QuantityRuleInput), Response = typeof(PricingRule), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutQuantityRule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/pricing/quantity-rules/{ruleId}")] HttpRequest req, string supplierId, string ruleId, CancellationToken cancellationToken) =>
        Api.Ok(req, await pricing.PutQuantityRuleAsync(req.Caller(), supplierId, ruleId, await req.ReadJsonAsync<QuantityRuleInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(DeletePricingRule))]
    [ApiOperation("Pricing", "Delete a pricing rule", Description = "kind: lists, discounts, volume-discounts, promotions or quantity-rules. A deleted list stops pricing at once " +
        "and its prices are removed in the background (the general list 'base' keeps its prices). A list that does not exist is 404, and prices imported under its id are kept. " + Managers, Status = 204, Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> DeletePricingRule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{supplierId}/pricing/{kind}/{ruleId}")] HttpRequest req, string supplierId, string kind, string ruleId, CancellationToken cancellationToken)
    {
        await pricing.DeleteAsync(req.Caller(), supplierId, KindOf(kind), ruleId, cancellationToken).ConfigureAwait(false);
        return Api.NoContent();
    }

    [Function(nameof(ListPrices))]
    [ApiOperation("Pricing", "List the prices of a price list", Description = "Ordered by SKU, unit and minimum quantity (the volume tiers); 'base' is the general list. All supplier staff.",
        Response = typeof(PricePage), Query = ["sku: only this SKU's prices", "cursor: the 'next' value of the previous page", "limit: 1 to 200 (default 50)"], Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> ListPrices(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/pricing/lists/{listId}/prices")] HttpRequest req, string supplierId, string listId, CancellationToken cancellationToken) =>
        Api.Page(await prices.ListAsync(req.Caller(), supplierId, listId, req.Query("sku"), req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutPrice))]
    [ApiOperation("Pricing", "Set one price of a price list", Description = "The price of a SKU in a sale unit from a minimum quantity (1 for the first tier), as a row of a price-list file sets it: " +
        "the SKU and unit must be in the catalog, the price above zero with its currency's decimals; currency BRL when absent. " + Managers, Request = typeof(PriceInput), Response = typeof(PriceEntry), Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> PutPrice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/pricing/lists/{listId}/prices/{sku}/{unit}/{minQuantity}")] HttpRequest req,
        string supplierId, string listId, string sku, string unit, string minQuantity, CancellationToken cancellationToken) =>
        Api.Ok(await prices.PutAsync(req.Caller(), supplierId, listId, sku, unit, minQuantity, await req.ReadJsonAsync<PriceInput>(cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false));

    [Function(nameof(DeletePrice))]
    [ApiOperation("Pricing", "Remove one price of a price list", Description = "Quotes stop using it at once; a file row with action 'delete' does the same. " + Managers, Status = 204, Roles = ApiRoles.SupplierAdmin | ApiRoles.PricingManager)]
    public async Task<IActionResult> DeletePrice(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{supplierId}/pricing/lists/{listId}/prices/{sku}/{unit}/{minQuantity}")] HttpRequest req,
        string supplierId, string listId, string sku, string unit, string minQuantity, CancellationToken cancellationToken)
    {
        await prices.DeleteAsync(req.Caller(), supplierId, listId, sku, unit, minQuantity, cancellationToken).ConfigureAwait(false);
        return Api.NoContent();
    }

    /// <summary>Removes the prices of a deleted list (<see cref="PriceListPurger"/>); the message is read as text and parsed
    /// with the API's JSON shape, as every queue message is.</summary>
    [Function(nameof(PurgePriceList))]
    public async Task PurgePriceList([QueueTrigger(StorageNames.PriceListPurgesQueue)] string message, CancellationToken cancellationToken)
    {
        var purge = JsonSerializer.Deserialize<PriceListPurge>(message, Json.Options) ?? throw new JsonException("The purge message is 'null'.");
        _ = await purger.PurgeAsync(purge, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record PricePage(IReadOnlyList<PriceEntry> Items, string? Next);

    private static PricingRuleKind KindOf(string kind) => kind switch
    {
        "lists" => PricingRuleKind.Lists,
        "discounts" => PricingRuleKind.Discounts,
        "volume-discounts" => PricingRuleKind.VolumeDiscounts,
        "promotions" => PricingRuleKind.Promotions,
        "quantity-rules" => PricingRuleKind.QuantityRules,
        _ => throw Core.Common.DomainException.NotFound("Kind of pricing rule", kind),
    };
}
