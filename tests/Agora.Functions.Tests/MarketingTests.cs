using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agora.Testing;

namespace Agora.Functions.Tests;

/// <summary>Marketing end to end through the local runtime, as issue 13 asks for it, with the campaign timer run by the
/// admin endpoint and the test clock moved forward: an abandoned cart gets its two steps and no third, a customer who
/// ordered meanwhile gets none, an unsubscribed person gets none, the weekly cap holds across two campaigns, an inactive
/// customer gets the reactivation offer (a personal coupon its quote applies, its order credited to the campaign) and its
/// sales manager a task. Emails are read from the local SendGrid sink, which SendGrid's real client posts to.</summary>
[Collection(BackendCollection.Name)]
public sealed class MarketingTests(BackendFixture backend)
{
    [Fact]
    public async Task An_abandoned_cart_gets_its_two_steps_and_no_third_and_a_customer_who_ordered_meanwhile_gets_none()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 3);
        using var other = await SalesMarket.CreateAsync(backend, products: 3, extraPurchasers: 1);
        foreach (var market in new[] { m, other })
        {
            await Settings(market, new { maxPerWeek = 5, quietFrom = "00:00", quietUntil = "00:00", taskCartValues = new Dictionary<string, decimal> { ["BRL"] = 40 }, taskCartAfterHours = 24 });
            await market.AddAsync(market.Purchaser, (SalesMarket.Sku(1), "UN", 4));
            await Activate(market, new
            {
                name = "Carrinho esquecido",
                kind = "abandonedCart",
                steps = new object[]
                {
                    new { afterHours = 24, messages = Messages("Seu carrinho te espera, {{name}}", "Você deixou no carrinho:\n{{cart}}\n\n{{hint}}\n\nFinalize em {{link}}") },
                    new { afterHours = 72, messages = Messages("Último lembrete do seu carrinho", "Ainda quer estes itens?\n{{cart}}") },
                },
            });
        }

        // At the other customer, somebody else orders meanwhile: its abandoned cart gets nothing.
        backend.Clock.Advance(TimeSpan.FromMinutes(1));
        var colleague = other.As("p0");
        await other.AddAsync(colleague, (SalesMarket.Sku(0), "UN", 1));
        await BackendFixture.Ensure(await other.CheckoutAsync(colleague));
        await BackendFixture.EventuallyAsync(async () => (await Signals(other))["lastOrderAt"] is not null, "the order in the customer's signals");

        await Run(hours: 1);
        Assert.Empty(await Marketing(m.Email("b-buyer")));

        await Run(hours: 24);
        var first = Assert.Single(await Marketing(m.Email("b-buyer")));
        Assert.Contains("Seu carrinho te espera", (string)first["subject"]!, StringComparison.Ordinal);
        Assert.Contains($"4 UN Produto 1 ({SalesMarket.Sku(1)})", (string)first["text"]!, StringComparison.Ordinal);
        Assert.Contains("/dev/sendgrid/", (string)first["text"]!, StringComparison.Ordinal); // the unsubscribe link, in every email
        await Run(hours: 0); // run again: nothing more
        Assert.Single(await Marketing(m.Email("b-buyer")));

        // The cart is worth more than the supplier's 40 BRL: its sales manager has a task to write to the buyer.
        var tasks = (await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/tasks")))["items"]!.AsArray();
        Assert.Contains(tasks, t => (string?)t!["kind"] == "abandonedCart" && (string?)t["buyerId"] == m.Buyer);

        await Run(hours: 49);
        var both = await Marketing(m.Email("b-buyer"));
        Assert.Equal(2, both.Count);
        Assert.Contains(both, e => ((string)e["subject"]!).Contains("Último lembrete", StringComparison.Ordinal));

        await Run(hours: 24 * 5);
        Assert.Equal(2, (await Marketing(m.Email("b-buyer"))).Count); // no third
        Assert.Empty(await Marketing(other.Email("b-buyer")));

        // The customer's timeline says what it was sent.
        var timeline = await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/customers/{m.Buyer}/timeline"));
        Assert.Equal(2, timeline["items"]!.AsArray().Count(e => (string?)e!["action"] == "emailed"));
    }

    [Fact]
    public async Task An_unsubscribed_person_gets_none_and_the_weekly_cap_holds_across_two_campaigns()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2);
        await Settings(m, new { maxPerWeek = 1, quietFrom = "00:00", quietUntil = "00:00" });
        var news = await Activate(m, new { name = "Novidades", messages = Messages("Novidades para a {{company}}", "Olá {{name}},\n\nChegaram furadeiras novas.") });
        await Run(hours: 0);
        var admin = Assert.Single(await Marketing(m.Email("b-admin")));
        var buyer = Assert.Single(await Marketing(m.Email("b-buyer")));
        Assert.Empty(await Marketing(m.Email("b-appr1"))); // approvers are not shoppers: no offers
        Assert.Contains(m.Buyer, (string)admin["subject"]!, StringComparison.Ordinal);

        // The purchaser follows the unsubscribe link: SendGrid's signed event reaches the webhook, the opt-out is recorded.
        using (var browser = new HttpClient())
        {
            var unsubscribe = await browser.GetAsync(UnsubscribeLink(buyer));
            Assert.True(unsubscribe.IsSuccessStatusCode, $"unsubscribe answered {(int)unsubscribe.StatusCode}");
        }

        await BackendFixture.EventuallyAsync(async () => (long)(await Campaign(m, news))["results"]!["unsubscribed"]! == 1, "the unsubscribe counted");

        var sale = await Activate(m, new { name = "Liquidação", sendWithinHours = 168, messages = Messages("Liquidação de verão", "Até 30% de desconto, {{name}}.") });
        await Run(hours: 1);
        Assert.Single(await Marketing(m.Email("b-admin"))); // the cap: one a week, across campaigns
        Assert.Single(await Marketing(m.Email("b-buyer")));
        var results = (await Campaign(m, sale))["results"]!;
        Assert.Equal((0L, 1L, 1L), ((long)results["sent"]!, (long)results["deferred"]!, (long)results["suppressed"]!));

        // A week after the first email the cap frees up: the admin gets the sale, the unsubscribed purchaser still nothing.
        await Run(hours: 24 * 7);
        Assert.Equal(2, (await Marketing(m.Email("b-admin"))).Count);
        Assert.Single(await Marketing(m.Email("b-buyer")));
    }

    [Fact]
    public async Task An_inactive_customer_gets_the_reactivation_offer_and_its_sales_manager_a_task()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2);
        await Settings(m, new { maxPerWeek = 5, quietFrom = "00:00", quietUntil = "00:00", inactiveFloorDays = 10, inactiveFactor = 2 });
        await BackendFixture.Ensure(await m.Pricing.PutAsJsonAsync($"/api/orgs/{m.Supplier}/pricing/promotions/volta",
            new { name = "Volta 10", audiences = new[] { "all" }, couponCode = "VOLTA", reward = new { kind = "percentOff", percent = 10 } }));
        var campaign = await Activate(m, new
        {
            name = "Sentimos sua falta",
            kind = "reactivation",
            steps = new object[]
            {
                new { afterHours = 1, offer = new { promotionId = "volta", couponPerCustomer = true }, messages = Messages("Sentimos sua falta, {{company}}", "Use o cupom {{coupon}}: {{offer}}.") },
            },
        });

        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 2));
        await BackendFixture.Ensure(await m.CheckoutAsync(m.Purchaser));
        await BackendFixture.EventuallyAsync(async () => (await Signals(m))["inactiveAt"] is not null, "the order in the customer's signals");
        await Run(hours: 24 * 5);
        Assert.Empty(await Marketing(m.Email("b-admin"))); // not late yet

        await Run(hours: (24 * 5) + 2);
        var offer = Assert.Single(await Marketing(m.Email("b-admin")));
        var coupon = Regex.Match((string)offer["text"]!, @"cupom ([0-9A-Z]{10})").Groups[1].Value;
        Assert.NotEmpty(coupon);
        Assert.DoesNotContain("VOLTA", (string)offer["text"]!, StringComparison.Ordinal); // the promotion's own code stays the supplier's
        Assert.Equal(coupon, Regex.Match((string)Assert.Single(await Marketing(m.Email("b-buyer")))["text"]!, @"cupom ([0-9A-Z]{10})").Groups[1].Value); // one code per customer

        // Its sales manager has a task to call.
        await BackendFixture.EventuallyAsync(async () =>
            (await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/tasks")))["items"]!.AsArray()
                .Any(t => (string?)t!["kind"] == "inactiveCustomer" && (string?)t["buyerId"] == m.Buyer), "the sales manager's task");

        // The personal coupon applies in the customer's quote, and the order it places is credited to the campaign.
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(1), "UN", 3));
        var cart = await BackendFixture.Json(await m.Purchaser.PutAsJsonAsync($"{m.CartPath}/coupons", new { couponCodes = new[] { coupon } }));
        Assert.Contains("Volta 10", cart.ToJsonString(), StringComparison.Ordinal);
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        await BackendFixture.EventuallyAsync(async () => (long)(await Campaign(m, campaign))["results"]!["orders"]! == 1, "the order credited to the campaign");
        Assert.Equal((decimal)order["total"]!, (decimal)(await Campaign(m, campaign))["results"]!["revenue"]!["BRL"]!);

        // A made-up code does nothing.
        var foreign = await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/quote",
            new { lines = new[] { new { sku = SalesMarket.Sku(1), unit = "UN", quantity = 1 } }, couponCodes = new[] { coupon == "ABCDEFGHJK" ? "ABCDEFGHJM" : "ABCDEFGHJK" } }));
        Assert.DoesNotContain("Volta 10", foreign.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_campaigns_are_refused_with_the_field_and_the_reason()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1);
        var path = $"/api/orgs/{m.Supplier}/campaigns";
        var bad = await m.Sales.PostAsJsonAsync(path, new { name = "", kind = "reactivation", steps = new[] { new { afterHours = 0, messages = Messages("x", "y") } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await BackendFixture.Json(bad))["errors"]!.AsObject();
        Assert.Contains("name", errors.Select(e => e.Key));
        Assert.Contains("steps[0].afterHours", errors.Select(e => e.Key));

        // An offer that names no promotion is refused when the campaign is activated, by field.
        var draft = await BackendFixture.Json(await m.Sales.PostAsJsonAsync(path, new { name = "Oferta", offer = new { promotionId = "nope" }, messages = Messages("a", "b") }));
        var id = (string)draft["campaign"]!["id"]!;
        var activate = await m.Sales.PostAsJsonAsync($"{path}/{id}/status", new { status = "active" });
        Assert.Equal(HttpStatusCode.BadRequest, activate.StatusCode);
        Assert.Contains("offer.promotionId", (await BackendFixture.Json(activate))["errors"]!.AsObject().Select(e => e.Key));

        // A pricing manager may not run campaigns; a buyer cannot see them.
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Pricing.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await m.BuyerAdmin.GetAsync($"{path}/{id}")).StatusCode);
    }

    private static Dictionary<string, object> Messages(string subject, string body) => new Dictionary<string, object> { ["pt-BR"] = new { subject, body } };

    private static async Task Settings(SalesMarket m, object settings) =>
        await BackendFixture.Ensure(await m.SupplierAdmin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/marketing/settings", settings));

    private static async Task<string> Activate(SalesMarket m, object campaign)
    {
        var created = await BackendFixture.Json(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/campaigns", campaign));
        var id = (string)created["campaign"]!["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/campaigns/{id}/status", new { status = "active" }));
        return id;
    }

    private static async Task<JsonNode> Campaign(SalesMarket m, string id) => await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/campaigns/{id}"));

    private static async Task<JsonNode> Signals(SalesMarket m) => await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/customers/{m.Buyer}/signals"));

    /// <summary>Moves the clock on, then runs the campaign timer as an operator would, and waits for it.</summary>
    private async Task Run(int hours)
    {
        backend.Clock.Advance(TimeSpan.FromHours(hours));
        await backend.RunFunctionAsync("RunCampaigns");
    }

    /// <summary>The marketing emails the sink recorded for <paramref name="to"/> (those with a campaign).</summary>
    private async Task<IReadOnlyList<JsonObject>> Marketing(string to) =>
        (await backend.MailAsync()).OfType<JsonObject>().Where(e => (string?)e["to"] == to && CampaignOf(e) is not null).ToArray();

    private static string? CampaignOf(JsonObject email) => (string?)email["customArgs"]?["campaignId"];

    private static Uri UnsubscribeLink(JsonObject email)
    {
        var link = (string)email["unsubscribeUrl"]!;
        Assert.Contains(link, (string)email["text"]!, StringComparison.Ordinal); // the link is in the email itself
        return new Uri(link);
    }
}
