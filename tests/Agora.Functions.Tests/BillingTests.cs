using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Core.Billing;
using Agora.Core.Ordering;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>Invoices after the order, through the local runtime: issued by the billing use case (as fulfilment calls it),
/// then read by both sides as JSON and PDF, listed, and followed on the customer's statement.</summary>
[Collection(BackendCollection.Name)]
public sealed class BillingTests(BackendFixture backend)
{
    private BillingService Billing => backend.Backend.Services.GetRequiredService<BillingService>();

    /// <summary>A confirmed order of the market's purchaser: 3 UN of S0001 (11.00) and 2 UN of S0002 (12.00) = 57.00, 30/60.</summary>
    private static async Task<JsonNode> ConfirmedOrderAsync(SalesMarket m)
    {
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(1), "UN", 3), (SalesMarket.Sku(2), "UN", 2));
        var response = await m.CheckoutAsync(m.Purchaser);
        await BackendFixture.Ensure(response);
        var order = await BackendFixture.Json(response);
        await BackendFixture.Ensure(await m.SupplierAdmin.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{order["id"]}/status", new { status = "confirmed" }));
        return order;
    }

    [Fact]
    public async Task An_order_invoiced_twice_under_one_id_is_one_invoice_with_one_number_that_both_sides_read_as_json_and_pdf_and_strangers_never_see()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 5);
        var order = await ConfirmedOrderAsync(m);
        var orderId = (string)order["id"]!;
        var request = new IssueRequest($"inv.{orderId}", orderId, [new(0, 3), new(1, 2)], null);

        var issued = await Task.WhenAll(Billing.IssueAsync(request, default), Billing.IssueAsync(request, default));
        var again = await Billing.IssueAsync(request, default);

        Assert.Equal(1, issued[0].Number);
        Assert.All(issued.Append(again), i => Assert.Equal(("NF1-000001", 57m), (i.DisplayNumber, i.Total)));
        Assert.Equal([28.50m, 28.50m], again.Installments.Select(i => i.Amount));
        Assert.Equal("pt-BR", again.Language);

        var asBuyer = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{request.InvoiceId}"));
        Assert.Equal(("invoice", 57m, 1), ((string?)asBuyer["kind"], (decimal)asBuyer["total"]!, (int)asBuyer["number"]!));
        Assert.Equal(2, asBuyer["lines"]!.AsArray().Count);
        using var pdfRequest = new HttpRequestMessage(HttpMethod.Get, $"/api/orgs/{m.Supplier}/invoices/{request.InvoiceId}");
        pdfRequest.Headers.Accept.ParseAdd("application/pdf, application/json;q=0.5");
        var pdf = await m.Sales.SendAsync(pdfRequest);
        Assert.Equal((HttpStatusCode.OK, "application/pdf"), (pdf.StatusCode, pdf.Content.Headers.ContentType?.MediaType));
        Assert.Equal("%PDF"u8.ToArray(), (await pdf.Content.ReadAsByteArrayAsync())[..4]);
        Assert.Equal("application/pdf", (await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/invoices/{request.InvoiceId}?format=pdf")).Content.Headers.ContentType?.MediaType);

        var stranger = await backend.OrganizationAsync($"{m.Prefix}-x-admin", ["supplier", "buyer"]);
        using var strangerClient = backend.As($"{m.Prefix}-x-admin", $"{m.Prefix}-x-admin@test.example");
        Assert.Equal(HttpStatusCode.NotFound, (await strangerClient.GetAsync($"/api/orgs/{stranger}/invoices/{request.InvoiceId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await strangerClient.GetAsync($"/api/orgs/{m.Buyer}/invoices/{request.InvoiceId}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{request.InvoiceId}?format=xml")).StatusCode);

        var sales = await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/invoices?customer={m.Buyer}&status=open"));
        var listed = Assert.Single(sales["items"]!.AsArray());
        Assert.Equal((request.InvoiceId, 57m, "NF1-000001"), ((string)listed!["id"]!, (decimal)listed["open"]!, (string)listed["number"]!));
        Assert.Empty((await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/invoices?status=paid")))["items"]!.AsArray());
        Assert.Single((await BackendFixture.Json(await m.Purchaser.GetAsync($"/api/orgs/{m.Buyer}/invoices")))["items"]!.AsArray());

        var statement = await BackendFixture.Json(await m.Sales.GetAsync($"/api/orgs/{m.Supplier}/customers/{m.Buyer}/statement"));
        Assert.Equal((57m, 2), ((decimal)statement["balance"]!, statement["openInstallments"]!.AsArray().Count));
        var theirs = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/statement"));
        Assert.Equal(57m, (decimal)theirs["balance"]!);
        Assert.Single(theirs["lines"]!.AsArray());

        var timeline = await m.TimelineAsync(m.Purchaser, m.Buyer, orderId, 3);
        Assert.Single(timeline, e => (string?)e!["action"] == "invoiced");
        await m.MailAsync("b-admin", "Invoice NF1-000001");
        await BackendFixture.EventuallyAsync(async () => (await m.EventsAsync()).Count(e => (string?)e["type"] == "invoice.issued") == 1, "one invoice.issued event");
    }

    [Fact]
    public async Task Invoices_of_parts_of_an_order_bill_the_rest_exactly_and_refuse_more_than_is_left_naming_the_line()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 5);
        var order = await ConfirmedOrderAsync(m);
        var orderId = (string)order["id"]!;

        var first = await Billing.IssueAsync(new IssueRequest($"s1.{orderId}", orderId, [new(0, 1)], "s1"), default);
        var e = await Assert.ThrowsAsync<Core.Common.DomainException>(() => Billing.IssueAsync(new IssueRequest($"s2.{orderId}", orderId, [new(0, 3)], "s2"), default));
        var rest = await Billing.IssueAsync(new IssueRequest($"s3.{orderId}", orderId, [new(0, 2), new(1, 2)], "s3"), default);

        Assert.Contains("2 UN left to invoice", e.Errors["lines[0].quantity"][0], StringComparison.Ordinal);
        Assert.Equal((1L, 2L), (first.Number, rest.Number)); // the refused one took no number: no gap
        Assert.Equal((decimal)order["total"]!, first.Total + rest.Total);
    }

    [Fact]
    public async Task Billing_settings_refuse_unknown_fields_and_bad_values_by_field_and_number_invoices_in_the_series_set()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 5);
        var path = $"/api/orgs/{m.Supplier}/billing/settings";

        var unknown = await m.SupplierAdmin.PutAsJsonAsync(path, new { invoiceSeries = "f26", invoiceSerie = "x" });
        var bad = await BackendFixture.Json(await m.SupplierAdmin.PutAsJsonAsync(path, new { invoiceSeries = "same", creditNoteSeries = "same", depositPercent = 120, language = "fr" }));
        var salesManager = await m.Sales.PutAsJsonAsync(path, new { invoiceSeries = "f26" });
        var saved = await m.SupplierAdmin.PutAsJsonAsync(path, new { invoiceSeries = "f26", invoicePer = "order", language = "en" });

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("invoiceSerie", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["creditNoteSeries", "depositPercent", "language"], bad["errors"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, salesManager.StatusCode);
        await BackendFixture.Ensure(saved);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await m.SupplierAdmin.PutAsJsonAsync(path, new { invoiceSeries = "f27" })).StatusCode);
        Assert.Equal("order", (string?)(await BackendFixture.Json(await m.Warehouse.GetAsync(path)))["invoicePer"]);
        Assert.Equal(InvoicePer.Order, (await Billing.SettingsAsync(m.Supplier, default)).InvoicePer);

        var order = await ConfirmedOrderAsync(m);
        var invoice = await Billing.IssueAsync(new IssueRequest($"inv.{order["id"]}", (string)order["id"]!, [new(0, 3), new(1, 2)], null), default);
        Assert.Equal(("F26-000001", "en"), (invoice.DisplayNumber, invoice.Language));
    }

    [Fact]
    public async Task An_erp_signed_in_without_email_records_a_batch_of_payments_once_each_rows_failing_on_their_own_and_overpayment_kept_as_credit()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 5);
        var order = await ConfirmedOrderAsync(m);
        var invoice = await Billing.IssueAsync(new IssueRequest($"inv.{order["id"]}", (string)order["id"]!, [new(0, 3), new(1, 2)], null), default);
        var erpId = $"{m.Prefix}-sp-object-id";
        await BackendFixture.Ensure(await m.SupplierAdmin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/members/{erpId}", new { roles = new[] { "finance" }, name = "ERP integration" }));
        using var erp = backend.As(erpId); // an app-only token: a subject, no email
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var batch = new
        {
            payments = new object[]
            {
                new { paymentId = "bol-1", buyerId = m.Buyer, amount = 30m, currency = "BRL", receivedOn = today, invoiceId = invoice.Id, installment = 2, reference = "boleto 2" },
                new { paymentId = "bol-2", buyerId = m.Buyer, amount = 30m, currency = "USD", receivedOn = today },
                new { paymentId = "bol-3", buyerId = m.Buyer, amount = 10.001m, currency = "BRL", receivedOn = today },
                new { paymentId = "ted-4", buyerId = m.Buyer, amount = 100m, currency = "BRL", receivedOn = today },
            },
        };

        var first = await BackendFixture.Json(await erp.PostAsJsonAsync($"/api/orgs/{m.Supplier}/payments", batch));
        var again = await BackendFixture.Json(await erp.PostAsJsonAsync($"/api/orgs/{m.Supplier}/payments", batch));
        var asSales = await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/payments", batch);

        var rows = first["results"]!.AsArray();
        Assert.Equal(["recorded", "rejected", "rejected", "recorded"], rows.Select(r => (string)r!["outcome"]!));
        Assert.Equal(("payments[1].currency", "payments[2].amount"), ((string?)rows[1]!["field"], (string?)rows[2]!["field"]));
        Assert.Equal([(2, 28.50m), (1, 1.50m)], rows[0]!["allocations"]!.AsArray().Select(a => ((int)a!["number"]!, (decimal)a["amount"]!)));
        Assert.Equal((27m, 73m), (rows[3]!["allocations"]!.AsArray().Sum(a => (decimal)a!["amount"]!), (decimal)rows[3]!["credit"]!));
        Assert.Equal(["alreadyRecorded", "rejected", "rejected", "alreadyRecorded"], again["results"]!.AsArray().Select(r => (string)r!["outcome"]!));
        Assert.Equal(rows[3]!["allocations"]!.AsArray().Select(a => (decimal)a!["amount"]!), again["results"]![3]!["allocations"]!.AsArray().Select(a => (decimal)a!["amount"]!));
        Assert.Equal(HttpStatusCode.Forbidden, asSales.StatusCode);

        var statement = await BackendFixture.Json(await erp.GetAsync($"/api/orgs/{m.Supplier}/customers/{m.Buyer}/statement"));
        Assert.Equal((-73m, 73m, 0), ((decimal)statement["balance"]!, (decimal)statement["credit"]!, statement["openInstallments"]!.AsArray().Count));
        Assert.Equal([57m, 27m, -73m], statement["lines"]!.AsArray().Select(l => (decimal)l!["balance"]!));
        var paid = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices?status=paid"));
        Assert.Equal(invoice.Id, (string?)Assert.Single(paid["items"]!.AsArray())!["id"]);
        await BackendFixture.EventuallyAsync(async () => (await m.EventsAsync()).Count(e => (string?)e["type"] == "payment.received") == 2, "two payment.received events");
    }

    [Fact]
    public async Task At_checkout_an_invoiced_unpaid_order_counts_once_against_the_credit_limit_and_paying_it_frees_the_credit()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 5, creditLimit: 100);
        var first = await ConfirmedOrderAsync(m); // 57.00
        await Billing.IssueAsync(new IssueRequest($"inv.{first["id"]}", (string)first["id"]!, [new(0, 3), new(1, 2)], null), default);

        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(1), "UN", 3), (SalesMarket.Sku(2), "UN", 2));
        var second = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        Assert.Equal("pendingApproval", (string?)second["status"]); // 57 owed + 57 ordered > 100
        Assert.Contains("unpaid invoices and open orders of 57 BRL plus", second["approval"]!.ToJsonString(), StringComparison.Ordinal); // once, not 114
        await BackendFixture.Ensure(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/orders/{second["id"]}/status", new { status = "cancelled", reason = "Waiting for the invoice" }));

        var paid = await BackendFixture.Json(await m.SupplierAdmin.PostAsJsonAsync($"/api/orgs/{m.Supplier}/payments",
            new { payments = new[] { new { paymentId = "pix-1", buyerId = m.Buyer, amount = 57m, currency = "BRL", receivedOn = DateOnly.FromDateTime(DateTime.UtcNow) } } }));
        Assert.Equal("recorded", (string?)paid["results"]![0]!["outcome"]);

        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(1), "UN", 3), (SalesMarket.Sku(2), "UN", 2));
        var third = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        Assert.Equal("placed", (string?)third["status"]); // the first order is invoiced and paid: it no longer counts
    }

    [Fact]
    public async Task An_installment_overdue_past_the_suppliers_limit_is_reminded_once_and_holds_new_orders_until_it_is_paid()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 5);
        await BackendFixture.Ensure(await m.SupplierAdmin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/billing/settings", new { prepayment = true, blockOrdersAfterDays = 5 }));
        var order = await ConfirmedOrderAsync(m);
        var invoice = await Billing.IssueAsync(new IssueRequest($"inv.{order["id"]}", (string)order["id"]!, [new(0, 3), new(1, 2)], null), default);
        Assert.Equal(DateOnly.FromDateTime(backend.Clock.GetUtcNow().UtcDateTime), Assert.Single(invoice.Installments).DueDate); // prepayment: due on the invoice date

        // Ten days on, as far as the ledger knows: its installment's due date moved back (the backend's clock is shared by every test).
        var ledgers = backend.Backend.Services.GetRequiredService<ISalesDocuments<CustomerLedger>>();
        await Core.Common.Concurrency.RetryAsync("test", async _ =>
        {
            var current = (await ledgers.FindAsync(CustomerLedger.IdOf(m.Supplier, m.Buyer), default))!;
            var entry = current.Value.Invoices.Single();
            var moved = entry with { Installments = entry.Installments.Select(i => i with { DueDate = i.DueDate.AddDays(-10) }).ToArray() };
            return await ledgers.ReplaceAsync(current.Value with { Invoices = [moved] }, current.ETag, default);
        });

        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(1), "UN", 1));
        var held = await m.CheckoutAsync(m.Purchaser);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, held.StatusCode);
        Assert.Contains("New orders are on hold: installment 1 of invoice NF1-000001", (string?)(await BackendFixture.Json(held))["errors"]!["supplierId"]![0], StringComparison.Ordinal);

        await backend.RunFunctionAsync("RemindOverdue");
        await backend.RunFunctionAsync("RemindOverdue");
        await m.MailAsync("b-admin", "is 10 days overdue");
        await m.MailAsync("s-sales", "is 10 days overdue");
        Assert.Single(await backend.MailAsync(), n => (string?)n!["to"] == m.Email("b-admin") && ((string?)n["subject"])!.Contains("overdue", StringComparison.Ordinal));

        var paid = await BackendFixture.Json(await m.SupplierAdmin.PostAsJsonAsync($"/api/orgs/{m.Supplier}/payments",
            new { payments = new[] { new { paymentId = "pix-9", buyerId = m.Buyer, amount = 57m, currency = "BRL", receivedOn = DateOnly.FromDateTime(DateTime.UtcNow) } } }));
        Assert.Equal("recorded", (string?)paid["results"]![0]!["outcome"]);
        Assert.Equal(HttpStatusCode.Created, (await m.CheckoutAsync(m.Purchaser)).StatusCode);
    }

    [Fact]
    public async Task A_credit_note_for_returned_goods_is_read_by_the_buyer_lowers_the_balance_and_is_announced()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 5);
        var order = await ConfirmedOrderAsync(m);
        var invoice = await Billing.IssueAsync(new IssueRequest($"inv.{order["id"]}", (string)order["id"]!, [new(0, 3), new(1, 2)], null), default);

        var note = await Billing.CreditAsync(new CreditRequest($"ret1.{order["id"]}", invoice.Id, [new(1, 1)], "One returned: wrong colour"), default);

        var read = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{note.Id}"));
        Assert.Equal(("creditNote", "NC1-000001", invoice.Id, 12m), ((string?)read["kind"], note.DisplayNumber, (string?)read["correctsInvoiceId"], (decimal)read["total"]!));
        var pdf = await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{note.Id}?format=pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var statement = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/statement"));
        Assert.Equal((45m, 2), ((decimal)statement["balance"]!, statement["lines"]!.AsArray().Count));
        await BackendFixture.EventuallyAsync(async () => (await m.EventsAsync()).Count(e => (string?)e["type"] == "credit-note.issued") == 1, "one credit-note.issued event");
        await m.MailAsync("b-admin", "Credit note NC1-000001");
    }
}
