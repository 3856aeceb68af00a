using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Agora.Functions.Tests;

/// <summary>The sale end to end through the local runtime: carts, quick orders, negotiated quotes, checkout with approvals
/// on both sides, stock held per warehouse, the outbox handed on by the sales queue (timeline, emails, integration events).</summary>
[Collection(BackendCollection.Name)]
public sealed class OrderingTests(BackendFixture backend, ITestOutputHelper output)
{
    [Fact]
    public async Task A_forty_line_cart_in_mixed_units_is_priced_per_line_and_checks_out_as_a_placed_order_with_its_stock_held()
    {
        using var m = await SalesMarket.CreateAsync(backend);
        var lines = Enumerable.Range(0, 40).Select(i => (SalesMarket.Sku(i), i % 2 == 0 ? "CX" : (string?)null, (decimal)(i % 4 + 1))).ToArray();
        var cart = await m.AddAsync(m.Purchaser, lines);

        Assert.Equal(40, cart["lines"]!.AsArray().Count);
        Assert.True((bool)cart["canCheckOut"]!, cart.ToJsonString());
        Assert.All(cart["lines"]!.AsArray(), l => Assert.Equal("priced", (string?)l!["price"]!["status"]));
        Assert.Equal("UN", (string?)cart["lines"]![1]!["unit"]); // no unit: the product's base unit
        Assert.Equal(12m * 0.9m * 10m, (decimal)cart["lines"]![0]!["price"]!["netUnitPrice"]!); // CX of S0000: 12 × 10.00 less 10%

        var response = await m.CheckoutAsync(m.Purchaser);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await BackendFixture.Json(response);
        Assert.Equal("placed", (string?)order["status"]);
        Assert.Matches(@"^\d{4}-\d{6}$", (string)order["number"]!);
        Assert.Equal((decimal)cart["total"]!, (decimal)order["total"]!);
        Assert.Equal("PO-1", (string?)order["purchaseOrderNumber"]);
        Assert.Equal([30, 60], order["paymentTerms"]!["installmentDays"]!.AsArray().Select(d => (int)d!));
        var first = order["lines"]![0]!;
        Assert.Equal(12m, (decimal)first["baseQuantity"]!);
        Assert.Equal(12m, first["held"]!.AsArray().Sum(a => (decimal)a!["quantity"]!));
        var product = await m.ProductAsync(SalesMarket.Sku(0));
        Assert.Equal(12m, product["stock"]!.AsObject().Sum(s => (decimal)s.Value!["reserved"]!));

        var after = await BackendFixture.Json(await m.Purchaser.GetAsync(m.CartPath));
        Assert.Empty(after["lines"]!.AsArray());
        var timeline = await m.TimelineAsync(m.Purchaser, m.Buyer, (string)order["id"]!, 1);
        Assert.Contains(timeline, e => (string?)e!["action"] == "placed");
        await m.MailAsync("b-buyer", "placed");
        await m.MailAsync("s-sales", "New order");
        var events = await m.EventsAsync();
        var placed = Assert.Single(events, e => (string?)e["type"] == "order.placed");
        Assert.Equal(40, (int)placed["data"]!["order"]!["lineCount"]!);
        var href = (string)placed["data"]!["href"]!;
        Assert.Equal((string)order["id"]!, (string?)(await BackendFixture.Json(await m.Sales.GetAsync(href)))["id"]); // the whole order, read where the event says
    }

