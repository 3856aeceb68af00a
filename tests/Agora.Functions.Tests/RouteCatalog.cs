using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Testing;

namespace Agora.Functions.Tests;

/// <summary>Every HTTP route with a request that succeeds for its permitted callers, on data made fresh for it: the access
/// matrix calls them as every role, the robustness suite breaks their bodies, queries and route values. The table must name
/// every route of functions.metadata, so a new route cannot ship without its row.</summary>
internal static class RouteCatalog
{
    // Supplier staff without admin rights, in the supplier organization under test, and its admin (every role).
    public const string Admin = "m-admin";
    public const string Sales = "m-sales";
    public const string Pricing = "m-pricing";
    public const string Warehouse = "m-warehouse";

    /// <summary>OrgScoped: the route reads or changes one organization's data. AcceptInvitation is checked in
    /// InvitationFlowTests instead: by design, whoever holds an invitation may call it without being a member.
    /// Arrange: what the row needs beyond <see cref="ArrangeAsync"/> (an import to read, a rule to delete).</summary>
    public sealed record Row(string Function, Func<Ids, object?> Body, string[] Forbidden, bool OrgScoped = true)
    {
        public string Query { get; init; } = string.Empty;

        public Func<BackendFixture, Ids, HttpClient, Task<Ids>>? Arrange { get; init; }
    }

    /// <summary>The organization under test (supplier and buyer, with staff), a customer of it, and a vendor it buys from.</summary>
    public sealed record Ids(string Org, string Customer, string Vendor, string Member, string Invitation)
    {
        public const string Sku = "P-1";
        public const string WarehouseId = "w1";
        public const string RuleId = "r1";

        public string ImportId { get; init; } = "none";

        public string LineId { get; init; } = "none";

        public string ListId { get; init; } = "none";

        public string OrderId { get; init; } = "none";

        public string QuoteId { get; init; } = "none";

        public string CartId { get; init; } = "none";

        public string Fill(string route) => (route.Contains("/suppliers", StringComparison.Ordinal)
            ? route.Replace("{buyerId}", Org, StringComparison.Ordinal).Replace("{supplierId}", Vendor, StringComparison.Ordinal)
            : route.Replace("{orgId}", Org, StringComparison.Ordinal).Replace("{supplierId}", Org, StringComparison.Ordinal)
                .Replace("{buyerId}", Customer, StringComparison.Ordinal).Replace("{userId}", Member, StringComparison.Ordinal)
                .Replace("{invitationId}", Invitation, StringComparison.Ordinal))
            .Replace("{sku}", Sku, StringComparison.Ordinal).Replace("{warehouseId}", WarehouseId, StringComparison.Ordinal)
            .Replace("{category}", "retail", StringComparison.Ordinal)
            .Replace("{importId}", ImportId, StringComparison.Ordinal).Replace("{kind}", "lists", StringComparison.Ordinal)
            .Replace("{ruleId}", RuleId, StringComparison.Ordinal).Replace("{listId}", "base", StringComparison.Ordinal)
            .Replace("{unit}", "UN", StringComparison.Ordinal).Replace("{minQuantity}", "1", StringComparison.Ordinal)
            .Replace("{lineId}", LineId, StringComparison.Ordinal).Replace("{savedListId}", ListId, StringComparison.Ordinal).Replace("{orderId}", OrderId, StringComparison.Ordinal)
            .Replace("{quoteId}", QuoteId, StringComparison.Ordinal).Replace("{cartId}", CartId, StringComparison.Ordinal).Replace("{addressId}", "hq", StringComparison.Ordinal);
    }

