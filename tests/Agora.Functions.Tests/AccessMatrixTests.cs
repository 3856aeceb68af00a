using System.Net;
using System.Net.Http.Json;
using Agora.Testing;

namespace Agora.Functions.Tests;

/// <summary>Every HTTP route, called by a member of another organization (404: the organization's data is not disclosed)
/// and by members without the role it needs (403). The table must name every route of functions.metadata, so a new route
/// cannot ship without its row.</summary>
[Collection(BackendCollection.Name)]
public sealed class AccessMatrixTests(BackendFixture backend)
{
    /// <summary>OrgScoped: the route reads or changes one organization's data. AcceptInvitation is checked in
    /// InvitationFlowTests instead: by design, whoever holds an invitation id may call it without being a member.</summary>
    private sealed record Row(string Function, Func<Ids, object?> Body, string[] Forbidden, bool OrgScoped = true)
    {
        public string Query { get; init; } = string.Empty;
    }

    /// <summary>The organization under test (supplier and buyer, with staff), a customer of it, and a vendor it buys from.</summary>
    private sealed record Ids(string Org, string Customer, string Vendor, string Member, string Invitation)
    {
        public string Fill(string route) => (route.Contains("/suppliers", StringComparison.Ordinal)
            ? route.Replace("{buyerId}", Org, StringComparison.Ordinal).Replace("{supplierId}", Vendor, StringComparison.Ordinal)
            : route.Replace("{orgId}", Org, StringComparison.Ordinal).Replace("{supplierId}", Org, StringComparison.Ordinal)
                .Replace("{buyerId}", Customer, StringComparison.Ordinal).Replace("{userId}", Member, StringComparison.Ordinal)
                .Replace("{invitationId}", Invitation, StringComparison.Ordinal))
            .Replace("{sku}", Sku, StringComparison.Ordinal).Replace("{warehouseId}", WarehouseId, StringComparison.Ordinal)
            .Replace("{category}", "retail", StringComparison.Ordinal)
            .Replace("{importId}", "none", StringComparison.Ordinal).Replace("{kind}", "lists", StringComparison.Ordinal)
            .Replace("{ruleId}", "r1", StringComparison.Ordinal).Replace("{listId}", "base", StringComparison.Ordinal)
            .Replace("{unit}", "UN", StringComparison.Ordinal).Replace("{minQuantity}", "1", StringComparison.Ordinal);

        public const string Sku = "P-1";
        public const string WarehouseId = "w1";
    }

    // Supplier staff without admin rights, in the supplier organization under test.
    private const string Sales = "m-sales";
    private const string Pricing = "m-pricing";
    private const string Warehouse = "m-warehouse";