    [Fact]
    public async Task A_quick_order_from_a_windows_1252_spreadsheet_adds_its_good_rows_and_reports_each_bad_one_by_row()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 5);
        var csv = $"Código;Descrição;Qtde;Unidade\n{SalesMarket.Sku(1)};Parafuso cabeça chata;2;CX\n{SalesMarket.Sku(2)};Bucha açúcar;3,5;UN\n{SalesMarket.Sku(3)};Arruela;muitas;UN\nNAO-EXISTE;Produto fantasma;1;UN\n";
        using var content = new ByteArrayContent(Encoding.Latin1.GetBytes(csv));
        content.Headers.ContentType = new("text/csv");

        var response = await m.Purchaser.PostAsync($"{m.CartPath}/quick-order?file=pedido.csv", content);
        await BackendFixture.Ensure(response);
        var cart = await BackendFixture.Json(response);

        Assert.Equal([(SalesMarket.Sku(1), "CX", 2m), (SalesMarket.Sku(2), "UN", 3.5m)], cart["lines"]!.AsArray().Select(l => ((string)l!["sku"]!, (string)l["unit"]!, (decimal)l["quantity"]!)));
        var rejected = cart["rejected"]!.AsArray();
        Assert.Equal([4, 5], rejected.Select(r => (int)r!["row"]!));
        Assert.Contains("NAO-EXISTE", (string?)rejected[1]!["reason"], StringComparison.Ordinal);

        using var pasted = new StringContent($"{SalesMarket.Sku(4)} 3 CX\n{SalesMarket.Sku(1)}\t1\tCX\n", Encoding.UTF8, "text/plain");
        var again = await BackendFixture.Json(await m.Purchaser.PostAsync($"{m.CartPath}/quick-order", pasted));
        Assert.Equal(3m, (decimal)again["lines"]!.AsArray().Single(l => (string?)l!["sku"] == SalesMarket.Sku(1))!["quantity"]!); // merged with the line already there
        using var notAFile = new ByteArrayContent([0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]);
        notAFile.Headers.ContentType = new("image/png");
        var refused = await m.Purchaser.PostAsync($"{m.CartPath}/quick-order?file=foto.png", notAFile);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
    }

    [Fact]
    public async Task A_quote_negotiated_and_accepted_checks_out_at_its_prices_after_the_buyers_approver_and_the_suppliers_credit_approval()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 10, creditLimit: 400);
        await BackendFixture.Ensure(await m.BuyerAdmin.PutAsJsonAsync($"/api/orgs/{m.Buyer}/approval-rules/above-100",
            new { name = "Above 100", condition = "orderTotalAbove", amount = new { value = 100, currency = "BRL" }, tiers = new[] { new { roles = new[] { "approver" }, require = "any" } } }));
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(5), "UN", 10)); // 15.00 each in the price list

        var requested = await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/quotes", new { comment = "Preço para 10?" }));
        var quoteId = (string)requested["id"]!;
        Assert.Equal("requested", (string?)requested["status"]);
        await m.MailAsync("s-sales", "asks for a quote");
        var quotePath = $"/api/orgs/{m.Supplier}/quotes/{quoteId}";
        var proposed = await BackendFixture.Json(await m.Sales.PostAsJsonAsync($"{quotePath}/proposals", new { lines = new[] { new { line = 1, unitPrice = 14.5m } }, comment = "14,50" }));
        Assert.Equal("proposed", (string?)proposed["status"]);
        var revised = await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/quotes/{quoteId}/revisions", new { lines = new[] { new { sku = SalesMarket.Sku(5), unit = "UN", quantity = 40 } }, comment = "E para 40?" });
        await BackendFixture.Ensure(revised);
        var belowMargin = await BackendFixture.Json(await m.Sales.PostAsJsonAsync($"{quotePath}/proposals", new { lines = new[] { new { line = 1, unitPrice = 12m } } }));
        Assert.Equal("pendingPriceApproval", (string?)belowMargin["status"]);
        var buyerView = await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/quotes/{quoteId}"));
        Assert.Equal(3, buyerView["versions"]!.AsArray().Count); // the proposal waiting for price approval is the supplier's business
        var ownApproval = await m.Sales.PostAsJsonAsync($"{quotePath}/price-approval", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.Forbidden, ownApproval.StatusCode);
        await BackendFixture.Ensure(await m.Pricing.PostAsJsonAsync($"{quotePath}/price-approval", new { decision = "approve", comment = "Cliente estratégico" }));
        var accepted = await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/quotes/{quoteId}/status", new { status = "accepted" }));
        Assert.Equal("accepted", (string?)accepted["status"]);
        Assert.Equal(4, accepted["versions"]!.AsArray().Count);

        var response = await m.CheckoutAsync(m.Purchaser, body: new { quoteId, addressId = "hq", requestedDeliveryDate = DateOnly.FromDateTime(backend.Clock.GetUtcNow().UtcDateTime.AddDays(10)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), comment = "Entregar de manhã" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = await BackendFixture.Json(response);
        var orderId = (string)order["id"]!;
        Assert.Equal("pendingApproval", (string?)order["status"]);
        Assert.Equal(480m, (decimal)order["total"]!);
        Assert.Equal(12m, (decimal)order["lines"]![0]!["price"]!["netUnitPrice"]!);
        Assert.Contains(order["lines"]![0]!["price"]!["adjustments"]!.AsArray(), a => (string?)a!["kind"] == "negotiated");
        var steps = order["approval"]!["steps"]!.AsArray();
        Assert.Equal(["buyer", "supplier"], steps.Select(s => (string)s!["side"]!));
        Assert.Contains("credit limit", (string?)steps[1]!["reason"], StringComparison.Ordinal);
        await m.MailAsync("b-appr1", "waits for your approval");
        var waiting = await BackendFixture.Json(await m.Approver1.GetAsync($"/api/orgs/{m.Buyer}/inbox/orders"));
        Assert.Equal(orderId, (string?)Assert.Single(waiting["items"]!.AsArray())!["id"]);

        var tooEarly = await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{orderId}/approvals", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.Forbidden, tooEarly.StatusCode); // the buyer's step comes first
        var ownOrder = await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/orders/{orderId}/approvals", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.Forbidden, ownOrder.StatusCode);
        var buyerApproved = await BackendFixture.Json(await m.Approver1.PostAsJsonAsync($"/api/orgs/{m.Buyer}/orders/{orderId}/approvals", new { decision = "approve", comment = "OK" }));
        Assert.Equal("pendingApproval", (string?)buyerApproved["status"]);
        var salesWaiting = await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/inbox/orders"));
        Assert.Contains(salesWaiting["items"]!.AsArray(), o => (string?)o!["id"] == orderId);
        var placed = await BackendFixture.Json(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{orderId}/approvals", new { decision = "approve", comment = "Crédito liberado" }));
        Assert.Equal("placed", (string?)placed["status"]);
        var product = await m.ProductAsync(SalesMarket.Sku(5));
        Assert.Equal(40m, product["stock"]!.AsObject().Sum(s => (decimal)s.Value!["reserved"]!));

        var timeline = await m.TimelineAsync(m.Purchaser, m.Buyer, orderId, 2);
        Assert.Equal(["approved", "placed"], timeline.Select(e => (string)e!["action"]!).Distinct().Order());
        Assert.DoesNotContain(timeline, e => (string?)e!["visibility"] == "supplier"); // the supplier's own step is not the buyer's to read
        var supplierTimeline = await m.TimelineAsync(m.Sales, m.Supplier, orderId, 3);
        Assert.Equal(3, supplierTimeline.Count);
        var quoteTimeline = await BackendFixture.Json(await m.Sales.GetAsync($"{quotePath}/timeline"));
        Assert.Contains(quoteTimeline["items"]!.AsArray(), e => (string?)e!["action"] == "priceApproved");
        Assert.Equal("ordered", (string?)(await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/quotes/{quoteId}")))["status"]);
        var events = await m.EventsAsync();
        Assert.Single(events, e => (string?)e["type"] == "order.placed" && (string?)e["subject"] == $"order:{orderId}");
        Assert.Single(events, e => (string?)e["type"] == "order.approved" && (string?)e["subject"] == $"order:{orderId}");
        await m.MailAsync("b-buyer", "approved");
    }

    [Fact]
    public async Task A_hundred_checkouts_at_once_for_ten_units_in_two_warehouses_sell_exactly_ten_and_tell_the_others_why()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1, stockW1: 6, stockW2: 4, extraPurchasers: 100);
        var buyers = Enumerable.Range(0, 100).Select(i => m.As($"p{i}")).ToArray();
        try
        {
            await Parallel.ForEachAsync(buyers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (client, _) => await m.AddAsync(client, (SalesMarket.Sku(0), "UN", 1)));
            var started = DateTime.UtcNow;
            var responses = await Task.WhenAll(buyers.Select(client => m.CheckoutAsync(client)));
            output.WriteLine($"100 concurrent checkouts answered in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");

            var statuses = responses.GroupBy(r => r.StatusCode).ToDictionary(g => g.Key, g => g.Count());
            Assert.True(statuses.GetValueOrDefault(HttpStatusCode.Created) == 10, string.Join(", ", statuses.Select(s => $"{s.Key}: {s.Value}")));
            Assert.Equal(90, statuses.GetValueOrDefault(HttpStatusCode.Conflict));
            var refusal = await BackendFixture.Json(responses.First(r => r.StatusCode == HttpStatusCode.Conflict));
            Assert.Contains("out of stock", refusal["errors"]!["lines[0]"]![0]!.ToString(), StringComparison.Ordinal);
            var stock = (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!.AsObject();
            Assert.Equal(6m, (decimal)stock["w1"]!["reserved"]!);
            Assert.Equal(4m, (decimal)stock["w2"]!["reserved"]!);
            Assert.All(stock, s => Assert.True((decimal)s.Value!["onHand"]! - (decimal)s.Value!["reserved"]! >= 0));
            var numbers = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Created).Select(async r => (string)(await BackendFixture.Json(r))["number"]!));
            Assert.Equal(10, numbers.Distinct().Count());
        }
        finally
        {
            foreach (var client in buyers)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_retried_checkout_returns_the_same_order_and_holds_nothing_twice()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 5));
        var key = Guid.NewGuid().ToString();

        var first = await m.CheckoutAsync(m.Purchaser, key);
        var retry = await m.CheckoutAsync(m.Purchaser, key);
        var missingKey = await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/checkout", new { addressId = "hq" });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.True(retry.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal((string)(await BackendFixture.Json(first))["id"]!, (string)(await BackendFixture.Json(retry))["id"]!);
        Assert.Equal(HttpStatusCode.BadRequest, missingKey.StatusCode);
        Assert.Contains("Idempotency-Key", await missingKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5m, (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!.AsObject().Sum(s => (decimal)s.Value!["reserved"]!));
        var orders = await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/orders"));
        Assert.Single(orders["items"]!.AsArray());
    }

    [Fact]
    public async Task Two_approvers_approving_at_once_record_one_approval_each_and_move_the_order_once()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        await BackendFixture.Ensure(await m.BuyerAdmin.PutAsJsonAsync($"/api/orgs/{m.Buyer}/approval-rules/all-approvers",
            new { name = "Every approver", condition = "always", tiers = new[] { new { roles = new[] { "approver" }, require = "all" } } }));
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 1));
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        var path = $"/api/orgs/{m.Buyer}/orders/{(string)order["id"]!}/approvals";

        var answers = await Task.WhenAll(m.Approver1.PostAsJsonAsync(path, new { decision = "approve" }), m.Approver2.PostAsJsonAsync(path, new { decision = "approve" }));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var final = await SalesMarket.OrderAsync(m.Purchaser, m.Buyer, (string)order["id"]!);
        Assert.Equal("placed", (string?)final["status"]);
        Assert.Equal(2, final["approval"]!["steps"]![0]!["decisions"]!.AsArray().Count);
        await m.TimelineAsync(m.Purchaser, m.Buyer, (string)order["id"]!, 3);
        Assert.Single(await m.EventsAsync(), e => (string?)e["type"] == "order.approved");
    }

    [Fact]
    public async Task An_illegal_move_answers_409_with_the_state_and_the_allowed_ones_and_cancelling_releases_the_stock()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "CX", 1));
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        var id = (string)order["id"]!;

        var illegal = await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "delivered" });
        var problem = await BackendFixture.Json(illegal);
        var confirmed = await BackendFixture.Json(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
        var buyerCancel = await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/orders/{id}/status", new { status = "cancelled", reason = "Mudou o projeto" });
        var cancelled = await BackendFixture.Json(await m.SupplierAdmin.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "cancelled", reason = "A pedido do cliente" }));
        await m.TimelineAsync(m.Purchaser, m.Buyer, id, 3);

        Assert.Equal(HttpStatusCode.Conflict, illegal.StatusCode);
        Assert.Equal(["placed"], problem["errors"]!["currentStatus"]!.AsArray().Select(s => (string)s!));
        Assert.Equal(["confirmed", "cancelled"], problem["errors"]!["allowedStatuses"]!.AsArray().Select(s => (string)s!));
        Assert.Equal("confirmed", (string?)confirmed["status"]);
        Assert.Equal(HttpStatusCode.Forbidden, buyerCancel.StatusCode); // a confirmed order is cancelled by the supplier's admin
        Assert.Equal("cancelled", (string?)cancelled["status"]);
        Assert.Equal(0m, (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!.AsObject().Sum(s => (decimal)s.Value!["reserved"]!));
        var types = (await m.EventsAsync()).Select(e => (string?)e["type"]).ToArray();
        Assert.Equal(["order.cancelled", "order.confirmed", "order.placed"], types.Order());
    }

    [Fact]
    public async Task An_order_left_unapproved_past_the_suppliers_time_is_cancelled_by_the_timer_and_its_stock_released()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        await BackendFixture.Ensure(await m.SupplierAdmin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/ordering/settings", new { pendingHoldHours = 2 }));
        await BackendFixture.Ensure(await m.BuyerAdmin.PutAsJsonAsync($"/api/orgs/{m.Buyer}/approval-rules/always",
            new { name = "Always", condition = "always", tiers = new[] { new { roles = new[] { "approver" }, require = "any" } } }));
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 7));
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        Assert.Equal(7m, (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!.AsObject().Sum(s => (decimal)s.Value!["reserved"]!));

        backend.Clock.Advance(TimeSpan.FromHours(3));
        await backend.RunFunctionAsync("SalesTimer");
        await m.TimelineAsync(m.Purchaser, m.Buyer, (string)order["id"]!, 2);

        var expired = await SalesMarket.OrderAsync(m.Purchaser, m.Buyer, (string)order["id"]!);
        Assert.Equal("cancelled", (string?)expired["status"]);
        Assert.Contains("2 hours", (string?)expired["cancellationReason"], StringComparison.Ordinal);
        Assert.Equal(0m, (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!.AsObject().Sum(s => (decimal)s.Value!["reserved"]!));
        await m.MailAsync("b-buyer", "no approval in time");
    }

    /// <summary>Cosmos requests per placed order grow with its lines (one stock hold each) plus a small constant; the figures
    /// and the largest order document's size go to docs/performance.md from this test's output.</summary>
    [Fact]
    public async Task A_checkout_costs_one_cosmos_request_per_line_plus_a_small_constant_for_1_100_and_1000_lines()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1000);
        var costs = new List<(int Lines, long Requests, double Seconds, int Bytes)>();
        foreach (var lines in new[] { 1, 100, 1000 })
        {
            // In parts: the test backend takes bodies up to 64 KB.
            foreach (var part in Enumerable.Range(0, lines).Chunk(250))
            {
                await m.AddAsync(m.Purchaser, part.Select(i => (SalesMarket.Sku(i), i % 3 == 0 ? "CX" : (string?)"UN", (decimal)(i % 5 + 1))).ToArray());
            }

            var started = DateTime.UtcNow;
            var response = await m.CheckoutAsync(m.Purchaser);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            var requests = BackendFixture.CosmosRequestsOf(response);
            var order = await BackendFixture.Json(response);
            Assert.Equal(lines, order["lines"]!.AsArray().Count);
            var stored = await backend.Backend.Services.GetRequiredService<Core.Ordering.ISalesDocuments<Core.Ordering.Order>>().FindAsync((string)order["id"]!, default);
            var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(stored!.Value, BackendFixture.Options).Length;
            costs.Add((lines, requests, seconds, bytes));
            await m.TimelineAsync(m.Purchaser, m.Buyer, (string)order["id"]!, 1);
        }

        output.WriteLine(string.Join(Environment.NewLine, costs.Select(c => $"{c.Lines} lines: {c.Requests} Cosmos requests, {c.Seconds:0.00} s, order document {c.Bytes / 1024.0:0} KB")));
        // ~28 plus the lines; a few more when the sales queue clears the cart's outbox as checkout empties it (a lost race, decided again).
        Assert.All(costs, c => Assert.True(c.Requests <= c.Lines + 40, $"{c.Requests} requests for {c.Lines} lines"));
        Assert.True(costs[2].Bytes < 2 * 1024 * 1024, $"a 1,000-line order is {costs[2].Bytes} bytes");
    }

    [Fact]
    public async Task A_list_is_shared_and_changed_with_the_etag_its_owner_read_even_after_the_queue_handed_its_outbox_on()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 3);
        var path = $"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/lists";
        var created = await m.Purchaser.PostAsJsonAsync(path, new { name = "Obra semanal", lines = new[] { new { sku = SalesMarket.Sku(1), quantity = 4 } } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (string)(await BackendFixture.Json(created))["id"]!;
        var etag = created.Headers.ETag!;
        await BackendFixture.EventuallyAsync(async () =>
            (await backend.Backend.Services.GetRequiredService<Core.Ordering.ISalesDocuments<Core.Ordering.Cart>>().FindAsync(id, default))!.Value.Outbox.IsEmpty, "the list's outbox handed on");

        using var change = new HttpRequestMessage(HttpMethod.Put, $"{path}/{id}") { Content = JsonContent.Create(new { visibility = "shared" }) };
        change.Headers.IfMatch.Add(etag);
        var changed = await m.Purchaser.SendAsync(change);
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"{path}/{id}") { Content = JsonContent.Create(new { name = "Outra" }) };
        stale.Headers.IfMatch.Add(etag);
        var refused = await m.Purchaser.SendAsync(stale);
        var colleague = await BackendFixture.Json(await m.Approver1.GetAsync(path));
        var copied = await BackendFixture.Json(await m.BuyerAdmin.PostAsync($"{path}/{id}/cart", null));

        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, refused.StatusCode);
        Assert.Contains(colleague["items"]!.AsArray(), l => (string?)l!["id"] == id);
        Assert.Equal(4m, (decimal)copied["lines"]![0]!["quantity"]!);
    }
}
