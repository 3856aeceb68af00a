using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Core.Marketing;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>Clearance end to end through the local runtime (issue 13, decision 0021b): stock received and then idle past
/// the supplier's age is proposed by the nightly timer (run twice: the same proposals), a pricing manager accepts one and
/// a buyer's quote explains the clearance promotion and its price, and a sale resets the stock's age.</summary>
[Collection(BackendCollection.Name)]
public sealed class ClearanceTests(BackendFixture backend)
{
    private static async Task<JsonArray> ProposalsAsync(SalesMarket m) =>
        (await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/clearance/proposals")))["items"]!.AsArray();

    private static string[] Skus(JsonArray proposals) => proposals.Select(p => $"{(string)p!["sku"]!}@{(string)p["warehouseId"]!}").ToArray();

    [Fact]
    public async Task Slow_stock_is_proposed_nightly_an_accepted_proposal_is_a_promotion_a_quote_explains_and_a_sale_resets_the_age()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 3, stockW1: 100, stockW2: 0);
        var (s0, s1, s2) = (SalesMarket.Sku(0), SalesMarket.Sku(1), SalesMarket.Sku(2));

        // Goods arrive: S0000 and S0002 now, S0001 ten days later. Then 35 days pass without a sale.
        async Task ReceiveAsync(params string[] skus) => await BackendFixture.Ensure(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/stock",
            new { items = skus.Select(sku => new { sku, warehouseId = "w1", onHand = 120, asOf = backend.Clock.GetUtcNow() }).ToArray() }));
        await ReceiveAsync(s0, s2);
        backend.Clock.Advance(TimeSpan.FromDays(10));
        await ReceiveAsync(s1);
        backend.Clock.Advance(TimeSpan.FromDays(25));

        // Staff read the defaults; the supplier admin's settings are refused to the sales manager and saved by the pricing manager.
        var settingsPath = $"/api/orgs/{m.Supplier}/clearance/settings";
        Assert.Equal(90, (int)(await BackendFixture.Json(await m.Warehouse.GetAsync(settingsPath)))["ageDays"]!);
        var settings = new { ageDays = 30, baseDiscountPercent = 20, maxDiscountPercent = 40, validityDays = 14, bundle = false };
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Sales.PutAsJsonAsync(settingsPath, settings)).StatusCode);
        var invalid = await m.Pricing.PutAsJsonAsync(settingsPath, new { ageDays = 0, baseDiscountPercent = 50, maxDiscountPercent = 40 });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("ageDays", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await BackendFixture.Ensure(await m.Pricing.PutAsJsonAsync(settingsPath, settings));
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await m.Pricing.PutAsJsonAsync(settingsPath, settings)).StatusCode);

        // The nightly analysis, run twice: the stock idle 35 days is proposed once, the one idle 25 days is not.
        await backend.RunFunctionAsync("ProposeClearance");
        var first = await ProposalsAsync(m);
        await backend.RunFunctionAsync("ProposeClearance");
        var again = await ProposalsAsync(m);
        Assert.Equal([$"{s0}@w1", $"{s2}@w1"], Skus(first).Order(StringComparer.Ordinal));
        Assert.Equal(first.ToJsonString(), again.ToJsonString());
        var proposal = first.Single(p => (string)p!["sku"]! == s0)!;
        Assert.Equal((35, 21.7m, "open"), ((int)proposal["daysIdle"]!, (decimal)proposal["discountPercent"]!, (string?)proposal["status"])); // 20 + 20 × 5/60
        var id = (string)proposal["id"]!;
        var acceptance = $"/api/orgs/{m.Supplier}/clearance/proposals/{id}/acceptance";

        // The sales manager may not accept; the pricing manager accepts it at 25% (twice: one promotion).
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Sales.PostAsJsonAsync(acceptance, new { discountPercent = 25 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await m.Pricing.PostAsJsonAsync(acceptance, new { discountPercent = 95 })).StatusCode);
        var accepted = await BackendFixture.Json(await m.Pricing.PostAsJsonAsync(acceptance, new { discountPercent = 25 }));
        var promotionId = (string)accepted["promotionId"]!;
        Assert.Equal("accepted", (string?)accepted["status"]);
        var twice = await BackendFixture.Json(await m.Pricing.PostAsJsonAsync(acceptance, new { discountPercent = 30 }));
        Assert.Equal(promotionId, (string?)twice["promotionId"]);
        var promotions = (await BackendFixture.Json(await m.Pricing.GetAsync($"/api/orgs/{m.Supplier}/pricing/promotions"))).AsArray();
        var promotion = Assert.Single(promotions, p => (bool?)p!["promotion"]!["clearance"] == true)!["promotion"]!;
        Assert.Equal((promotionId, 25m), ((string?)promotion["id"], (decimal)promotion["reward"]!["percent"]!));
        Assert.Equal(HttpStatusCode.Conflict, (await m.Pricing.PostAsync($"/api/orgs/{m.Supplier}/clearance/proposals/{id}/dismissal", null)).StatusCode);

        // A buyer's quote explains the clearance promotion and prices the SKU 25% off.
        var quote = await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/quote",
            new { lines = new[] { new { sku = s0, unit = "UN", quantity = 2 } } }));
        var line = quote["lines"]![0]!;
        var adjustment = Assert.Single(line["adjustments"]!.AsArray(), a => (string?)a!["ruleId"] == promotionId)!;
        Assert.Contains("(clearance): 25% off", (string?)adjustment["description"], StringComparison.Ordinal);
        Assert.Equal(Math.Round((decimal)line["listUnitPrice"]! * 0.75m * 2, 2), (decimal)line["lineTotal"]!);

        // S0002 sells (with S0001, which orders now show it sells with): its stock's age starts again, and the next
        // night's analysis no longer proposes it; the accepted proposal stays while its promotion runs.
        await m.AddAsync(m.Purchaser, (s2, "UN", 1), (s1, "UN", 1));
        var orderId = (string)(await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser)))["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{orderId}/status", new { status = "confirmed" }));
        var lot = (string)(await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{orderId}/shipments",
            new { lots = new[] { new { warehouseId = "w1", lines = new[] { new { line = 0, quantity = 1 } } } } })))["items"]![0]!["id"]!;
        foreach (var move in new object[] { new { status = "packed" }, new { status = "dispatched", carrier = "Jadlog", trackingNumber = "JD-CL" } })
        {
            await BackendFixture.Ensure(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/shipments/{lot}/status", move));
        }

        var store = backend.Backend.Services.GetRequiredService<IClearanceStore>();
        await BackendFixture.EventuallyAsync(async () => (await store.SoldTogetherAsync(m.Supplier, [s2], default)).GetValueOrDefault(s2)?.With.GetValueOrDefault(s1) == 1,
            "the order counted in what S0002 sells with");
        Assert.NotNull((await BackendFixture.Json(await m.Warehouse.GetAsync($"/api/orgs/{m.Supplier}/products/{s2}")))["stock"]!["w1"]!["lastSaleAt"]);
        backend.Clock.Advance(TimeSpan.FromDays(1));
        await backend.RunFunctionAsync("ProposeClearance");
        var nextNight = await ProposalsAsync(m);
        Assert.Equal([$"{s0}@w1"], Skus(nextNight));
        Assert.Equal("accepted", (string?)nextNight[0]!["status"]);
    }

    [Fact]
    public async Task A_proposal_of_stock_no_longer_on_hand_is_refused_in_words_and_an_unknown_one_is_404()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1, stockW1: 10, stockW2: 0);
        var sku = SalesMarket.Sku(0);
        var now = backend.Clock.GetUtcNow();
        var store = backend.Backend.Services.GetRequiredService<IClearanceStore>();
        var proposal = new ProposedClearance(ProposedClearance.IdOf(sku, "w1"), m.Supplier, sku, "w1", 10, 100, now.AddDays(-100), 15, [], "100 days without a sale from w1", ClearanceStatus.Open, SharedEmulators.Unique("r"), now);
        await store.SaveProposalAsync(proposal, null, default);
        await BackendFixture.Ensure(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/stock", new { items = new[] { new { sku, warehouseId = "w1", onHand = 0, asOf = now } } }));

        var read = await m.Pricing.GetAsync($"/api/orgs/{m.Supplier}/clearance/proposals/{proposal.Id}");
        await BackendFixture.Ensure(read);
        var stale = await m.Pricing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/orgs/{m.Supplier}/clearance/proposals/{proposal.Id}/acceptance") { Headers = { { "If-Match", "\"stale\"" } } });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var gone = await m.Pricing.PostAsync($"/api/orgs/{m.Supplier}/clearance/proposals/{proposal.Id}/acceptance", null);
        Assert.Equal(HttpStatusCode.Conflict, gone.StatusCode);
        Assert.Contains("nothing on hand in warehouse w1", await gone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await m.Pricing.PostAsync($"/api/orgs/{m.Supplier}/clearance/proposals/nope/dismissal", null)).StatusCode);

        var dismissed = await BackendFixture.Json(await m.Pricing.PostAsync($"/api/orgs/{m.Supplier}/clearance/proposals/{proposal.Id}/dismissal", null));
        Assert.Equal("dismissed", (string?)dismissed["status"]);
        Assert.Equal(HttpStatusCode.Conflict, (await m.Pricing.PostAsync($"/api/orgs/{m.Supplier}/clearance/proposals/{proposal.Id}/acceptance", null)).StatusCode);
    }

    [Fact]
    public async Task Acceptances_racing_a_dismissal_leave_a_promotion_exactly_when_the_proposal_reads_accepted()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 6, stockW1: 10, stockW2: 0);
        var now = backend.Clock.GetUtcNow();
        var store = backend.Backend.Services.GetRequiredService<IClearanceStore>();
        for (var i = 0; i < 6; i++)
        {
            var sku = SalesMarket.Sku(i);
            var proposal = new ProposedClearance(ProposedClearance.IdOf(sku, "w1"), m.Supplier, sku, "w1", 10, 100, now.AddDays(-100), 15, [], "100 days without a sale from w1", ClearanceStatus.Open, SharedEmulators.Unique("r"), now);
            await store.SaveProposalAsync(proposal, null, default);
            var path = $"/api/orgs/{m.Supplier}/clearance/proposals/{proposal.Id}";
            var answers = await Task.WhenAll(
                m.Pricing.PostAsync($"{path}/acceptance", null), m.Pricing.PostAsync($"{path}/acceptance", null), m.SupplierAdmin.PostAsync($"{path}/dismissal", null));
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{a.StatusCode}: {a.Content.ReadAsStringAsync().Result}")); // never a 428 or a 500
            var read = await BackendFixture.Json(await m.Pricing.GetAsync(path));
            var promotion = await m.Pricing.GetAsync($"/api/orgs/{m.Supplier}/pricing/promotions/clearance-{proposal.Round}");
            Assert.Equal((string?)read["status"] == "accepted", promotion.StatusCode == HttpStatusCode.OK);
        }
    }
}
