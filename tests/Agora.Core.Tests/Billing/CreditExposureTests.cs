using Agora.Core.Billing;
using Agora.Core.Ordering;

namespace Agora.Core.Tests.Billing;

/// <summary>Credit exposure at checkout: unpaid invoices plus what open orders have not been invoiced yet, less credit.</summary>
public sealed class CreditExposureTests
{
    [Fact]
    public async Task An_invoiced_and_paid_order_frees_its_credit_and_an_invoiced_unpaid_one_counts_once()
    {
        var w = new BillingWorld();
        var paid = await w.OrderAsync("o1", (1, 100m));
        var unpaid = await w.OrderAsync("o2", (1, 50m));
        var partly = await w.OrderAsync("o3", (10, 10m));
        var open = new[] { new OpenOrder("o1", 100m), new OpenOrder("o2", 50m), new OpenOrder("o3", 100m), new OpenOrder("o4", 30m) };
        Assert.Equal(280m, CreditExposure.Of(open, null)); // nothing invoiced: the open orders

        await w.InvoiceAllAsync(paid);
        await w.InvoiceAllAsync(unpaid);
        await w.Service.IssueAsync(new IssueRequest("s1.o3", "o3", [new(0, 4)], "s1"), default);
        Assert.Equal(280m, CreditExposure.Of(open, await w.LedgerAsync())); // invoiced, unpaid: once, not twice

        await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("p1", 100m, invoiceId: "inv.o1")]), default);
        Assert.Equal(180m, CreditExposure.Of(open, await w.LedgerAsync())); // o2's 50 + o3's 40 invoiced and 60 not + o4's 30

        await w.Payments.RecordAsync(BillingWorld.Erp, "acme", new PaymentBatch([BillingWorld.Paid("p2", 200m)]), default);
        Assert.Equal(90m - 110m, CreditExposure.Of(open, await w.LedgerAsync())); // o3's 60 + o4's 30 not invoiced, less 110 of credit
        Assert.Equal(-110m, CreditExposure.Of([], await w.LedgerAsync()));
    }
}
