using Agora.Core.Billing;
using Agora.Core.Common;

namespace Agora.Core.Tests.Billing;

/// <summary>Issuing invoices and credit notes into the customer's ledger, as fulfilment calls it: idempotent by id, gap-free,
/// never billing or crediting more than there is.</summary>
public sealed class BillingServiceTests
{
    [Fact]
    public async Task An_invoice_issued_twice_at_once_and_once_more_is_one_document_one_number_one_ledger_entry_and_one_event()
    {
        var w = new BillingWorld();
        var order = await w.OrderAsync("o1", (3, 33.33m), (1, 100.01m));

        var issued = await Task.WhenAll(w.InvoiceAllAsync(order), w.InvoiceAllAsync(order));
        var again = await w.InvoiceAllAsync(order);

        Assert.All(issued.Append(again), i => Assert.Equal(("NF1-000001", 200m), (i.DisplayNumber, i.Total)));
        Assert.Single(w.Billing.Invoices);
        var ledger = await w.LedgerAsync();
        var entry = Assert.Single(ledger.Invoices);
        Assert.Null(entry.Pending); // the document is stored: the ledger no longer carries it
        Assert.Equal([100m, 100m], entry.Installments.Select(i => i.Amount));
        Assert.Equal(200m, ledger.Balance);
        Assert.Empty(await w.Billing.UnsettledAsync("acme", "nf1", default));
        Assert.Equal(InvoiceStatus.Open, w.Billing.Summary("buyer", entry.Id)!.Status(DateOnly.FromDateTime(BillingWorld.Start.UtcDateTime)));

        await w.Outbox.HandleAsync(new Core.Ordering.SalesWork("ledger", ledger.Id), default);
        await w.Outbox.HandleAsync(new Core.Ordering.SalesWork("ledger", ledger.Id), default);
        Assert.Single(w.Sales.Events, e => e.Type == "invoice.issued");
        Assert.Single(w.Sales.Timeline, t => t.Subject == "order:o1" && t.Action == "invoiced");
        Assert.Equal(["pat@buyer.test", "bea@buyer.test"], w.Stores.Queued.Select(n => n.To));
        Assert.True((await w.LedgerAsync()).Outbox.IsEmpty);
    }

    [Fact]
    public async Task A_ledger_write_lost_to_another_writer_is_decided_again_on_the_newer_version()
    {
        var w = new BillingWorld();
        var first = await w.OrderAsync("o1", (2, 10m));
        var second = await w.OrderAsync("o2", (1, 5m));
        await w.InvoiceAllAsync(first);

        w.Ledgers.ConflictsToSimulate = 2;
        var invoice = await w.InvoiceAllAsync(second);

        Assert.Equal(2, invoice.Number);
        Assert.Equal(["inv.o1", "inv.o2"], (await w.LedgerAsync()).Invoices.Select(i => i.Id));
        Assert.Equal(25m, (await w.LedgerAsync()).Balance);
    }

    [Fact]
    public async Task Parts_of_an_order_bill_the_rest_exactly_and_a_part_past_what_is_left_is_refused_without_taking_a_number()
    {
        var w = new BillingWorld();
        var order = await w.OrderAsync("o1", (3, 33.33m));

        var one = await w.Service.IssueAsync(new IssueRequest("s1.o1", "o1", [new(0, 1)], "s1"), default);
        var e = await Assert.ThrowsAsync<DomainException>(() => w.Service.IssueAsync(new IssueRequest("s2.o1", "o1", [new(0, 3)], "s2"), default));
        var rest = await w.Service.IssueAsync(new IssueRequest("s3.o1", "o1", [new(0, 2)], "s3"), default);

        Assert.Contains("2 UN left to invoice", e.Errors["lines[0].quantity"][0], StringComparison.Ordinal);
        Assert.Equal((1L, 2L), (one.Number, rest.Number));
        var cancelled = await w.OrderAsync("o9", (1, 1m));
        await w.Orders.ReplaceAsync(cancelled with { Status = Core.Ordering.OrderStatus.Cancelled }, (await w.Orders.FindAsync("o9", default))!.ETag, default);
        var refused = await Assert.ThrowsAsync<DomainException>(() => w.InvoiceAllAsync(cancelled));
        Assert.Equal((FailureKind.Unprocessable, "orderId"), (refused.Kind, refused.Errors.Keys.Single()));
        Assert.Equal(order.Total, one.Total + rest.Total);
        Assert.Equal(new BilledSoFar(3, 99.99m), (await w.LedgerAsync()).BilledOf("o1")[0]);
    }

