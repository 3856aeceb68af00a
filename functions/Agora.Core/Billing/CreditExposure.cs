using Agora.Core.Ordering;

namespace Agora.Core.Billing;

/// <summary>What a customer owes or has committed at a supplier, as checkout weighs it against the credit limit (issue 12):
/// the unpaid balance of its invoices, plus the part of its open orders not invoiced yet, less its credit. An invoiced
/// order counts once — by its open invoice, no longer by its order total — and a paid one stops counting, whatever
/// status the order document has reached.</summary>
public static class CreditExposure
{
    public static decimal Of(IReadOnlyList<OpenOrder> openOrders, CustomerLedger? ledger)
    {
        ArgumentNullException.ThrowIfNull(openOrders);
        var notInvoiced = openOrders.Sum(o => Math.Max(0, o.Total - (ledger?.Orders.FirstOrDefault(b => b.OrderId == o.Id)?.Amount ?? 0)));
        return notInvoiced + (ledger?.Balance ?? 0);
    }
}
