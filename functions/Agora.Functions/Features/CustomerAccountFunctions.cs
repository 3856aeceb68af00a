using Agora.Core.Accounts;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Customer accounts, from the supplier's side (customers) and the buyer's side (suppliers).</summary>
public sealed class CustomerAccountFunctions(CustomerAccountService accounts)
{
    [Function(nameof(CreateCustomerAccount))]
    [Idempotent]
    [ApiOperation("Customer accounts", "Open an account for a buyer", Description = "Supplier admins and sales managers (a sales manager's own portfolio).",
        Request = typeof(CustomerAccountInput), Response = typeof(CustomerAccount), Status = 201, Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> CreateCustomerAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{supplierId}/customers")] HttpRequest req, string supplierId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<CustomerAccountInput>(cancellationToken).ConfigureAwait(false);
        var created = await accounts.CreateAsync(req.Caller(), supplierId, input, cancellationToken).ConfigureAwait(false);
        return Api.Created(req, created.Value.BuyerId, created);
    }

    [Function(nameof(ListCustomerAccounts))]
    [ApiOperation("Customer accounts", "List a supplier's customer accounts", Response = typeof(AccountPage),
        Query = ["category: only accounts in this customer category", "cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> ListCustomerAccounts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/customers")] HttpRequest req, string supplierId, CancellationToken cancellationToken) =>
        Api.Page(await accounts.ListAsync(req.Caller(), supplierId, req.Query("category"), req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetCustomerAccount))]
    [ApiOperation("Customer accounts", "Read a customer account", Response = typeof(CustomerAccount), Roles = ApiRoles.SupplierStaff)]
    public async Task<IActionResult> GetCustomerAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{supplierId}/customers/{buyerId}")] HttpRequest req, string supplierId, string buyerId, CancellationToken cancellationToken) =>
        Api.Ok(req, await accounts.GetAsync(req.Caller(), supplierId, buyerId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(UpdateCustomerAccount))]
    [ApiOperation("Customer accounts", "Change a customer account's terms", Request = typeof(CustomerAccountInput), Response = typeof(CustomerAccount), IfMatch = true, Roles = ApiRoles.Sellers)]
    public async Task<IActionResult> UpdateCustomerAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{supplierId}/customers/{buyerId}")] HttpRequest req, string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<CustomerAccountInput>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(req, await accounts.UpdateAsync(req.Caller(), supplierId, buyerId, input, req.IfMatch(), cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(ListSupplierAccounts))]
    [ApiOperation("Customer accounts", "List a buyer's accounts at its suppliers", Response = typeof(AccountPage),
        Query = ["cursor: the 'next' value of the previous page", "limit: 1 to 100 (default 50)"], Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> ListSupplierAccounts(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{buyerId}/suppliers")] HttpRequest req, string buyerId, CancellationToken cancellationToken) =>
        Api.Page(await accounts.ListAsBuyerAsync(req.Caller(), buyerId, req.Query("cursor"), req.QueryInt("limit"), cancellationToken).ConfigureAwait(false));

    [Function(nameof(GetSupplierAccount))]
    [ApiOperation("Customer accounts", "Read a buyer's account at one supplier", Response = typeof(CustomerAccount), Roles = ApiRoles.BuyerStaff)]
    public async Task<IActionResult> GetSupplierAccount(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{buyerId}/suppliers/{supplierId}")] HttpRequest req, string buyerId, string supplierId, CancellationToken cancellationToken) =>
        Api.Ok(req, await accounts.GetAsBuyerAsync(req.Caller(), buyerId, supplierId, cancellationToken).ConfigureAwait(false));

    /// <summary>The page shape, for the OpenAPI document.</summary>
    public sealed record AccountPage(IReadOnlyList<CustomerAccount> Items, string? Next);
}