    [Fact]
    public async Task Credit_notes_never_credit_more_than_the_invoice_billed_and_credit_past_what_is_owed_becomes_the_customers_credit()
    {
        var w = new BillingWorld();
        var order = await w.OrderAsync("o1", (3, 10m));
        var invoice = await w.InvoiceAllAsync(order);

        var note = await w.Service.CreditAsync(new CreditRequest("ret1", invoice.Id, [new(0, 2)], "Two returned damaged"), default);
        var again = await w.Service.CreditAsync(new CreditRequest("ret1", invoice.Id, [new(0, 2)], "Two returned damaged"), default);
        var tooMuch = await Assert.ThrowsAsync<DomainException>(() => w.Service.CreditAsync(new CreditRequest("ret2", invoice.Id, [new(0, 2)], "Again"), default));

        Assert.Equal(("NC1-000001", 20m, InvoiceKind.CreditNote, invoice.Id), (note.DisplayNumber, note.Total, note.Kind, note.CorrectsInvoiceId));
        Assert.Equal(note.Number, again.Number);
        Assert.Contains("invoiced for 1 UN", tooMuch.Errors["lines[0].quantity"][0], StringComparison.Ordinal);
        var ledger = await w.LedgerAsync();
        Assert.Equal((10m, 0m), (ledger.Balance, ledger.Credit));
        Assert.Equal(new BilledSoFar(1, 10m), ledger.BilledOf("o1")[0]); // the returned two may be invoiced again (a replacement)
        Assert.Equal([-20m], ledger.Statement().Lines.Where(l => l.Entry.Kind == LedgerKind.CreditNote).Select(l => -l.Entry.Amount));

        // Paid in full, then the last one credited: nothing is owed, so it becomes credit, used on the next invoice.
        var paid = ledger.RecordPayment(new LedgerPayment("p1", 10m, new DateOnly(2026, 12, 1), BillingWorld.Start, null,
            PaymentAllocation.Allocate(ledger.OpenInstallments(), 10m).Allocations, 0));
        await w.Ledgers.ReplaceAsync(paid, (await w.Ledgers.FindAsync(ledger.Id, default))!.ETag, default);
        await w.Service.CreditAsync(new CreditRequest("ret3", invoice.Id, [new(0, 1)], "The last one"), default);
        Assert.Equal((-10m, 10m), ((await w.LedgerAsync()).Balance, (await w.LedgerAsync()).Credit));
        var next = await w.InvoiceAllAsync(await w.OrderAsync("o2", (1, 25m)));
        var after = await w.LedgerAsync();
        Assert.Equal((15m, 0m, 15m), (after.Balance, after.Credit, after.InvoiceOf(next.Id)!.Open));
        Assert.Equal(after.Balance, after.Statement().Balance);
    }

    [Fact]
    public async Task A_retry_after_the_document_failed_to_store_writes_the_invoice_the_ledger_recorded_with_its_number_even_after_a_series_change()
    {
        var w = new BillingWorld();
        var order = await w.OrderAsync("o1", (2, 10m));
        w.Billing.FailNextCreate = true;

        await Assert.ThrowsAsync<TimeoutException>(() => w.InvoiceAllAsync(order));
        Assert.NotNull(Assert.Single((await w.LedgerAsync()).Invoices).Pending);
        Assert.Single(await w.Billing.UnsettledAsync("acme", "nf1", default));
        await w.Billing.SaveSettingsAsync("acme", BillingSettings.Default with { InvoiceSeries = "nf9" }, null, default);
        var retried = await w.InvoiceAllAsync(order);

        Assert.Equal(("NF1-000001", 20m), (retried.DisplayNumber, retried.Total));
        Assert.Equal(retried, Assert.Single(w.Billing.Invoices));
        Assert.Empty(await w.Billing.UnsettledAsync("acme", "nf1", default));
        Assert.Empty(await w.Billing.UnsettledAsync("acme", "nf9", default));
        Assert.Null(Assert.Single((await w.LedgerAsync()).Invoices).Pending);
        await w.Outbox.HandleAsync(new Core.Ordering.SalesWork("ledger", CustomerLedger.IdOf("acme", "buyer")), default);
        Assert.Single(w.Sales.Events, e => e.Type == "invoice.issued");
    }

    [Fact]
    public async Task The_numbers_sweep_settles_numbers_whose_invoice_is_stored_and_keeps_due_those_whose_invoice_is_missing()
    {
        var w = new BillingWorld();
        var issued = await w.InvoiceAllAsync(await w.OrderAsync("o1", (1, 5m))); // number 1, settled by its issuing
        await w.Billing.TakeAsync("acme", "nf1", "lost", default); // 2: its issuing never finished
        await w.Billing.TakeAsync("acme", "nf1", "late", default); // 3: stored, not settled (a crash right after storing)
        await w.Billing.CreateIfAbsentAsync(issued with { Id = "late", Number = 3 }, default);

        await Assert.ThrowsAsync<IncompleteWorkException>(() => w.Service.SettleNumbersAsync(new DueEntry("2026-12-01", "nf1", BillingService.NumbersDueKind, "acme", BillingWorld.Start), default));

        Assert.Equal([(2L, "lost")], await w.Billing.UnsettledAsync("acme", "nf1", default));
    }
}
