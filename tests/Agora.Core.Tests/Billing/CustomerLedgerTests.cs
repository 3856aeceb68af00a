using Agora.Core.Billing;

namespace Agora.Core.Tests.Billing;

/// <summary>The ledger's size stays bounded: what is settled and older than the retention is brought forward as one balance.</summary>
public sealed class CustomerLedgerTests
{
    [Fact]
    public async Task Settled_invoices_and_payments_past_the_retention_fold_into_the_balance_brought_forward_and_open_ones_stay()
    {
        var w = new BillingWorld();
        var paid = await w.InvoiceAllAsync(await w.OrderAsync("o1", (1, 100m)));
        var open = await w.InvoiceAllAsync(await w.OrderAsync("o2", (1, 40m)));
        await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("p1", 50m, invoiceId: paid.Id, installment: 1), BillingWorld.Paid("p2", 60m, invoiceId: paid.Id, installment: 2)]), default);
        var before = await w.LedgerAsync();

        var trimmed = before.Trim(BillingWorld.Start.AddDays(CustomerLedger.RetentionDays + 1));

        Assert.Equal([open.Id], trimmed.Invoices.Select(i => i.Id));
        Assert.Empty(trimmed.Payments);
        Assert.Equal(["o2"], trimmed.Orders.Select(o => o.OrderId));
        Assert.Equal((30m, 30m, -10m), (trimmed.Balance, trimmed.Statement().Balance, trimmed.Opening)); // 100 invoiced − 110 paid brought forward
        Assert.Equal("balance brought forward", trimmed.Statement().Lines[0].Entry.Reference);
        Assert.Same(before, before.Trim(BillingWorld.Start.AddDays(30))); // nothing old enough: unchanged
    }
}
