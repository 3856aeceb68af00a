using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Core.Marketing;
using Agora.Core.Ordering;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>The sales manager's day through the local runtime (issue 13): a task raised by a signal is the account's sales
/// manager's, listed for them, in one morning digest however often the timer runs, done with a note that joins the
/// customer's timeline beside its orders; a quote about to expire and an overdue installment raise tasks of their own; a
/// sign-in is on the timeline once an hour.</summary>
[Collection(BackendCollection.Name)]
public sealed class SalesTaskTests(BackendFixture backend)
{
    [Fact]
    public async Task An_inactive_customer_gets_its_sales_manager_a_task_and_one_digest_and_the_note_joins_its_timeline_with_its_orders_and_sign_ins()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1, stockW1: 100, stockW2: 0);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 2));
        var orderId = (string)(await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser)))["id"]!;
        var timeline = $"/api/orgs/{m.Supplier}/customers/{m.Buyer}/timeline";
        await BackendFixture.EventuallyAsync(async () => (await EntriesAsync(m.Sales, timeline)).Any(e => (string?)e["about"] == $"order:{orderId}"), "the order's entries on the customer's timeline");

        // The signal (marketing's inactivity check) raises the task; raising it again while it is open changes nothing.
        // (Entries are ordered by their time: the test's clock stands still unless moved.)
        backend.Clock.Advance(TimeSpan.FromSeconds(1));
        var signals = backend.Backend.Services.GetRequiredService<ISalesTasks>();
        var request = new SalesTaskRequest(m.Supplier, m.Buyer, SalesTaskKind.InactiveCustomer, m.Buyer, "Call: later than it usually orders", "Usually every 12 days; 30 days now.",
            backend.Clock.GetUtcNow());
        await signals.RaiseAsync(request, default);
        await signals.RaiseAsync(request, default);
        var tasks = $"/api/orgs/{m.Supplier}/tasks";
        var listed = (await BackendFixture.Json(await m.Sales.GetAsync(tasks)))["items"]!.AsArray();
        var task = Assert.Single(listed)!;
        Assert.Equal((m.User("s-sales"), "open", "inactiveCustomer"), ((string?)task["assigneeId"], (string?)task["status"], (string?)task["kind"]));
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Warehouse.GetAsync(tasks)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await m.Sales.GetAsync($"{tasks}?assignee={m.User("s-admin")}")).StatusCode);
        Assert.Single((await BackendFixture.Json(await m.SupplierAdmin.GetAsync($"{tasks}?assignee={m.User("s-sales")}")))["items"]!.AsArray());

        // The morning digest, run twice: one email to the sales manager, naming the customer and the task.
        await backend.RunFunctionAsync("SendManagerDigest");
        await backend.RunFunctionAsync("SendManagerDigest");
        var digests = (await backend.MailAsync()).Where(n => (string?)n!["to"] == m.Email("s-sales") && ((string?)n["subject"])!.Contains("task", StringComparison.Ordinal)).ToArray();
        var digest = Assert.Single(digests)!;
        Assert.Contains("Call: later than it usually orders", (string?)digest["text"], StringComparison.Ordinal);

        // Done with a note: once; the note is on the customer's timeline after the order's entries and the task's raise.
        var id = (string)task["id"]!;
        backend.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.BadRequest, (await m.Sales.PostAsJsonAsync($"{tasks}/{id}/completion", new { note = "" })).StatusCode);
        var done = await BackendFixture.Json(await m.Sales.PostAsJsonAsync($"{tasks}/{id}/completion", new { note = "Called Ana: they order again next week." }));
        Assert.Equal("done", (string?)done["status"]);
        Assert.Equal(HttpStatusCode.Conflict, (await m.Sales.PostAsJsonAsync($"{tasks}/{id}/completion", new { note = "Again" })).StatusCode);
        Assert.Empty((await BackendFixture.Json(await m.Sales.GetAsync(tasks)))["items"]!.AsArray());
        var entries = await EntriesAsync(m.Sales, timeline);
        var actions = entries.Select(e => (string?)e["action"]).ToList();
        Assert.Contains("placed", actions);
        Assert.True(actions.IndexOf("placed") < actions.IndexOf("taskRaised") && actions.IndexOf("taskRaised") < actions.IndexOf("taskCompleted"), string.Join(", ", actions));
        Assert.Equal("Called Ana: they order again next week.", (string?)entries.Single(e => (string?)e["action"] == "taskCompleted")["comment"]);

        // The buyer's own people do not read the supplier's history of them.
        Assert.Equal(HttpStatusCode.NotFound, (await m.BuyerAdmin.GetAsync(timeline)).StatusCode);

        // Signing in (GET /api/me), twice within the hour, is one entry.
        await BackendFixture.Ensure(await m.Purchaser.GetAsync("/api/me"));
        await BackendFixture.Ensure(await m.Purchaser.GetAsync("/api/me"));
        var signIns = (await EntriesAsync(m.Sales, timeline)).Where(e => (string?)e["action"] == "signedIn").ToArray();
        Assert.Equal(m.User("b-buyer"), (string?)Assert.Single(signIns)!["actorId"]);
    }

    [Fact]
    public async Task A_quote_proposed_close_to_its_expiry_becomes_a_task_in_the_morning_digest()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1, stockW1: 100, stockW2: 0);
        var quote = await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/quotes",
            new { comment = "Price for 50?", lines = new[] { new { sku = SalesMarket.Sku(0), quantity = 50 } } }));
        var quoteId = (string)quote["id"]!;
        var expires = backend.Clock.GetUtcNow().AddDays(2);
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/quotes/{quoteId}/proposals", new { expiresAt = expires, comment = "Our best" }));
        var quotes = backend.Backend.Services.GetRequiredService<ISalesDocuments<NegotiatedQuote>>();
        await BackendFixture.EventuallyAsync(async () => (await quotes.FindAsync(quoteId, default))?.Value.Outbox.IsEmpty == true, "the proposal handed on");

        await backend.RunFunctionAsync("SendManagerDigest");
        await backend.RunFunctionAsync("SendManagerDigest");
        var listed = (await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/tasks")))["items"]!.AsArray();
        var task = Assert.Single(listed)!;
        Assert.Equal(("expiringQuote", quoteId), ((string?)task["kind"], (string?)task["subjectId"]));
        var digest = Assert.Single(await backend.MailAsync(), n => (string?)n!["to"] == m.Email("s-sales") && ((string?)n["subject"])!.Contains("task", StringComparison.Ordinal))!;
        Assert.Contains(quoteId, (string?)digest["text"], StringComparison.Ordinal);

        // Snoozed until tomorrow: not open today, open again once tomorrow comes.
        var until = backend.Clock.GetUtcNow().AddHours(20);
        var snoozed = await BackendFixture.Json(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/tasks/{(string)task["id"]!}/snooze", new { until, note = "Buyer on holiday" }));
        Assert.Equal("snoozed", (string?)snoozed["status"]);
        Assert.Empty((await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/tasks?status=open")))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.BadRequest, (await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/tasks/{(string)task["id"]!}/snooze", new { until = backend.Clock.GetUtcNow().AddDays(-1) })).StatusCode);
    }

    [Fact]
    public async Task An_installment_reminded_as_overdue_raises_a_task_for_the_sales_manager_once()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 1, stockW1: 100, stockW2: 0, paymentTermsDays: [30]);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 3));
        var orderId = (string)(await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser)))["id"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{orderId}/status", new { status = "confirmed" }));
        var billing = backend.Backend.Services.GetRequiredService<Agora.Core.Billing.BillingService>();
        var invoice = await billing.IssueAsync(new($"inv.{orderId}", orderId, [new(0, 3)], null), default);

        backend.Clock.Advance(TimeSpan.FromDays(32));
        await backend.RunFunctionAsync("RemindOverdue");
        await backend.RunFunctionAsync("RemindOverdue");
        var tasks = $"/api/orgs/{m.Supplier}/tasks";
        // Only the overdue ones: a month without an order also makes the customer inactive, which is a task of its own.
        async Task<JsonNode[]> OverdueAsync() => (await BackendFixture.Json(await m.Sales.GetAsync(tasks)))["items"]!.AsArray().Where(t => (string?)t!["kind"] == "overdueInvoice").ToArray()!;
        await BackendFixture.EventuallyAsync(async () => (await OverdueAsync()).Length > 0, "the overdue task");
        var task = Assert.Single(await OverdueAsync())!;
        Assert.Equal(("overdueInvoice", $"{invoice.Id}.1"), ((string?)task["kind"], (string?)task["subjectId"]));
        var entries = await EntriesAsync(m.Sales, $"/api/orgs/{m.Supplier}/customers/{m.Buyer}/timeline");
        Assert.Contains(entries, e => (string?)e["action"] == "overdue" && ((string?)e["about"])!.StartsWith("ledger:", StringComparison.Ordinal));
    }

    private static async Task<List<JsonNode>> EntriesAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync($"{path}?limit=200");
        await BackendFixture.Ensure(response);
        return [.. (await BackendFixture.Json(response))["items"]!.AsArray().Select(e => e!)];
    }
}
