using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Testing;
using UglyToad.PdfPig;

namespace Agora.Functions.Tests;

/// <summary>The whole sale after checkout through the local runtime, as issue 12 asks for it: an order held in two
/// warehouses split into two shipments, one invoice per shipment in 30/60/90 installments, a partial payment then the
/// rest, an overdue reminder from the timer (run with the admin endpoint), a return with its credit note; the PDFs read
/// back (text and totals), the emails in the local mail sink, the integration events on the local queue.</summary>
[Collection(BackendCollection.Name)]
public sealed class SaleToCashTests(BackendFixture backend)
{
    private static readonly CultureInfo Brazil = CultureInfo.GetCultureInfo("pt-BR");

    [Fact]
    public async Task An_order_shipped_in_two_lots_is_invoiced_per_lot_in_installments_paid_in_two_goes_reminded_when_late_and_credited_for_a_return()
    {
        using var m = await SalesMarket.CreateAsync(backend, products: 2, stockW1: 6, stockW2: 6, paymentTermsDays: [30, 60, 90]);
        await m.AddAsync(m.Purchaser, (SalesMarket.Sku(0), "UN", 10), (SalesMarket.Sku(1), "UN", 3));
        var order = await BackendFixture.Json(await m.CheckoutAsync(m.Purchaser));
        var id = (string)order["id"]!;
        var orderTotal = (decimal)order["total"]!;
        await BackendFixture.Ensure(await m.Sales.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/status", new { status = "confirmed" }));

        // One lot per warehouse holding the order's stock: S0000's 10 units are held in both.
        var lots = order["lines"]!.AsArray()
            .SelectMany((l, i) => l!["held"]!.AsArray().Select(a => (Warehouse: (string)a!["warehouseId"]!, Line: i, Quantity: (decimal)a["quantity"]!)))
            .GroupBy(h => h.Warehouse)
            .Select(g => new { warehouseId = g.Key, lines = g.Select(h => new { line = h.Line, quantity = h.Quantity, inBaseUnits = true }).ToArray() })
            .ToArray();
        Assert.Equal(2, lots.Length);
        var shipments = (await BackendFixture.Json(await m.Warehouse.PostAsJsonAsync($"/api/orgs/{m.Supplier}/orders/{id}/shipments", new { lots })))["items"]!.AsArray()
            .Select(s => (string)s!["id"]!).ToArray();
        foreach (var shipment in shipments)
        {
            await Move(m.Warehouse, $"/api/orgs/{m.Supplier}/shipments/{shipment}/status", new { status = "packed" });
            await Move(m.Warehouse, $"/api/orgs/{m.Supplier}/shipments/{shipment}/status", new { status = "dispatched", carrier = "Jadlog", trackingNumber = $"JD-{shipment[^6..]}" });
        }

        // One invoice per shipment, each in three installments 30, 60 and 90 days out that add up to it; together the order's total.
        var invoices = new List<JsonNode>();
        foreach (var shipment in shipments)
        {
            var invoice = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{shipment}"));
            Assert.Equal(shipment, (string?)invoice["shipmentId"]);
            var installments = invoice["installments"]!.AsArray();
            var issued = DateOnly.Parse((string)invoice["issuedOn"]!, CultureInfo.InvariantCulture);
            Assert.Equal([issued.AddDays(30), issued.AddDays(60), issued.AddDays(90)], installments.Select(i => DateOnly.Parse((string)i!["dueDate"]!, CultureInfo.InvariantCulture)));
            Assert.Equal((decimal)invoice["total"]!, installments.Sum(i => (decimal)i!["amount"]!));
            invoices.Add(invoice);
        }

        Assert.Equal(orderTotal, invoices.Sum(i => (decimal)i["total"]!));
        Assert.Equal(["NF1-000001", "NF1-000002"], invoices.Select(i => (string)i["displayNumber"]!).Order());

        // The PDFs the buyer files say the same: number, lines, total in Brazilian format.
        foreach (var invoice in invoices)
        {
            var pdf = await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{(string)invoice["id"]!}?format=pdf");
            Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
            var text = Text(await pdf.Content.ReadAsByteArrayAsync());
            Assert.Contains((string)invoice["displayNumber"]!, text, StringComparison.Ordinal);
            Assert.Contains($"Total: R$ {((decimal)invoice["total"]!).ToString("N2", Brazil)}", text, StringComparison.Ordinal);
            Assert.All(invoice["lines"]!.AsArray(), l => Assert.Contains((string)l!["sku"]!, text, StringComparison.Ordinal));
        }

        await m.MailAsync("b-admin", (string)invoices[0]["displayNumber"]!);

        // A partial payment goes to the oldest installment; the statement shows what is left.
        var payments = $"/api/orgs/{m.Supplier}/payments";
        var today = DateOnly.FromDateTime(backend.Clock.GetUtcNow().UtcDateTime);
        var first = await BackendFixture.Json(await m.SupplierAdmin.PostAsJsonAsync(payments,
            new { payments = new[] { new { paymentId = $"{m.Prefix}-boleto-1", buyerId = m.Buyer, amount = 10m, currency = "BRL", receivedOn = today } } }));
        Assert.Equal("recorded", (string?)first["results"]![0]!["outcome"]);
        var statement = $"/api/orgs/{m.Buyer}/suppliers/{m.Supplier}/statement";
        Assert.Equal(orderTotal - 10m, (decimal)(await BackendFixture.Json(await m.BuyerAdmin.GetAsync(statement)))["balance"]!);

        // A month on, the first installments are late: the timer, run with the admin endpoint, reminds the buyer's admin once.
        backend.Clock.Advance(TimeSpan.FromDays(31));
        async Task<JsonNode[]> RemindersAsync() =>
            (await backend.MailAsync()).Where(n => (string?)n!["to"] == m.Email("b-admin") && ((string?)n["subject"])!.Contains("overdue", StringComparison.Ordinal)).ToArray()!;
        await backend.RunFunctionAsync("RemindOverdue");
        await BackendFixture.EventuallyAsync(async () => (await RemindersAsync()).Length >= 2, "the overdue reminders");
        await backend.RunFunctionAsync("RemindOverdue");
        await m.MailAsync("s-sales", "overdue");
        var reminders = await RemindersAsync();
        Assert.Equal(2, reminders.Length); // one per late installment (one per invoice), once however often the timer runs
        Assert.Contains(reminders, r => ((string?)r!["subject"])!.Contains((string)invoices[0]["displayNumber"]!, StringComparison.Ordinal));

        // The rest is paid: nothing is owed; a resent batch changes nothing.
        var rest = orderTotal - 10m;
        var last = new { payments = new[] { new { paymentId = $"{m.Prefix}-boleto-2", buyerId = m.Buyer, amount = rest, currency = "BRL", receivedOn = today } } };
        Assert.Equal("recorded", (string?)(await BackendFixture.Json(await m.SupplierAdmin.PostAsJsonAsync(payments, last)))["results"]![0]!["outcome"]);
        Assert.NotEqual("recorded", (string?)(await BackendFixture.Json(await m.SupplierAdmin.PostAsJsonAsync(payments, last)))["results"]![0]!["outcome"]);
        Assert.Equal(0m, (decimal)(await BackendFixture.Json(await m.BuyerAdmin.GetAsync(statement)))["balance"]!);
        await BackendFixture.EventuallyAsync(async () =>
            (await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices?side=purchases&status=paid")))["items"]!.AsArray().Count == 2, "both invoices listed as paid");

        // Delivered, then one unit of S0000 comes back resellable: back on hand, and a credit note credits it.
        foreach (var shipment in shipments)
        {
            await Move(m.Purchaser, $"/api/orgs/{m.Buyer}/shipments/{shipment}/status", new { status = "delivered" });
        }

        var request = await BackendFixture.Json(await m.Purchaser.PostAsJsonAsync($"/api/orgs/{m.Buyer}/orders/{id}/returns", new { reason = "Broken seal", lines = new[] { new { line = 0, quantity = 1 } } }));
        var returnId = (string)request["id"]!;
        var returnedFrom = (string)request["lines"]![0]!["warehouseId"]!;
        var onHand = (decimal)(await m.ProductAsync(SalesMarket.Sku(0)))["stock"]![returnedFrom]!["onHand"]!;
        await Move(m.Sales, $"/api/orgs/{m.Supplier}/returns/{returnId}/decision", new { decision = "approve" });
        var received = await Move(m.Warehouse, $"/api/orgs/{m.Supplier}/returns/{returnId}/receipt", new { lines = new[] { new { line = 0, condition = "resellable" } } });
        Assert.Equal(onHand + 1, (decimal)(await m.ProductAsync(SalesMarket.Sku(0)))["stock"]![returnedFrom]!["onHand"]!);
        var noteId = (string)Assert.Single(received["creditNoteIds"]!.AsArray())!;
        var note = await BackendFixture.Json(await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{noteId}"));
        var unitPrice = (decimal)order["lines"]![0]!["price"]!["netUnitPrice"]!;
        Assert.Equal(("creditNote", "NC1-000001", unitPrice), ((string?)note["kind"], (string?)note["displayNumber"], (decimal)note["total"]!));
        var notePdf = Text(await (await m.BuyerAdmin.GetAsync($"/api/orgs/{m.Buyer}/invoices/{noteId}?format=pdf")).Content.ReadAsByteArrayAsync());
        Assert.Contains("NC1-000001", notePdf, StringComparison.Ordinal);
        Assert.Equal(-unitPrice, (decimal)(await BackendFixture.Json(await m.BuyerAdmin.GetAsync(statement)))["balance"]!); // paid in full, then credited: the customer's credit
        await m.MailAsync("b-admin", "Credit note NC1-000001");

        await BackendFixture.EventuallyAsync(async () =>
        {
            var types = (await m.EventsAsync()).Select(e => (string)e["type"]!).ToArray();
            return types.Count(t => t == "shipment.dispatched") == 2 && types.Count(t => t == "invoice.issued") == 2 && types.Count(t => t == "payment.received") == 2
                && types.Count(t => t == "credit-note.issued") == 1 && types.Contains("order.delivered");
        }, "the shipment, invoice, payment and credit-note events");
    }

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join(" ", document.GetPages().Select(page => string.Join(" ", page.GetWords().Select(w => w.Text))));
    }

    private static async Task<JsonNode> Move(HttpClient client, string path, object body)
    {
        var response = await client.PostAsJsonAsync(path, body);
        await BackendFixture.Ensure(response);
        return await BackendFixture.Json(response);
    }
}
