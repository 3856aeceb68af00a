using Agora.Core.Billing;

namespace Agora.Core.Tests.Billing;

/// <summary>The daily overdue run over the customer ledgers: each reminder step once per installment, the latest one only
/// after missed days, none once paid.</summary>
public sealed class OverdueServiceTests
{
    private static IEnumerable<string> Subjects(BillingWorld w) => w.Stores.Queued.Where(n => n.Data.ContainsKey("subject")).Select(n => $"{n.To}: {n.Data["subject"]}");

    [Fact]
    public async Task Each_reminder_step_is_sent_once_per_installment_to_the_buyers_admins_and_the_accounts_sales_manager_and_a_missed_step_is_passed()
    {
        var w = new BillingWorld();
        await w.InvoiceAllAsync(await w.OrderAsync("o1", (1, 100m))); // 50 due on day 30, 50 on day 60
        await w.Outbox.HandleAsync(new Core.Ordering.SalesWork("ledger", CustomerLedger.IdOf("acme", "buyer")), default);
        w.Stores.Queued.Clear();

        w.Clock.Advance(TimeSpan.FromDays(30));
        await w.Overdue.RunAsync(default);
        await w.Overdue.RunAsync(default);
        await w.Outbox.HandleAsync(new Core.Ordering.SalesWork("ledger", CustomerLedger.IdOf("acme", "buyer")), default);
        Assert.Equal(["bea@buyer.test: Invoice NF1-000001 from Acme Distribuidora is due today", "sam@acme.test: Invoice NF1-000001 from Acme Distribuidora is due today"], Subjects(w));

        // No run for 35 days (the run catches up a week: installment 2's due day is within it): on day 66 installment 1 is 36 days
        // late (steps 7 and 30 reached, only 30 is sent), installment 2 is 6 days late (step 0).
        w.Clock.Advance(TimeSpan.FromDays(36));
        await w.Overdue.RunAsync(default);
        await w.Outbox.HandleAsync(new Core.Ordering.SalesWork("ledger", CustomerLedger.IdOf("acme", "buyer")), default);
        var ledger = await w.LedgerAsync();
        Assert.Equal([[0, 7, 30], [0]], ledger.Invoices[0].Installments.Select(i => i.Reminded.ToArray()));
        Assert.Equal(6, Subjects(w).Count()); // one more per installment and person, not one per step
        Assert.Contains("bea@buyer.test: Invoice NF1-000001 from Acme Distribuidora is 36 days overdue", Subjects(w));
        Assert.Contains("bea@buyer.test: Invoice NF1-000001 from Acme Distribuidora is 6 days overdue", Subjects(w));
        Assert.Equal(3, w.Sales.Events.Count(e => e.Type == "invoice.reminded"));
        await w.Overdue.RunAsync(default);
        Assert.Equal(6, Subjects(w).Count());
    }

    [Fact]
    public async Task A_paid_installment_is_not_reminded_and_an_installment_overdue_past_the_suppliers_limit_blocks_with_its_number_in_words()
    {
        var w = new BillingWorld();
        await w.Billing.SaveSettingsAsync("acme", BillingSettings.Default with { BlockOrdersAfterDays = 15 }, null, default);
        var invoice = await w.InvoiceAllAsync(await w.OrderAsync("o1", (1, 100m)));
        await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("p1", 50m, invoiceId: invoice.Id, installment: 1)]), default);
        await w.Outbox.HandleAsync(new Core.Ordering.SalesWork("ledger", CustomerLedger.IdOf("acme", "buyer")), default);
        w.Stores.Queued.Clear();

        w.Clock.Advance(TimeSpan.FromDays(30));
        await w.Overdue.RunAsync(default);
        Assert.Empty(Subjects(w));

        var settings = (await w.Billing.SettingsAsync("acme", default)).Value;
        var day76 = DateOnly.FromDateTime(BillingWorld.Start.UtcDateTime).AddDays(76);
        Assert.Null(Overdue.BlockReason((await w.LedgerAsync()).DueInstallments(), day76.AddDays(-1), settings));
        var reason = Overdue.BlockReason((await w.LedgerAsync()).DueInstallments(), day76, settings);
        Assert.True(reason?.StartsWith("New orders are on hold: installment 2 of invoice NF1-000001 (50", StringComparison.Ordinal), reason);
    }
}