    public static readonly Row[] Rows =
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
        new("AcceptInvitation", _ => new { token = "not-a-token-anyone-was-sent" }, [], OrgScoped: false),
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
        new("PushStock", _ => new { items = new[] { new { sku = Ids.Sku, warehouseId = Ids.WarehouseId, onHand = 5, asOf = DateTimeOffset.UtcNow.AddSeconds(-1) } } }, [Sales, Pricing]),
        new("UploadImport", _ => null, [Sales, Warehouse]) { Query = "?kind=prices&file=p.csv" },
        new("GetImport", _ => null, []) { Arrange = ImportAsync },
        new("ListImports", _ => null, []),
        new("Quote", _ => new { lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 2 } } }, [Sales, Pricing, Warehouse]),
        new("GetPricingSettings", _ => null, []),
        new("PutPricingSettings", _ => new { resolution = "mostSpecific" }, [Sales, Warehouse]),
        new("ListPricingRules", _ => null, []),
        new("GetPricingRule", _ => null, []) { Arrange = PriceListAsync },
        new("PutPriceList", _ => new { name = "VIP", currency = "BRL", audience = "category:retail" }, [Sales, Warehouse]),
        new("PutDiscountRule", _ => new { name = "Rate", percent = 5 }, [Sales, Warehouse]),
        new("PutVolumeDiscount", _ => new { name = "Big", minOrderValue = 100, percent = 2 }, [Sales, Warehouse]),
        new("PutPromotion", _ => new { name = "Promo", reward = new { kind = "percentOff", percent = 5 } }, [Sales, Warehouse]),
        new("PutQuantityRule", _ => new { unit = "UN", multiple = 2 }, [Sales, Warehouse]),
        new("DeletePricingRule", _ => null, [Sales, Warehouse]) { Arrange = PriceListAsync },
        new("ListPrices", _ => null, []),
        new("PutPrice", _ => new { price = 10 }, [Sales, Warehouse]),
        new("DeletePrice", _ => null, [Sales, Warehouse]) { Arrange = PriceAsync },
        new("BrowseCatalog", _ => null, [Sales, Pricing, Warehouse]),
        new("GetCatalogProduct", _ => null, [Sales, Pricing, Warehouse]),

        // Buying at the vendor: only the admin holds a buyer role in the organization under test.
        new("GetCart", _ => null, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("AddCartLines", _ => new { lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 1 } } }, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("ChangeCartLine", _ => new { quantity = 2 }, [Sales, Pricing, Warehouse]) { Arrange = CartLineAsync },
        new("RemoveCartLine", _ => null, [Sales, Pricing, Warehouse]) { Arrange = CartLineAsync },
        new("ClearCart", _ => null, [Sales, Pricing, Warehouse]) { Arrange = CartLineAsync },
        new("SetCartCoupons", _ => new { couponCodes = new[] { "PROMO" } }, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("QuickOrder", _ => null, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("Reorder", ids => new { orderId = ids.OrderId }, [Sales, Pricing, Warehouse]) { Arrange = PurchaseAsync },
        new("CreateList", _ => new { name = "Weekly", lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 3 } } }, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("ListLists", _ => null, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("GetList", _ => null, [Sales, Pricing, Warehouse]) { Arrange = ListAsync },
        new("ChangeList", _ => new { name = "Monthly", visibility = "shared" }, [Sales, Pricing, Warehouse]) { Arrange = ListAsync },
        new("DeleteList", _ => null, [Sales, Pricing, Warehouse]) { Arrange = ListAsync },
        new("ListToCart", _ => null, [Sales, Pricing, Warehouse]) { Arrange = ListAsync },
        new("Checkout", _ => new { addressId = "hq", purchaseOrderNumber = "PO-7" }, [Sales, Pricing, Warehouse]) { Arrange = CartLineAsync },
        new("RequestQuote", _ => new { comment = "Best price?", lines = new[] { new { sku = Ids.Sku, quantity = 5 } } }, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("ReviseQuote", _ => new { comment = "And for 10?" }, [Sales, Pricing, Warehouse]) { Arrange = ProposedPurchaseQuoteAsync },

        // Selling to the customer.
        new("GetCartById", _ => null, [Pricing, Warehouse]) { Arrange = CustomerCartAsync },
        new("CommentOnCart", _ => new { text = "Can I help?" }, [Pricing, Warehouse]) { Arrange = CustomerCartAsync },
        new("GetCartTimeline", _ => null, [Pricing, Warehouse]) { Arrange = CustomerCartAsync },
        new("ListOrders", _ => null, []),
        new("ListOrdersWaitingForMe", _ => null, []),
        new("GetOrder", _ => null, []) { Arrange = SaleAsync },
        new("MoveOrder", _ => new { status = "confirmed" }, [Pricing, Warehouse]) { Arrange = SaleAsync },
        new("DecideOrder", _ => new { decision = "approve", comment = "Credit is fine" }, [Pricing, Warehouse]) { Arrange = PendingSaleAsync },
        new("CommentOnOrder", _ => new { text = "Shipping tomorrow", @internal = false }, []) { Arrange = SaleAsync },
        new("GetOrderTimeline", _ => null, []) { Arrange = SaleAsync },
        new("ListQuotes", _ => null, []),
        new("ListQuotesWaitingForMe", _ => null, []),
        new("GetQuote", _ => null, []) { Arrange = QuoteRequestAsync },
        new("ProposeQuote", _ => new { lines = new[] { new { line = 1, unitPrice = 9.5m } }, paymentTermsDays = new[] { 30 }, comment = "For you" }, [Pricing, Warehouse]) { Arrange = QuoteRequestAsync },
        new("DecideQuotePrices", _ => new { decision = "approve" }, [Sales, Warehouse]) { Arrange = BelowMarginQuoteAsync },
        new("MoveQuote", _ => new { status = "withdrawn", comment = "Discontinued" }, [Pricing, Warehouse]) { Arrange = QuoteRequestAsync },
        new("CommentOnQuote", _ => new { text = "Looking into it" }, []) { Arrange = QuoteRequestAsync },
        new("GetQuoteTimeline", _ => null, []) { Arrange = QuoteRequestAsync },
        new("GetOrderingSettings", _ => null, []),
        new("PutOrderingSettings", _ => new { backorders = "allow", pendingHoldHours = 48 }, [Sales, Pricing, Warehouse]),
        new("ListApprovalRules", _ => null, []),
        new("GetApprovalRule", _ => null, []) { Arrange = ApprovalRuleAsync },
        new("PutApprovalRule", _ => new { name = "Large order", side = "supplier", condition = "orderTotalAbove", amount = new { value = 1000, currency = "BRL" },
            tiers = new[] { new { roles = new[] { "supplierAdmin" }, require = "any" } } }, [Sales, Pricing, Warehouse]),
        new("DeleteApprovalRule", _ => null, [Sales, Pricing, Warehouse]) { Arrange = ApprovalRuleAsync },
        new("ListAddresses", _ => null, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("GetAddress", _ => null, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
        new("PutAddress", _ => Address("Depot"), [Sales, Pricing, Warehouse]),
        new("DeleteAddress", _ => null, [Sales, Pricing, Warehouse]) { Arrange = SalesAsync },
    ];

    public static object Address(string label) => new { label, recipient = "Receiving", line1 = "Rua A, 1", city = "São Paulo", postalCode = "01000-000", country = "BR" };

    public static object Product(string name) => new { name, category = "Tools > Drills", baseUnit = "UN", saleUnits = new[] { new { code = "CX", factor = 12 } } };

    public static Row RowOf(string function) => Rows.Single(r => r.Function == function);

    /// <summary>The routes of functions.metadata joined with their rows.</summary>
    public static IEnumerable<(Row Row, string Method, string Route)> Routes(bool orgScopedOnly) =>
        from route in BackendFixture.HttpRoutes()
        join row in Rows on route.Name equals row.Function
        where row.OrgScoped || !orgScopedOnly
        select (row, route.Method, route.Route);

    /// <summary>The organization under test with supplier staff in every role and a member to act on, a customer with an
    /// account at it, a vendor at which it has an account, and a pending invitation; then what <paramref name="row"/> needs.</summary>
    public static async Task<Ids> ArrangeAsync(BackendFixture backend, Row? row = null)
    {
        var org = await backend.OrganizationAsync(Admin, ["supplier", "buyer"], (Sales, ["salesManager"]), (Pricing, ["pricingManager"]), (Warehouse, ["warehouse"]), ("m-target", ["warehouse"]));
        var customer = await backend.OrganizationAsync("c-admin", ["buyer"]);
        var vendor = await backend.OrganizationAsync("v-admin", ["supplier", "buyer"]);
        using var admin = AdminClient(backend);
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

        var ids = new Ids(org, customer, vendor, "m-target", (string)invitation["id"]!);
        return row?.Arrange is { } arrange ? await arrange(backend, ids, admin) : ids;
    }

    public static HttpClient AdminClient(BackendFixture backend) => backend.As(Admin, $"{Admin}@test.example");

    /// <summary>Sends <paramref name="body"/> (JSON, when not null); a PUT carries the current ETag, read by the admin, so that
    /// the call is judged on its role and body, not on a missing or stale precondition.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, object? body, string? rawBody = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (rawBody is not null)
        {
            request.Content = new StringContent(rawBody, System.Text.Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        else if (method == "POST" && path.Contains("/imports", StringComparison.Ordinal))
        {
            request.Content = new StringContent("sku;unidade;preco\nP-1;UN;10,00\n", System.Text.Encoding.UTF8, "text/csv");
        }
        else if (method == "POST" && path.Contains("/quick-order", StringComparison.Ordinal))
        {
            request.Content = new StringContent($"{Ids.Sku} 2 UN\n", System.Text.Encoding.UTF8, "text/plain");
        }

        if (method == "POST")
        {
            // Checkout needs one; elsewhere it is harmless (a new key is a new request).
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }

        if (method == "PUT")
        {
            using var admin = new HttpClient { BaseAddress = client.BaseAddress };
            admin.DefaultRequestHeaders.Authorization = new("Bearer", TestTokens.For(Admin, $"{Admin}@test.example"));
            if ((await admin.GetAsync(path)).Headers.ETag is { } etag)
            {
                request.Headers.IfMatch.Add(etag);
            }
        }

        return await client.SendAsync(request);
    }

    /// <summary>The success status the OpenAPI document gives each operation (200, 201, 202 or 204).</summary>
    public static async Task<IReadOnlyDictionary<string, int>> SuccessStatusesAsync(BackendFixture backend)
    {
        using var client = backend.Anonymous();
        var document = JsonNode.Parse(await client.GetStringAsync("/api/openapi.json"))!;
        return (from path in document["paths"]!.AsObject()
                from operation in path.Value!.AsObject()
                let responses = operation.Value!["responses"]!.AsObject()
                select ((string)operation.Value!["operationId"]!, int.Parse(responses.First(r => r.Key.StartsWith('2')).Key, System.Globalization.CultureInfo.InvariantCulture)))
            .ToDictionary(p => p.Item1, p => p.Item2);
    }

    /// <summary>What buying and selling need beyond <see cref="ArrangeAsync"/>: a price and stock of the product at both
    /// suppliers, and a delivery address for both buyers.</summary>
    private static async Task<Ids> SalesAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        using var vendor = backend.As("v-admin", "v-admin@test.example");
        using var customer = backend.As("c-admin", "c-admin@test.example");
        foreach (var (supplier, client) in new[] { (ids.Org, admin), (ids.Vendor, vendor) })
        {
            await BackendFixture.Ensure(await client.PutAsJsonAsync($"/api/orgs/{supplier}/pricing/lists/base/prices/{Ids.Sku}/UN/1", new { price = 10 }));
            await BackendFixture.Ensure(await client.PostAsJsonAsync($"/api/orgs/{supplier}/stock",
                new { items = new[] { new { sku = Ids.Sku, warehouseId = Ids.WarehouseId, onHand = 1000, asOf = DateTimeOffset.UtcNow.AddSeconds(-1) } } }));
        }

        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/addresses/hq", Address("HQ")));
        await BackendFixture.Ensure(await customer.PutAsJsonAsync($"/api/orgs/{ids.Customer}/addresses/hq", Address("HQ")));
        return ids;
    }

    /// <summary>The admin's cart at the vendor with one line.</summary>
    private static async Task<Ids> CartLineAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        var cart = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/suppliers/{ids.Vendor}/cart/lines", new { lines = new[] { new { sku = Ids.Sku, unit = "UN", quantity = 1 } } }));
        return ids with { LineId = (string)cart["lines"]![0]!["lineId"]! };
    }

    /// <summary>An order the organization placed at the vendor.</summary>
    private static async Task<Ids> PurchaseAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await CartLineAsync(backend, ids, admin);
        return ids with { OrderId = await CheckoutAsync(admin, ids.Org, ids.Vendor) };
    }

    private static async Task<Ids> ListAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        var list = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/suppliers/{ids.Vendor}/lists", new { name = "Weekly", lines = new[] { new { sku = Ids.Sku, quantity = 2 } } }));
        return ids with { ListId = (string)list["id"]! };
    }

    /// <summary>The customer's cart at the organization.</summary>
    private static async Task<Ids> CustomerCartAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        using var customer = backend.As("c-admin", "c-admin@test.example");
        var cart = await BackendFixture.Json(await customer.PostAsJsonAsync($"/api/orgs/{ids.Customer}/suppliers/{ids.Org}/cart/lines", new { lines = new[] { new { sku = Ids.Sku, quantity = 1 } } }));
        return ids with { CartId = (string)cart["id"]! };
    }

    /// <summary>An order the customer placed at the organization: 5 × 10 within its credit limit of 100 (placed), or 20 × 10
    /// past it (waiting for the supplier's credit approval).</summary>
    private static async Task<Ids> SaleAsync(BackendFixture backend, Ids ids, HttpClient admin) => await CustomerOrderAsync(backend, ids, admin, 5);

    private static async Task<Ids> PendingSaleAsync(BackendFixture backend, Ids ids, HttpClient admin) => await CustomerOrderAsync(backend, ids, admin, 20);

    private static async Task<Ids> CustomerOrderAsync(BackendFixture backend, Ids ids, HttpClient admin, int quantity)
    {
        ids = await SalesAsync(backend, ids, admin);
        using var customer = backend.As("c-admin", "c-admin@test.example");
        await BackendFixture.Ensure(await customer.PostAsJsonAsync($"/api/orgs/{ids.Customer}/suppliers/{ids.Org}/cart/lines", new { lines = new[] { new { sku = Ids.Sku, quantity } } }));
        return ids with { OrderId = await CheckoutAsync(customer, ids.Customer, ids.Org) };
    }

    private static async Task<string> CheckoutAsync(HttpClient buyer, string buyerId, string supplierId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orgs/{buyerId}/suppliers/{supplierId}/checkout") { Content = JsonContent.Create(new { addressId = "hq" }) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await buyer.SendAsync(request);
        await BackendFixture.Ensure(response);
        return (string)(await BackendFixture.Json(response))["id"]!;
    }

    /// <summary>A quote the customer asked the organization for.</summary>
    private static async Task<Ids> QuoteRequestAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        using var customer = backend.As("c-admin", "c-admin@test.example");
        var quote = await BackendFixture.Json(await customer.PostAsJsonAsync($"/api/orgs/{ids.Customer}/suppliers/{ids.Org}/quotes", new { comment = "Price for 5?", lines = new[] { new { sku = Ids.Sku, quantity = 5 } } }));
        return ids with { QuoteId = (string)quote["id"]! };
    }

    /// <summary>The same, proposed by the sales manager far below the price lists: it waits for a pricing manager.</summary>
    private static async Task<Ids> BelowMarginQuoteAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await QuoteRequestAsync(backend, ids, admin);
        using var sales = backend.As(Sales, $"{Sales}@test.example");
        await BackendFixture.Ensure(await sales.PostAsJsonAsync($"/api/orgs/{ids.Org}/quotes/{ids.QuoteId}/proposals", new { lines = new[] { new { line = 1, unitPrice = 1 } } }));
        return ids;
    }

    /// <summary>A quote the organization asked the vendor for, answered with a proposal.</summary>
    private static async Task<Ids> ProposedPurchaseQuoteAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        ids = await SalesAsync(backend, ids, admin);
        var quote = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{ids.Org}/suppliers/{ids.Vendor}/quotes", new { lines = new[] { new { sku = Ids.Sku, quantity = 5 } } }));
        using var vendor = backend.As("v-admin", "v-admin@test.example");
        await BackendFixture.Ensure(await vendor.PostAsJsonAsync($"/api/orgs/{ids.Vendor}/quotes/{(string)quote["id"]!}/proposals", new { lines = new[] { new { line = 1, unitPrice = 9.9m } } }));
        return ids with { QuoteId = (string)quote["id"]! };
    }

    private static async Task<Ids> ApprovalRuleAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/approval-rules/{Ids.RuleId}",
            new { name = "First order", side = "supplier", condition = "firstOrder", tiers = new[] { new { roles = new[] { "salesManager" }, require = "any" } } }));
        return ids;
    }

    private static async Task<Ids> ImportAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        var job = await BackendFixture.ImportAsync(admin, ids.Org, "prices", "p.csv", "sku;unidade;preco\nP-1;UN;10,00\n");
        return ids with { ImportId = (string)job["id"]! };
    }

    private static async Task<Ids> PriceListAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/pricing/lists/{Ids.RuleId}", new { name = "VIP", currency = "BRL", audience = "category:retail" }));
        return ids;
    }

    private static async Task<Ids> PriceAsync(BackendFixture backend, Ids ids, HttpClient admin)
    {
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{ids.Org}/pricing/lists/base/prices/{Ids.Sku}/UN/1", new { price = 10 }));
        return ids;
    }
}