    private static readonly Row[] Rows =
    [
        new("CreateOrganization", _ => new { name = "X", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "buyer" } }, [], OrgScoped: false),
        new("GetMe", _ => null, [], OrgScoped: false),
        new("GetHealth", _ => null, [], OrgScoped: false),
        new("GetOpenApi", _ => null, [], OrgScoped: false),
        new("ListPoisonMessages", _ => null, [], OrgScoped: false), // master key, not a member's role: PoisonQueueTests
        new("RedrivePoisonMessages", _ => null, [], OrgScoped: false),
        new("RedrivePoisonMessage", _ => null, [], OrgScoped: false),
        new("GetOrganization", _ => null, []),
        new("UpdateOrganization", _ => new { name = "Renamed", country = "BR", defaultCurrency = "BRL", capabilities = new[] { "supplier", "buyer" } }, [Sales, Pricing, Warehouse]),
        new("ListMembers", _ => null, []),
        new("SetMember", _ => new { roles = new[] { "warehouse" } }, [Sales, Pricing, Warehouse]),
        new("RemoveMember", _ => null, [Sales, Pricing, Warehouse]),
        new("CreateInvitation", _ => new { email = "someone@test.example", roles = new[] { "warehouse" } }, [Sales, Pricing, Warehouse]),
        new("ListInvitations", _ => null, [Sales, Pricing, Warehouse]),
        new("RevokeInvitation", _ => null, [Sales, Pricing, Warehouse]),
        new("AcceptInvitation", _ => null, [], OrgScoped: false),
        new("CreateCustomerAccount", ids => new { buyerId = ids.Vendor, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100 }, [Pricing, Warehouse]),
        new("ListCustomerAccounts", _ => null, []),
        new("GetCustomerAccount", _ => null, []),
        new("UpdateCustomerAccount", _ => new { category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100, salesManagerId = Sales }, [Pricing, Warehouse]),
        new("ListSupplierAccounts", _ => null, [Sales, Pricing, Warehouse]),
        new("GetSupplierAccount", _ => null, [Sales, Pricing, Warehouse]),
        new("PutProduct", _ => Product("Renamed"), [Sales, Warehouse]),
        new("GetProduct", _ => null, []),
        new("ListProducts", _ => null, []),
        new("ListWarehouses", _ => null, []),
        new("PutWarehouse", _ => new { name = "Main" }, [Sales, Pricing]),
        new("GetCategoryAssortment", _ => null, []),
        new("PutCategoryAssortment", _ => new { exclude = new { brands = new[] { "acme" } } }, [Sales, Warehouse]),
        new("GetCustomerAssortment", _ => null, []),
        new("PutCustomerAssortment", _ => new { include = new { skus = new[] { Ids.Sku } } }, [Sales, Warehouse]),
        new("PushStock", _ => new { items = new[] { new { sku = Ids.Sku, warehouseId = Ids.WarehouseId, onHand = 5 } } }, [Sales, Pricing]),
        new("UploadImport", _ => null, [Sales, Warehouse]) { Query = "?kind=prices&file=p.csv" },
        new("GetImport", _ => null, []),
        new("ListImports", _ => null, []),
        new("Quote", _ => new { lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 2 } } }, [Sales, Pricing, Warehouse]),
        new("GetPricingSettings", _ => null, []),
        new("PutPricingSettings", _ => new { resolution = "mostSpecific" }, [Sales, Warehouse]),
        new("ListPricingRules", _ => null, []),
        new("PutPriceList", _ => new { name = "VIP", currency = "BRL", audience = "category:retail" }, [Sales, Warehouse]),
        new("PutDiscountRule", _ => new { name = "Rate", percent = 5 }, [Sales, Warehouse]),
        new("PutVolumeDiscount", _ => new { name = "Big", minOrderValue = 100, percent = 2 }, [Sales, Warehouse]),
        new("PutPromotion", _ => new { name = "Promo", reward = new { kind = "percentOff", percent = 5 } }, [Sales, Warehouse]),
        new("PutQuantityRule", _ => new { unit = "UN", multiple = 2 }, [Sales, Warehouse]),
        new("DeletePricingRule", _ => null, [Sales, Warehouse]),
        new("ListPrices", _ => null, []),
        new("PutPrice", _ => new { price = 10 }, [Sales, Warehouse]),
        new("DeletePrice", _ => null, [Sales, Warehouse]),
        new("BrowseCatalog", _ => null, [Sales, Pricing, Warehouse]),
        new("GetCatalogProduct", _ => null, [Sales, Pricing, Warehouse]),
    ];

    private static object Product(string name) => new { name, category = "Tools > Drills", baseUnit = "UN", saleUnits = new[] { new { code = "CX", factor = 12 } } };

    [Fact]
    public void The_matrix_covers_every_http_route()
    {
        var routes = BackendFixture.HttpRoutes().Select(r => r.Name).Order(StringComparer.Ordinal);

        Assert.Equal(routes, Rows.Select(r => r.Function).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_member_of_another_organization_gets_404_on_every_organization_route()
    {
        var ids = await ArrangeAsync();
        var strangerOrg = await backend.OrganizationAsync("stranger-admin", ["supplier", "buyer"]);
        using var stranger = backend.As("stranger-admin", "stranger-admin@test.example");
        var failures = new List<string>();

        foreach (var (row, method, route) in OrgRoutes())
        {
            var response = await SendAsync(stranger, method, ids.Fill(route) + row.Query, row.Body(ids));
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                failures.Add($"{row.Function}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.NotNull(strangerOrg);
    }

    [Fact]
    public async Task A_member_without_the_role_gets_403_and_one_with_a_role_does_not()
    {
        var failures = new List<string>();
        foreach (var (row, method, route) in OrgRoutes())
        {
            foreach (var who in new[] { Sales, Pricing, Warehouse })
            {
                // Fresh data for each call, so that a permitted call (a removal, a revocation) cannot change the next one.
                var ids = await ArrangeAsync();
                using var client = backend.As(who, $"{who}@test.example");
                var response = await SendAsync(client, method, ids.Fill(route) + row.Query, row.Body(ids));
                var forbidden = row.Forbidden.Contains(who);
                if (forbidden != (response.StatusCode == HttpStatusCode.Forbidden))
                {
                    failures.Add($"{row.Function} as {who}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static IEnumerable<(Row Row, string Method, string Route)> OrgRoutes() =>
        from route in BackendFixture.HttpRoutes()
        join row in Rows on route.Name equals row.Function
        where row.OrgScoped
        select (row, route.Method, route.Route);

    /// <summary>The organization under test with supplier staff in every role and a member to act on, a customer with an
    /// account at it, a vendor at which it has an account, and a pending invitation.</summary>
    private async Task<Ids> ArrangeAsync()
    {
        var org = await backend.OrganizationAsync("m-admin", ["supplier", "buyer"], (Sales, ["salesManager"]), (Pricing, ["pricingManager"]), (Warehouse, ["warehouse"]), ("m-target", ["warehouse"]));
        var customer = await backend.OrganizationAsync("c-admin", ["buyer"]);
        var vendor = await backend.OrganizationAsync("v-admin", ["supplier", "buyer"]);
        using var admin = backend.As("m-admin", "m-admin@test.example");
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{org}/customers",
            new { buyerId = customer, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100, salesManagerId = Sales }));
        using var vendorAdmin = backend.As("v-admin", "v-admin@test.example");
        await BackendFixture.Ensure(await vendorAdmin.PostAsJsonAsync($"/api/orgs/{vendor}/customers",
            new { buyerId = org, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100 }));
        var invitation = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{org}/invitations", new { email = "invitee@test.example", roles = new[] { "warehouse" } }));
        foreach (var (supplier, client) in new[] { (org, admin), (vendor, vendorAdmin) })
        {
            await BackendFixture.Ensure(await client.PutAsJsonAsync($"/api/orgs/{supplier}/products/{Ids.Sku}", Product("Drill")));
            await BackendFixture.Ensure(await client.PutAsJsonAsync($"/api/orgs/{supplier}/warehouses/{Ids.WarehouseId}", new { name = "Main" }));
        }

        return new Ids(org, customer, vendor, "m-target", (string)invitation["id"]!);
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, object? body)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        if (method == "PUT")
        {
            // Updates need the current ETag; a stale one would answer 412 before the role is checked.
            using var admin = new HttpClient { BaseAddress = client.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For("m-admin", "m-admin@test.example"));
            var current = await admin.GetAsync(path);
            if (current.Headers.ETag is { } etag)
            {
                request.Headers.IfMatch.Add(etag);
            }
        }

        return await client.SendAsync(request);
    }
}
