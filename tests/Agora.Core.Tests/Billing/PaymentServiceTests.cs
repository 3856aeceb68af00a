using Agora.Core.Billing;
using Agora.Core.Common;

namespace Agora.Core.Tests.Billing;

/// <summary>Payments from the supplier's ERP into the customer's ledger: once per payment id, the named installment first,
/// then the oldest, the rest as credit.</summary>
public sealed class PaymentServiceTests
{
    [Fact]
    public async Task A_payment_sent_again_is_recorded_once_and_answers_as_it_did_the_first_time()
    {
        var w = new BillingWorld();
        await w.InvoiceAllAsync(await w.OrderAsync("o1", (1, 100m)));

        var first = await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("p1", 30m), BillingWorld.Paid("p1", 30m)]), default);
        var again = await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("p1", 30m)]), default);

        Assert.Equal([PaymentOutcome.Recorded, PaymentOutcome.AlreadyRecorded], first.Results.Select(r => r.Outcome));
        Assert.Equal(PaymentOutcome.AlreadyRecorded, Assert.Single(again.Results).Outcome);
        Assert.Equal(first.Results[0].Allocations, again.Results[0].Allocations);
        var ledger = await w.LedgerAsync();
        Assert.Equal((70m, 1), (ledger.Balance, ledger.Payments.Count));
        await w.Outbox.HandleAsync(new Core.Ordering.SalesWork("ledger", ledger.Id), default);
        Assert.Single(w.Sales.Events, e => e.Type == "payment.received");
    }

    [Fact]
    public async Task A_payment_settles_the_installment_it_names_then_the_oldest_and_keeps_the_rest_as_credit_for_the_next_invoice()
    {
        var w = new BillingWorld();
        var one = await w.InvoiceAllAsync(await w.OrderAsync("o1", (1, 100m))); // 50 on day 30, 50 on day 60
        w.Clock.Advance(TimeSpan.FromDays(1));
        var two = await w.InvoiceAllAsync(await w.OrderAsync("o2", (1, 40m))); // 20 on day 31, 20 on day 61

        var named = await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("boleto", 30m, invoiceId: two.Id, installment: 2)]), default);
        var oldest = await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("ted", 150m)]), default);

        Assert.Equal([new Allocated(two.Id, 2, 20m), new Allocated(one.Id, 1, 10m)], named.Results[0].Allocations);
        Assert.Equal([new Allocated(one.Id, 1, 40m), new Allocated(two.Id, 1, 20m), new Allocated(one.Id, 2, 50m)], oldest.Results[0].Allocations);
        Assert.Equal(40m, oldest.Results[0].Credit);
        var ledger = await w.LedgerAsync();
        Assert.Equal((0m, 40m, -40m), (ledger.OpenBalance, ledger.Credit, ledger.Balance));
        Assert.Equal(ledger.Balance, ledger.Statement().Balance);
        Assert.Equal(InvoiceStatus.Paid, w.Billing.Summary("acme", one.Id)!.Status(new DateOnly(2027, 6, 1)));

        var three = await w.InvoiceAllAsync(await w.OrderAsync("o3", (1, 30m)));
        Assert.Equal((0m, 0m, -10m), ((await w.LedgerAsync()).InvoiceOf(three.Id)!.Open, (await w.LedgerAsync()).Credit - 10m, (await w.LedgerAsync()).Balance));
    }

    [Fact]
    public async Task Bad_rows_are_rejected_by_field_on_their_own_and_a_payment_id_recorded_for_one_customer_is_refused_for_another()
    {
        var w = new BillingWorld();
        var invoice = await w.InvoiceAllAsync(await w.OrderAsync("o1", (1, 100m)));
        var today = DateOnly.FromDateTime(BillingWorld.Start.UtcDateTime);

        var results = await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch(
        [
            BillingWorld.Paid("ok", 10m),
            BillingWorld.Paid("cents", 10.001m),
            BillingWorld.Paid("old", 10m) with { ReceivedOn = today.AddDays(-400) },
            BillingWorld.Paid("usd", 10m) with { Currency = "USD" },
            BillingWorld.Paid("nobody", 10m, buyer: "stranger"),
            BillingWorld.Paid("inst", 10m, invoiceId: invoice.Id, installment: 9),
            BillingWorld.Paid("ok", 10m, buyer: "buyer2"),
        ]), default);
        var later = await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("ok", 10m, buyer: "buyer2")]), default);

        Assert.Equal(PaymentOutcome.Recorded, results.Results[0].Outcome);
        Assert.Equal(["payments[1].amount", "payments[2].receivedOn", "payments[3].currency", "payments[4].buyerId", "payments[5].installment", "payments[6].paymentId"],
            results.Results.Skip(1).Select(r => r.Field));
        Assert.All(results.Results.Skip(1), r => Assert.Equal(PaymentOutcome.Rejected, r.Outcome));
        Assert.Equal("payments[0].paymentId", Assert.Single(later.Results).Field);
        Assert.Equal(90m, (await w.LedgerAsync()).Balance);
        Assert.Null(await w.Ledgers.FindAsync(CustomerLedger.IdOf("acme", "buyer2"), default));
    }

    [Fact]
    public async Task Only_supplier_admins_and_finance_record_payments_and_a_batch_holds_1_to_500()
    {
        var w = new BillingWorld();
        var salesManager = new Caller("sam", "sam@acme.test", "Sam");

        var forbidden = await Assert.ThrowsAsync<DomainException>(() => w.Payments.RecordAsync(salesManager, "acme", new PaymentBatch([BillingWorld.Paid("p", 1m)]), default));
        var tooMany = await Assert.ThrowsAsync<DomainException>(() => w.Payments.RecordAsync(BillingWorld.Erp, "acme",
            new PaymentBatch(Enumerable.Range(0, 501).Select(i => BillingWorld.Paid($"p{i}", 1m)).ToArray()), default));

        Assert.Equal(FailureKind.Forbidden, forbidden.Kind);
        Assert.Contains("payments", tooMany.Errors.Keys);
    }
}
