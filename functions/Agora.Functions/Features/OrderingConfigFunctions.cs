using Agora.Core.Ordering;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>What organizations configure for ordering: a supplier's ordering settings, approval rules, delivery addresses.</summary>
public sealed class OrderingConfigFunctions(OrderingConfigService config)
{
    private const string Versioned = "The first PUT creates; replacing needs If-Match with the ETag read (428 without, 412 when stale).";

    [Function(nameof(GetOrderingSettings))]
    [ApiOperation("Ordering", "Read the ordering settings", Description = "Backorder policy, how long an order waiting for approval holds its stock, the negotiation margin, quote validity.",
        Response = typeof(OrderingSettings), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetOrderingSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/ordering/settings")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await config.GetSettingsAsync(req.Caller(), supplierId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutOrderingSettings))]
    [ApiOperation("Ordering", "Change the ordering settings", Description = "Supplier admins. backorders: refuse, allow, or allowUntil with backordersUntil (a date); pendingHoldHours: 1 to 720 " +
        "(default 72); negotiationMarginPercent: 0 to 100 (default 10); quoteValidityDays: 1 to 365 (default 30). " + Versioned, Request = typeof(OrderingSettingsInput), Response = typeof(OrderingSettings), Roles = ApiRoles.SupplierAdmin)]
    public async Task<IActionResult> PutOrderingSettings(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/ordering/settings")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await config.PutSettingsAsync(req.Caller(), supplierId, await req.ReadJsonAsync<OrderingSettingsInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(ListApprovalRules))]
    [ApiOperation("Approvals", "List the approval rules", Description = "The rules of the sides the caller works on. A supplier that set none has one: orders past the credit limit wait for a supplier admin or sales manager.",
        Response = typeof(IReadOnlyList<ApprovalRule>), RoleRestricted = false, Roles = ApiRoles.AnyMember)]
    public async Task<IActionResult> ListApprovalRules(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/approval-rules")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Ok(await config.ListRulesAsync(req.Caller(), orgId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetApprovalRule))]
    [ApiOperation("Approvals", "Read an approval rule", Description = "With the ETag a replace names.", Response = typeof(ApprovalRule), Roles = ApiRoles.AnyMember, BySide = true)]
    public async Task<IActionResult> GetApprovalRule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/approval-rules/{ruleId}")] HttpRequest req, string orgId, string ruleId, CancellationToken cancellationToken) =>
        Api.Ok(req, await config.GetRuleAsync(req.Caller(), orgId, ruleId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutApprovalRule))]
    [ApiOperation("Approvals", "Create or change an approval rule", Description = "The side's admin. side: buyer (purchases) or supplier (sales). condition — buyer: orderTotalAbove, monthlySpendAbove " +
        "(amount: { value 0 to 1,000,000,000,000, currency }; converted with the supplier's exchange rates, and applied when no rate converts), containsProducts (categories, skus), always; supplier: " +
        "orderTotalAbove, creditLimitExceeded, negotiatedPrice, firstOrder, always. tiers: 1 to 5, each { roles, require: any or all }, decided one after the other; nobody approves an order they " +
        "placed. order: 0 to 1,000 (rules are applied in this order). At most 50 rules. " + Versioned, Request = typeof(ApprovalRuleInput), Response = typeof(ApprovalRule), Roles = ApiRoles.Admins, BySide = true)]
    public async Task<IActionResult> PutApprovalRule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{orgId}/approval-rules/{ruleId}")] HttpRequest req, string orgId, string ruleId, CancellationToken cancellationToken) =>
        Api.Ok(req, await config.PutRuleAsync(req.Caller(), orgId, ruleId, await req.ReadJsonAsync<ApprovalRuleInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(DeleteApprovalRule))]
    [ApiOperation("Approvals", "Delete an approval rule", Status = 204, Roles = ApiRoles.Admins, BySide = true)]
    public async Task<IActionResult> DeleteApprovalRule(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{orgId}/approval-rules/{ruleId}")] HttpRequest req, string orgId, string ruleId, CancellationToken cancellationToken)
    {
        await config.DeleteRuleAsync(req.Caller(), orgId, ruleId, cancellationToken).ConfigureAwait(false);
        return Api.NoContent();
    }

    [Function(nameof(ListAddresses))]
    [ApiOperation("Addresses", "List the delivery addresses", Response = typeof(IReadOnlyList<Address>), Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> ListAddresses(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/addresses")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Ok(await config.ListAddressesAsync(req.Caller(), orgId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetAddress))]
    [ApiOperation("Addresses", "Read a delivery address", Response = typeof(Address), Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> GetAddress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/addresses/{addressId}")] HttpRequest req, string orgId, string addressId, CancellationToken cancellationToken) =>
        Api.Ok(req, await config.GetAddressAsync(req.Caller(), orgId, addressId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(PutAddress))]
    [ApiOperation("Addresses", "Create or change a delivery address", Description = "Buyer admins. label ≤ 100, recipient ≤ 200, line1 ≤ 200, line2 ≤ 200, city ≤ 100, region ≤ 100, postalCode ≤ 20, " +
        "country (ISO 3166-1 alpha-2), phone ≤ 40; at most 200 addresses. Orders keep the address they were placed with. " + Versioned, Request = typeof(AddressInput), Response = typeof(Address), Roles = ApiRoles.BuyerAdmin)]
    public async Task<IActionResult> PutAddress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{orgId}/addresses/{addressId}")] HttpRequest req, string orgId, string addressId, CancellationToken cancellationToken) =>
        Api.Ok(req, await config.PutAddressAsync(req.Caller(), orgId, addressId, await req.ReadJsonAsync<AddressInput>(cancellationToken).ConfigureAwait(false), req.IfMatch(), cancellationToken).ConfigureAwait(false));

    [Function(nameof(DeleteAddress))]
    [ApiOperation("Addresses", "Delete a delivery address", Status = 204, Roles = ApiRoles.BuyerAdmin)]
    public async Task<IActionResult> DeleteAddress(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{orgId}/addresses/{addressId}")] HttpRequest req, string orgId, string addressId, CancellationToken cancellationToken)
    {
        await config.DeleteAddressAsync(req.Caller(), orgId, addressId, cancellationToken).ConfigureAwait(false);
        return Api.NoContent();
    }
}
