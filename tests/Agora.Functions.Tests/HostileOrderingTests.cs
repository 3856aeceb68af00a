using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>The sale as a careless or hostile caller uses it: the same cart checked out from two tabs, a company that
/// buys and sells moving its own purchase with its supplier roles, a buyer reading what its supplier kept internal.</summary>
[Collection(BackendCollection.Name)]
public sealed class HostileOrderingTests(BackendFixture backend)
{
    [Fact]
    public async Task Checkouts_of_one_cart_at_once_under_different_keys_order_it_once()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 3), (SalesMarket.Sku(1), "UN", 2));

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => m.CheckoutAsync(m.Purchaser)));

        var orders = (await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/orders")))["items"]!.AsArray();
        Assert.Single(orders);
        Assert.All(answers, a => Assert.Contains(a.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity }));
        Assert.Equal(3m, (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!.AsObject().Sum(s => (decimal)s.Value!["reserved"]!));
    }

    [Fact]
    public async Task An_organization_that_buys_and_sells_does_not_confirm_or_mark_paid_its_own_purchase()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        var both = await backend.OrganizationAsync(m.User("x-admin"), ["buyer", "supplier"]);
        using var admin = m.As("x-admin");
        await BackendFixture.Ensure(await m.SupplierAdmin.PostAsJsonAsync($"/api/orgs/{m.Supplier}/customers",
            new { buyerId = both, category = "construction", paymentTermsDays = new[] { 30 }, incoterm = "CIF", creditLimit = 1_000_000 }));
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{both}/addresses/hq",
            new { label = "Sede", recipient = "Recebimento", line1 = "Rua Funchal, 200", city = "São Paulo", region = "SP", postalCode = "04551-060", country = "BR" }));
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{both}/suppliers/{m.Supplier}/cart/lines", new { lines = new[] { new { sku = SalesMarket.Sku(0), quantity = 1 } } }));
        using var checkout = new HttpRequestMessage(HttpMethod.Post, $"/api/orgs/{both}/suppliers/{m.Supplier}/checkout") { Content = JsonContent.Create(new { addressId = "hq" }) };
        checkout.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var order = await BackendFixture.Json(await admin.SendAsync(checkout));
        Assert.Equal("placed", (string?)order["status"]);
        var path = $"/api/orgs/{both}/orders/{(string)order["id"]!}/status";

        var confirm = await admin.PostAsJsonAsync(path, new { status = "confirmed" });

        Assert.Equal(HttpStatusCode.Forbidden, confirm.StatusCode);
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{(string)order["id"]!}/status", new { status = "confirmed" }));
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.PostAsJsonAsync($"/api/orgs/{both}/orders/{(string)order["id"]!}/shipments",
            new { lots = new[] { new { warehouseId = "w1", lines = new[] { new { line = 0, quantity = 1 } } } } })).StatusCode);
        Assert.Equal("confirmed", (string?)(await SalesMarket.OrderAsync(admin, both, (string)order["id"]!))["status"]);
    }

    [Fact]
    public async Task A_buyer_never_reads_a_proposal_the_suppliers_pricing_manager_rejected_nor_why()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 10)); // 10.00 each
        var quoteId = (string)(await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/quotes", new { comment = "Preço?" })))["id"]!;
        var quotePath = $"/api/orgs/{m.Supplier}/quotes/{quoteId}";
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"{quotePath}/proposals", new { lines = new[] { new { line = 1, unitPrice = 5m } }, comment = "Interno: fecho a qualquer preço" }));

        await BackendFixture.Ensure(await m.Pricing.PostAsJsonAsync($"{quotePath}/price-approval", new { decision = "reject", comment = "Nosso custo é 8,00" }));

        var text = await (await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/quotes/{quoteId}")).Content.ReadAsStringAsync();
        var buyerView = JsonNode.Parse(text)!;
        Assert.Equal("requested", (string?)buyerView["status"]);
        Assert.Single(buyerView["versions"]!.AsArray());
        Assert.Null(buyerView["priceApproval"]);
        Assert.DoesNotContain("custo", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Interno", text, StringComparison.Ordinal);
        var listed = (await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/quotes")))["items"]!.AsArray().Single(q => (string?)q!["id"] == quoteId)!;
        Assert.Null(listed["proposedTotal"]);
        var supplierView = await BackendFixture.Json(await m.Sales.GetAsync(quotePath));
        Assert.Equal(2, supplierView["versions"]!.AsArray().Count);
        Assert.Equal("Nosso custo é 8,00", (string?)supplierView["priceApproval"]!["comment"]);
    }

    [Fact]
    public async Task A_proposal_that_prices_one_line_twice_is_refused_naming_the_second()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 10));
        var quoteId = (string)(await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/quotes", new { comment = "Preço?" })))["id"]!;

        var twice = await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/quotes/{quoteId}/proposals", new { lines = new[] { new { line = 1, unitPrice = 9.5m }, new { line = 1, unitPrice = 1m } } });

        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        Assert.NotNull((await BackendFixture.Json(twice))["errors"]!["lines[1].line"]);
        Assert.Equal("requested", (string?)(await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/quotes/{quoteId}")))["status"]);
    }

    [Fact]
    public async Task A_lists_etag_stays_valid_while_the_system_hands_its_history_on()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        var created = await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/lists", new { name = "Obra", lines = new[] { new { sku = SalesMarket.Sku(0), quantity = 2 } } });
        await BackendFixture.Ensure(created);
        var id = (string)(await BackendFixture.Json(created))["id"]!;
        var carts = backend.Backend.Services.GetRequiredService<Core.Ordering.ISalesDocuments<Core.Ordering.Cart>>();
        await BackendFixture.EventuallyAsync(async () => (await carts.FindAsync(id, default))!.Value.Outbox.IsEmpty, $"list {id}'s outbox to be handed on");

        using var rename = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/lists/{id}") { Content = JsonContent.Create(new { name = "Obra Paulista" }) };
        rename.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.ToString());
        var renamed = await m.Purchaser.SendAsync(rename);

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/lists/{id}") { Content = JsonContent.Create(new { name = "Outra" }) };
        stale.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.ToString());
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await m.Purchaser.SendAsync(stale)).StatusCode);
    }
}
