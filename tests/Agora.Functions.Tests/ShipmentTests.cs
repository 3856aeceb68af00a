using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Core.Fulfilment;
using Agora.Core.Ordering;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>Shipments through the local runtime: an order split into lots from two warehouses, each lot moved from picking
/// to delivered by the warehouse (and confirmed by the buyer), the stock taken off hand once, the order's status
/// following its lots, and orders of one buyer combined into one delivery.</summary>
[Collection(BackendCollection.Name)]
public sealed class ShipmentTests(BackendFixture backend)
{
    [Fact]
    public async Task An_order_held_in_two_warehouses_ships_in_two_lots_and_its_stock_and_status_follow_each_move()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2, stockW1: 6, stockW2: 6);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 10), (SalesMarket.Sku(1), "UN", 2));
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        var id = (string)order["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
        var held = order["lines"]!.AsArray().Select(l => l!["held"]!.AsArray().ToDictionary(a => (string)a!["warehouseId"]!, a => (decimal)a!["quantity"]!)).ToArray();
        // Neither warehouse has 10 of S0000: it is held in both.
        var (inW1, inW2) = (held[0]["w1"], held[0]["w2"]);
        Assert.Equal(10m, inW1 + inW2);

        // Sales managers do not ship; the warehouse does, one lot per warehouse.
        var lots = new
        {
            lots = new[] { "w1", "w2" }.Select(w => new
            {
                warehouseId = w,
                lines = held.Select((h, i) => new { line = i, quantity = h.GetValueOrDefault(w), inBaseUnits = true }).Where(l => l.quantity > 0).ToArray(),
            }).ToArray(),
        };
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", lots)).StatusCode);
        var split = await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", lots);
        Assert.Equal(HttpStatusCode.Created, split.StatusCode);
        var shipments = (await BackendFixture.Json(split))["items"]!.AsArray();
        Assert.Equal(["picking", "picking"], shipments.Select(s => (string)s!["status"]!));
        var (fromW1, fromW2) = ((string)shipments[0]!["id"]!, (string)shipments[1]!["id"]!);

        // The warehouse's work list: both lots to pick, oldest first, with their order's number; one per warehouse.
        async Task<string[]> ListedAsync(string query) =>
            (await BackendFixture.Json(await m.Warehouse.GetAsync($"/api/orgs/{m.Supplier}/shipments?{query}")))["items"]!.AsArray().Select(i => (string)i!["id"]!).ToArray();
        Assert.Equal(new[] { fromW1, fromW2 }.Order(), (await ListedAsync("status=picking")).Order()); // split in one go: the same time
        Assert.Equal([fromW2], await ListedAsync("status=picking&warehouse=w2"));
        Assert.Equal((string?)order["number"], (string?)(await BackendFixture.Json(await m.Warehouse.GetAsync($"/api/orgs/{m.Supplier}/shipments")))["items"]![0]!["orderNumbers"]![0]);

        // Nothing is left to plan: one more unit of line 0 is refused by field.
        var more = await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", new { lots = new[] { new { warehouseId = "w2", lines = new[] { new { line = 0, quantity = 1 } } } } });
        Assert.Equal(HttpStatusCode.BadRequest, more.StatusCode);
        Assert.Contains("lots[0].lines[0].quantity", (await BackendFixture.Json(more))["errors"]!.AsObject().Select(e => e.Key));

        // The w1 lot: packed, then dispatched. Without a carrier it is refused naming the field; a packed lot cannot be delivered.
        var w1 = ShipmentPath(m, fromW1);
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/shipments/{fromW1}/status", new { status = "packed" })).StatusCode);
        await MoveAsync(m.Warehouse, w1, new { status = "packed" });
        var noCarrier = await m.Warehouse.PostAsJsonAsync(w1, new { status = "dispatched", trackingNumber = "BR123" });
        Assert.Equal(HttpStatusCode.BadRequest, noCarrier.StatusCode);
        Assert.Contains("carrier", (await BackendFixture.Json(noCarrier))["errors"]!.AsObject().Select(e => e.Key));
        var early = await m.Warehouse.PostAsJsonAsync(w1, new { status = "delivered" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal(["packed"], (await BackendFixture.Json(early))["errors"]!["currentStatus"]!.AsArray().Select(s => (string)s!));
        var dispatched = await MoveAsync(m.Warehouse, w1, new { status = "dispatched", carrier = "Jadlog", trackingNumber = "BR123" });
        Assert.Equal("Jadlog", (string?)dispatched["dispatch"]!["carrier"]);
        Assert.True((bool)dispatched["stockMoved"]!);

        // Reserved stock became shipped stock in w1, and only there; the order is partially shipped.
        var s0 = (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!;
        Assert.Equal(6m - inW1, (decimal)s0["w1"]!["onHand"]!);
        Assert.Equal(0m, (decimal)s0["w1"]!["reserved"]!);
        Assert.Equal(6m, (decimal)s0["w2"]!["onHand"]!);
        Assert.Equal(inW2, (decimal)s0["w2"]!["reserved"]!);
        Assert.Equal("partiallyShipped", (string?)(await SalesMarket.OrderAsync(m.Purchaser, m.Buyer, id))["status"]);
        Assert.Equal([fromW2], await ListedAsync("status=picking"));
        Assert.Equal([fromW1], await ListedAsync("status=dispatched"));

        // A settlement run again (a redelivered queue message, a crash before the shipment recorded it) moves nothing twice.
        var settlement = backend.Backend.Services.GetRequiredService<ShipmentSettlement>();
        var store = backend.Backend.Services.GetRequiredService<ISalesDocuments<Shipment>>();
        // (The sales queue may be handing the shipment's outbox on meanwhile: write on the version read, again if it moved.)
        await Core.Common.Concurrency.RetryAsync("test", async _ =>
        {
            var stored = (await store.FindAsync(fromW1, default))!;
            return await store.ReplaceAsync(stored.Value with { StockMoved = false, Settled = false }, stored.ETag, default);
        });
        await settlement.SettleAsync(fromW1, default);
        await settlement.SettleAsync(fromW1, default);
        var again = (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!;
        Assert.Equal(6m - inW1, (decimal)again["w1"]!["onHand"]!);
        Assert.Equal(inW2, (decimal)again["w2"]!["reserved"]!);
        Assert.True((await store.FindAsync(fromW1, default))!.Value.StockMoved);

        // The w2 lot is cancelled while picking: its goods stay held, the order still owes them, and a new lot ships them.
        await MoveAsync(m.Warehouse, ShipmentPath(m, fromW2), new { status = "cancelled", reason = "Forklift broken" });
        Assert.Equal(inW2, (decimal)(await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!["w2"]!["reserved"]!);
        var relot = await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", new
        {
            lots = new[] { new { warehouseId = "w2", lines = held.Select((h, i) => new { line = i, quantity = h.GetValueOrDefault("w2"), inBaseUnits = true }).Where(l => l.quantity > 0).ToArray() } },
        }));
        var last = ShipmentPath(m, (string)relot["items"]![0]!["id"]!);
        await MoveAsync(m.Warehouse, last, new { status = "packed" });
        await MoveAsync(m.Warehouse, last, new { status = "dispatched", carrier = "Correios", trackingNumber = "OA0001BR" });
        var shipped = await SalesMarket.OrderAsync(m.Purchaser, m.Buyer, id);
        Assert.Equal("shipped", (string?)shipped["status"]);
        Assert.Equal(3, shipped["shipments"]!.AsArray().Count);
        var w2 = (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!["w2"]!;
        Assert.Equal(6m - inW2, (decimal)w2["onHand"]!);
        Assert.Equal(0m, (decimal)w2["reserved"]!);

        // The buyer confirms the first delivery, the warehouse the second: the order is delivered.
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Approver1.PostAsJsonAsync($"/api/orgs/{m.Buyer}/shipments/{fromW1}/status", new { status = "delivered" })).StatusCode);
        await MoveAsync(m.Purchaser, $"/api/orgs/{m.Buyer}/shipments/{fromW1}/status", new { status = "delivered" });
        await MoveAsync(m.Warehouse, last, new { status = "delivered" });
        Assert.Equal("delivered", (string?)(await SalesMarket.OrderAsync(m.Purchaser, m.Buyer, id))["status"]);

        // Both sides read the shipment; the timeline, the events and the buyer's emails tell each step.
        Assert.Equal("delivered", (string?)(await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/shipments/{fromW1}")))["status"]);
        var timeline = await m.TimelineAsync(m.Purchaser, m.Buyer, id, atLeast: 10);
        var actions = timeline.Select(t => (string)t!["action"]!).ToArray();
        Assert.Contains("split", actions);
        Assert.Contains("shipmentDispatched", actions);
        Assert.Contains("shipmentCancelled", actions);
        Assert.Contains("partiallyShipped", actions);
        Assert.Contains("delivered", actions);
        await m.MailAsync("b-buyer", "shipment dispatched");
        await BackendFixture.EventuallyAsync(async () =>
        {
            var types = (await m.EventsAsync()).Select(e => (string)e["type"]!).ToArray();
            return types.Count(t => t == "shipment.dispatched") == 2 && types.Count(t => t == "shipment.delivered") == 2 && types.Contains("order.shipped") && types.Contains("order.delivered");
        }, "the shipment and order events");
    }

    [Fact]
    public async Task Two_orders_of_one_buyer_to_one_address_are_proposed_together_and_travel_as_one_delivery()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2);
        var ids = new List<string>();
        foreach (var sku in new[] { SalesMarket.Sku(0), SalesMarket.Sku(1) })
        {
            await m.AddAsync(m.Purchaser, (sku, "UN", 3));
            var id = (string)(await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser)))["id"]!;
            await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
            ids.Add(id);
        }

        var proposals = (await BackendFixture.Json(await m.Warehouse.GetAsync($"/api/orgs/{m.Supplier}/deliveries/proposals")))["items"]!.AsArray();
        var proposal = Assert.Single(proposals);
        Assert.Equal(ids.Order(), proposal!["orderIds"]!.AsArray().Select(o => (string)o!).Order());

        var response = await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/deliveries", new { orderIds = ids, warehouseId = "w1" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var delivery = await BackendFixture.Json(response);
        Assert.Equal(2, delivery["lines"]!.AsArray().Select(l => (string)l!["orderId"]!).Distinct().Count());

        // The same orders again: nothing left in w1 to take.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/deliveries", new { orderIds = ids, warehouseId = "w1" })).StatusCode);

        var path = ShipmentPath(m, (string)delivery["id"]!);
        await MoveAsync(m.Warehouse, path, new { status = "packed" });
        await MoveAsync(m.Warehouse, path, new { status = "dispatched", carrier = "Braspress", trackingNumber = "BP-77" });
        foreach (var id in ids)
        {
            Assert.Equal("shipped", (string?)(await SalesMarket.OrderAsync(m.Purchaser, m.Buyer, id))["status"]);
        }

        Assert.Equal(997m, (decimal)(await m.ProductAsync(SalesMarket.Sku(1)))["stock"]!["w1"]!["onHand"]!);

        // One invoice per order of the delivery; a return of one order's goods is credited against that order's invoice.
        await MoveAsync(m.Warehouse, path, new { status = "delivered" });
        var deliveryId = (string)delivery["id"]!;
        var invoice = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{deliveryId}.{ids[0]}"));
        Assert.Equal(ids[0], (string?)invoice["lines"]![0]!["orderId"]);
        var returnId = (string)(await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/orders/{ids[0]}/returns",
            new { reason = "Too many", lines = new[] { new { line = 0, quantity = 1 } } })))["id"]!;
        await MoveAsync(m.Sales, $"/api/orgs/{m.Supplier}/returns/{returnId}/decision", new { decision = "approve" });
        var received = await MoveAsync(m.Warehouse, $"/api/orgs/{m.Supplier}/returns/{returnId}/receipt", new { lines = new[] { new { line = 0, condition = "damaged" } } });
        var note = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{(string)Assert.Single(received["creditNoteIds"]!.AsArray())!}"));
        Assert.Equal($"{deliveryId}.{ids[0]}", (string?)note["correctsInvoiceId"]);

        // An id of another kind on a route is not found, as an unknown one is (never a 500 telling a stranger it exists).
        foreach (var probe in new[] { $"shipments/{ids[0]}", $"returns/{deliveryId}", $"orders/{deliveryId}", $"shipments/ledger.{m.Supplier}.{m.Buyer}", $"orders/{returnId}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/{probe}")).StatusCode);
        }

        using var stranger = backend.As($"{m.Prefix}-stranger", $"{m.Prefix}-stranger@test.example");
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/orgs/nobody/shipments/ledger.{m.Supplier}.{m.Buyer}")).StatusCode);
    }

    [Fact]
    public async Task A_billing_setting_changed_while_an_order_is_half_shipped_keeps_the_way_its_first_lot_was_invoiced()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 4), (SalesMarket.Sku(1), "UN", 2));
        var id = (string)(await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser)))["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
        var lots = (await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", new
        {
            lots = new[] { 0, 1 }.Select(line => new { warehouseId = "w1", lines = new[] { new { line, quantity = line == 0 ? 4 : 2 } } }).ToArray(),
        })))["items"]!.AsArray().Select(s => (string)s!["id"]!).ToArray();
        await MoveAsync(m.Warehouse, ShipmentPath(m, lots[0]), new { status = "packed" });
        await MoveAsync(m.Warehouse, ShipmentPath(m, lots[0]), new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD7" });

        await BackendFixture.Ensure(await m.SupplierAdmin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/billing/settings", new { invoicePer = "order" }));
        await MoveAsync(m.Warehouse, ShipmentPath(m, lots[1]), new { status = "packed" });
        await MoveAsync(m.Warehouse, ShipmentPath(m, lots[1]), new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD8" });

        var both = await Task.WhenAll(lots.Select(async lot => await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{lot}"))));
        Assert.Equal([SalesMarket.Sku(0), SalesMarket.Sku(1)], both.Select(i => (string)Assert.Single(i["lines"]!.AsArray())!["sku"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/inv.{id}")).StatusCode);
    }

    [Fact]
    public async Task Two_people_splitting_the_same_order_at_once_never_plan_a_line_twice()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 8));
        var id = (string)(await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser)))["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
        var body = new { lots = new[] { new { warehouseId = "w1", lines = new[] { new { line = 0, quantity = 6 } } } } };
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", body)));

        Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        var order = await SalesMarket.OrderAsync(m.Warehouse, m.Supplier, id);
        Assert.Equal(6m, Assert.Single(order["shipments"]!.AsArray())!["lines"]![0]!["baseQuantity"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Checkouts_racing_a_dispatch_of_the_same_product_sell_exactly_what_is_left_and_the_stock_adds_up()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1, stockW1: 6, stockW2: 4, extraPurchasers: 30);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 4));
        var first = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        var id = (string)first["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
        var lots = first["lines"]![0]!["held"]!.AsArray().Select(a => new { warehouseId = (string)a!["warehouseId"]!, lines = new[] { new { line = 0, quantity = (decimal)a["quantity"]!, inBaseUnits = true } } }).ToArray();
        var split = (await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", new { lots })))["items"]!.AsArray();
        foreach (var lot in split)
        {
            await MoveAsync(m.Warehouse, ShipmentPath(m, (string)lot!["id"]!), new { status = "packed" });
        }

        var buyers = Enumerable.Range(0, 30).Select(i => m.As($"p{i}")).ToArray();
        try
        {
            await Parallel.ForEachAsync(buyers, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (client, _) => await m.AddAsync(client, (SalesMarket.Sku(0), "UN", 1)));
            var checkouts = buyers.Select(client => m.CheckoutAsync(client)).ToArray();
            var dispatches = split.Select(lot => m.Warehouse.PostAsJsonAsync(ShipmentPath(m, (string)lot!["id"]!), new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD-RACE" })).ToArray();
            var responses = await Task.WhenAll(checkouts);
            Assert.All(await Task.WhenAll(dispatches), d => Assert.Equal(HttpStatusCode.OK, d.StatusCode));

            Assert.Equal(6, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            Assert.Equal(24, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
            var stock = (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!.AsObject();
            Assert.Equal(6m, stock.Sum(s => (decimal)s.Value!["onHand"]!)); // 10 less the 4 that left
            Assert.Equal(6m, stock.Sum(s => (decimal)s.Value!["reserved"]!)); // the 6 sold since, held
            Assert.All(stock, s =>
            {
                Assert.True((decimal)s.Value!["onHand"]! >= (decimal)s.Value!["reserved"]!);
                Assert.Equal((decimal)s.Value!["reserved"]!, s.Value!["holds"]!.AsObject().Sum(h => (decimal)h.Value!));
                Assert.False(s.Value!["holds"]!.AsObject().ContainsKey(id));
            });
            Assert.Equal("shipped", (string?)(await SalesMarket.OrderAsync(m.Warehouse, m.Supplier, id))["status"]);
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
    public async Task A_return_of_delivered_goods_is_approved_received_and_puts_only_the_resellable_goods_back_on_hand()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2, stockW1: 100, stockW2: 0);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 10), (SalesMarket.Sku(1), "UN", 4));
        var id = (string)(await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser)))["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
        var returns = $"/api/orgs/{m.Buyer}/orders/{id}/returns";
        var body = new { reason = "Wrong model", lines = new[] { new { line = 0, quantity = 3m }, new { line = 1, quantity = 4m } } };

        // Nothing delivered yet: nothing to return.
        Assert.Equal(HttpStatusCode.Conflict, (await m.Purchaser.PostAsJsonAsync(returns, body)).StatusCode);
        var lot = (string)(await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments",
            new { lots = new[] { new { warehouseId = "w1", lines = new[] { new { line = 0, quantity = 10 }, new { line = 1, quantity = 4 } } } } })))["items"]![0]!["id"]!;
        foreach (var move in new object[] { new { status = "packed" }, new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD9" }, new { status = "delivered" } })
        {
            await MoveAsync(m.Warehouse, ShipmentPath(m, lot), move);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await m.Approver1.PostAsJsonAsync(returns, body)).StatusCode);
        var tooMuch = await m.Purchaser.PostAsJsonAsync(returns, new { reason = "Wrong model", lines = new[] { new { line = 0, quantity = 11 } } });
        Assert.Equal(HttpStatusCode.BadRequest, tooMuch.StatusCode);
        Assert.Contains("lines[0].quantity", (await BackendFixture.Json(tooMuch))["errors"]!.AsObject().Select(e => e.Key));

        var asked = await m.Purchaser.PostAsJsonAsync(returns, body);
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var request = await BackendFixture.Json(asked);
        var returnId = (string)request["id"]!;
        Assert.Equal("requested", (string?)request["status"]);
        Assert.All(request["lines"]!.AsArray(), l => Assert.Equal(lot, (string?)l!["shipmentId"]));
        await m.MailAsync("s-sales", "Return requested");

        // Another return of the same 7 more units of line 0 than are left is refused while this one counts.
        var second = await m.Purchaser.PostAsJsonAsync(returns, new { reason = "More", lines = new[] { new { line = 0, quantity = 8 } } });
        Assert.Equal(HttpStatusCode.BadRequest, second.StatusCode);

        var decision = $"/api/orgs/{m.Supplier}/returns/{returnId}/decision";
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Warehouse.PostAsJsonAsync(decision, new { decision = "approve" })).StatusCode);
        var receipt = $"/api/orgs/{m.Supplier}/returns/{returnId}/receipt";
        Assert.Equal(HttpStatusCode.Conflict, (await m.Warehouse.PostAsJsonAsync(receipt, new { lines = new[] { new { line = 0, condition = "resellable" }, new { line = 1, condition = "damaged" } } })).StatusCode);
        Assert.Equal("approved", (string?)(await MoveAsync(m.Sales, decision, new { decision = "approve", comment = "Send it with the invoice number" }))["status"]);
        await m.MailAsync("b-buyer", "Return approved");

        var incomplete = await m.Warehouse.PostAsJsonAsync(receipt, new { lines = new[] { new { line = 0, condition = "resellable" } } });
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        var received = await MoveAsync(m.Warehouse, receipt, new { lines = new[] { new { line = 0, condition = "resellable" }, new { line = 1, condition = "damaged" } } });
        Assert.Equal("received", (string?)received["status"]);
        Assert.True((bool)received["stockMoved"]!);

        // 100 − 10 shipped + 3 back; the 4 damaged units of S0001 stay out: 100 − 4.
        Assert.Equal(93m, (decimal)(await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!["w1"]!["onHand"]!);
        Assert.Equal(96m, (decimal)(await m.ProductAsync(SalesMarket.Sku(1)))["stock"]!["w1"]!["onHand"]!);
        var settlement = backend.Backend.Services.GetRequiredService<ShipmentSettlement>();
        var store = backend.Backend.Services.GetRequiredService<ISalesDocuments<GoodsReturn>>();
        await Core.Common.Concurrency.RetryAsync("test", async _ =>
        {
            var stored = (await store.FindAsync(returnId, default))!;
            return await store.ReplaceAsync(stored.Value with { StockMoved = false, Settled = false }, stored.ETag, default);
        });
        await settlement.SettleReturnAsync(returnId, default);
        Assert.Equal(93m, (decimal)(await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!["w1"]!["onHand"]!);

        var order = await SalesMarket.OrderAsync(m.Purchaser, m.Buyer, id);
        Assert.Equal("received", (string?)Assert.Single(order["returns"]!.AsArray())!["status"]);
        Assert.Equal("received", (string?)(await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/returns/{returnId}")))["status"]);
        // The return's own entries reach the order's timeline from the return's outbox.
        await BackendFixture.EventuallyAsync(async () =>
        {
            var actions = (await m.TimelineAsync(m.Purchaser, m.Buyer, id, atLeast: 8)).Select(t => (string)t!["action"]!).ToArray();
            return new[] { "returnRequested", "returnApproved", "returnReceived" }.All(actions.Contains);
        }, "the return's timeline entries");
    }

    [Fact]
    public async Task Invoiced_per_order_the_order_is_invoiced_once_it_has_shipped_and_a_return_received_before_is_credited_then()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2);
        await BackendFixture.Ensure(await m.SupplierAdmin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/billing/settings", new { invoicePer = "order" }));
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 4), (SalesMarket.Sku(1), "UN", 2));
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        var id = (string)order["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
        var lots = (await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", new
        {
            lots = new[] { 0, 1 }.Select(line => new { warehouseId = "w1", lines = new[] { new { line, quantity = line == 0 ? 4 : 2 } } }).ToArray(),
        })))["items"]!.AsArray().Select(s => (string)s!["id"]!).ToArray();
        foreach (var move in new object[] { new { status = "packed" }, new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD5" }, new { status = "delivered" } })
        {
            await MoveAsync(m.Warehouse, ShipmentPath(m, lots[0]), move);
        }

        // Half shipped: nothing invoiced yet; a return of delivered goods is received, and waits for the invoice to be credited.
        Assert.Equal(HttpStatusCode.NotFound, (await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{lots[0]}")).StatusCode);
        var returnId = (string)(await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/orders/{id}/returns",
            new { reason = "Wrong size", lines = new[] { new { line = 0, quantity = 1 } } })))["id"]!;
        await MoveAsync(m.Sales, $"/api/orgs/{m.Supplier}/returns/{returnId}/decision", new { decision = "approve" });
        var received = await MoveAsync(m.Warehouse, $"/api/orgs/{m.Supplier}/returns/{returnId}/receipt", new { lines = new[] { new { line = 0, condition = "resellable" } } });
        Assert.Empty(received["creditNoteIds"]!.AsArray());

        await MoveAsync(m.Warehouse, ShipmentPath(m, lots[1]), new { status = "packed" });
        await MoveAsync(m.Warehouse, ShipmentPath(m, lots[1]), new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD6" });
        var invoice = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/inv.{id}"));
        Assert.Equal((decimal)order["total"]!, (decimal)invoice["total"]!);
        string? noteId = null;
        await BackendFixture.EventuallyAsync(async () =>
        {
            noteId = (string?)(await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/returns/{returnId}")))["creditNoteIds"]!.AsArray().SingleOrDefault();
            return noteId is not null;
        }, "the return's credit note once the order is invoiced");
        var note = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{noteId}"));
        Assert.Equal(("creditNote", $"inv.{id}", (decimal)order["lines"]![0]!["price"]!["netUnitPrice"]!), ((string?)note["kind"], (string?)note["correctsInvoiceId"], (decimal)note["total"]!));
    }

    [Fact]
    public async Task A_backordered_line_ships_once_its_stock_arrives_and_not_before()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1, stockW1: 3, stockW2: 0);
        await BackendFixture.Ensure(await m.SupplierAdmin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/ordering/settings", new { backorders = "allow" }));
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 5));
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        var id = (string)order["id"]!;
        Assert.Equal(2m, (decimal)order["lines"]![0]!["backordered"]!);
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));
        var all = new { lots = new[] { new { warehouseId = "w1", lines = new[] { new { line = 0, quantity = 5 } } } } };

        // The 2 backordered units have not arrived: only the 3 held ship now.
        var early = await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", all);
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Contains("has not arrived", (string?)(await BackendFixture.Json(early))["errors"]!["lots[0].lines[0].quantity"]![0], StringComparison.Ordinal);

        // They arrive in w1 (a count of 5: 3 held + 2 free), and the whole line ships from there.
        await BackendFixture.Ensure(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/stock",
            new { items = new[] { new { sku = SalesMarket.Sku(0), warehouseId = "w1", onHand = 5, asOf = DateTimeOffset.UtcNow.AddSeconds(-1) } } }));
        var lot = (string)(await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", all)))["items"]![0]!["id"]!;
        await MoveAsync(m.Warehouse, ShipmentPath(m, lot), new { status = "packed" });
        await MoveAsync(m.Warehouse, ShipmentPath(m, lot), new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD-BO" });
        var w1 = (await m.ProductAsync(SalesMarket.Sku(0)))["stock"]!["w1"]!;
        Assert.Equal((0m, 0m), ((decimal)w1["onHand"]!, (decimal)w1["reserved"]!));
        Assert.Equal("shipped", (string?)(await SalesMarket.OrderAsync(m.Purchaser, m.Buyer, id))["status"]);
    }

    [Fact]
    public async Task A_partially_shipped_order_closed_short_releases_what_will_not_ship_and_is_invoiced_for_what_left()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2, stockW1: 100, stockW2: 0);
        await BackendFixture.Ensure(await m.SupplierAdmin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/billing/settings", new { invoicePer = "order" }));
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 4), (SalesMarket.Sku(1), "UN", 6));
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        var id = (string)order["id"]!;
        var status = $"/api/orgs/{m.Supplier}/orders/{id}/status";
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync(status, new { status = "confirmed" }));
        var lots = (await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", new
        {
            lots = new[] { new { warehouseId = "w1", lines = new[] { new { line = 0, quantity = 4 }, new { line = 1, quantity = 2 } } }, new { warehouseId = "w1", lines = new[] { new { line = 1, quantity = 4 } } } },
        })))["items"]!.AsArray().Select(s => (string)s!["id"]!).ToArray();
        foreach (var move in new object[] { new { status = "packed" }, new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD9" }, new { status = "delivered" } })
        {
            await MoveAsync(m.Warehouse, ShipmentPath(m, lots[0]), move);
        }

        // The second lot is still being picked: the order is not closed short over it.
        var early = await m.SupplierAdmin.PostAsJsonAsync(status, new { status = "shipped", reason = "Discontinued by the maker" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        await MoveAsync(m.Warehouse, ShipmentPath(m, lots[1]), new { status = "cancelled", reason = "Maker stopped the line" });
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Warehouse.PostAsJsonAsync(status, new { status = "shipped" })).StatusCode);

        var closed = await MoveAsync(m.SupplierAdmin, status, new { status = "shipped", reason = "Discontinued by the maker" });
        Assert.Equal("delivered", (string?)closed["status"]); // all that left has arrived
        Assert.Equal("Discontinued by the maker", (string?)closed["closedShort"]);

        // The 4 units of S0001 that will not ship are held no more; the order's invoice bills what left: 4 + 2 units.
        await BackendFixture.EventuallyAsync(async () => (decimal)(await m.ProductAsync(SalesMarket.Sku(1)))["stock"]!["w1"]!["reserved"]! == 0, "the rest's hold released");
        Assert.Equal(98m, (decimal)(await m.ProductAsync(SalesMarket.Sku(1)))["stock"]!["w1"]!["onHand"]!);
        JsonNode? invoice = null;
        await BackendFixture.EventuallyAsync(async () =>
        {
            var response = await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/inv.{id}");
            invoice = response.IsSuccessStatusCode ? await BackendFixture.Json(response) : null;
            return invoice is not null;
        }, "the order's invoice");
        var lines = order["lines"]!.AsArray();
        Assert.Equal([4m, 2m], invoice!["lines"]!.AsArray().Select(l => (decimal)l!["quantity"]!));
        Assert.Equal((decimal)lines[0]!["price"]!["lineTotal"]! + Math.Round((decimal)lines[1]!["price"]!["netUnitPrice"]! * 2, 2), (decimal)invoice["total"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments",
            new { lots = new[] { new { warehouseId = "w1", lines = new[] { new { line = 1, quantity = 1 } } } } })).StatusCode);
    }

    private static string ShipmentPath(SalesMarket m, string shipmentId) => $"/api/orgs/{m.Supplier}/shipments/{shipmentId}/status";

    private static async Task<JsonNode> MoveAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        await BackendFixture.Ensure(response);
        return await BackendFixture.Json(response);
    }
}
