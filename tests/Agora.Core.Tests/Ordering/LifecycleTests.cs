using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Core.Pricing;
using Agora.Core.Tests.Pricing;

namespace Agora.Core.Tests.Ordering;

public sealed class LifecycleTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    internal static Order OrderIn(OrderStatus status, string placedBy = "pat") => new()
    {
        Id = "o1",
        Number = "2026-000001",
        SupplierId = "acme",
        SupplierName = "Acme",
        BuyerId = "buyer",
        BuyerName = "Buyer",
        PlacedBy = new Actor(placedBy, placedBy, null, "buyer"),
        Status = status,
        Currency = "BRL",
        Lines = [],
        ListTotal = 0,
        DiscountTotal = 0,
        Total = 0,
        DeliveryAddress = new Address("hq", "HQ", "R", "L1", null, "São Paulo", "SP", "01000-000", "BR", null),
        DeliveryTerms = new DeliveryTerms("FOB", null),
        PaymentTerms = new PaymentTerms([30]),
        Approval = ApprovalProcess.None,
        Stock = StockState.Held,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static NegotiatedQuote QuoteIn(QuoteStatus status, params QuoteVersion[] versions) => new()
    {
        Id = "q1",
        SupplierId = "acme",
        SupplierName = "Acme",
        BuyerId = "buyer",
        BuyerName = "Buyer",
        RequestedBy = new Actor("pat", null, null, "buyer"),
        Status = status,
        Currency = "BRL",
        Versions = versions,
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    [Fact]
    public void An_illegal_move_is_a_conflict_naming_the_current_state_and_the_allowed_ones()
    {
        var e = Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Placed), OrderStatus.Delivered, [Role.SupplierAdmin], "sara"));
        Assert.Equal(FailureKind.Conflict, e.Kind);
        Assert.Equal(["placed"], e.Errors["currentStatus"]);
        Assert.Equal(["confirmed", "cancelled"], e.Errors["allowedStatuses"]);
        var final = Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Cancelled), OrderStatus.Placed, [Role.SupplierAdmin], "sara"));
        Assert.Empty(final.Errors["allowedStatuses"]);
    }

    [Fact]
    public void Each_move_belongs_to_its_roles()
    {
        Assert.Equal(OrderStatus.Confirmed, OrderLifecycle.Check(OrderIn(OrderStatus.Placed), OrderStatus.Confirmed, [Role.SalesManager], "sam").To);
        Assert.Equal(FailureKind.Forbidden, Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Placed), OrderStatus.Confirmed, [Role.Warehouse], "walt")).Kind);
        Assert.Equal(FailureKind.Forbidden, Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Placed), OrderStatus.Confirmed, [Role.Purchaser], "pat")).Kind);
        Assert.Equal(OrderStatus.Cancelled, OrderLifecycle.Check(OrderIn(OrderStatus.Confirmed), OrderStatus.Cancelled, [Role.SupplierAdmin], "sara").To);
        Assert.Equal(FailureKind.Forbidden, Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Confirmed), OrderStatus.Cancelled, [Role.Warehouse], "walt")).Kind);
        // Shipping is no move of the order's: its shipments decide it.
        Assert.Equal(FailureKind.Conflict, Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Confirmed), OrderStatus.Shipped, [Role.Warehouse], "walt")).Kind);
    }

    [Fact]
    public void A_purchaser_cancels_only_the_orders_they_placed_and_an_admin_any()
    {
        Assert.Equal(OrderStatus.Cancelled, OrderLifecycle.Check(OrderIn(OrderStatus.Placed, "pat"), OrderStatus.Cancelled, [Role.Purchaser], "pat").To);
        Assert.Equal(FailureKind.Forbidden, Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Placed, "pia"), OrderStatus.Cancelled, [Role.Purchaser], "pat")).Kind);
        Assert.Equal(OrderStatus.Cancelled, OrderLifecycle.Check(OrderIn(OrderStatus.Placed, "pia"), OrderStatus.Cancelled, [Role.BuyerAdmin], "boss").To);
    }

    [Fact]
    public void Roles_held_for_the_other_side_move_no_order()
    {
        // A company that buys and sells: its admin holds both admin roles, a clerk ships its sales and buys for it.
        var org = ApprovalTests.Org("buyer", [Capability.Supplier, Capability.Buyer], ("boss", [Role.SupplierAdmin, Role.BuyerAdmin]), ("clerk", [Role.Warehouse, Role.Purchaser]));
        SalesParty Party(string user, Capability side) => new(new OrgAccess(new Versioned<Organization>(org, "e"), org.MemberOf(user)!), side);

        var boss = Party("boss", Capability.Buyer);
        Assert.Equal([Role.BuyerAdmin], boss.Roles);
        Assert.Equal(FailureKind.Forbidden, Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Placed, "boss"), OrderStatus.Confirmed, boss.Roles, "boss")).Kind);
        Assert.Equal(OrderStatus.Cancelled, OrderLifecycle.Check(OrderIn(OrderStatus.Placed, "boss"), OrderStatus.Cancelled, boss.Roles, "boss").To);

        // On a sale the clerk is warehouse staff: placing orders for the company elsewhere gives no say in cancelling this one.
        var clerk = Party("clerk", Capability.Supplier);
        Assert.Equal([Role.Warehouse], clerk.Roles);
        Assert.Equal(FailureKind.Forbidden, Assert.Throws<DomainException>(() => OrderLifecycle.Check(OrderIn(OrderStatus.Placed, "pat"), OrderStatus.Cancelled, clerk.Roles, "clerk")).Kind);
    }

    [Fact]
    public void Every_state_is_reachable_and_only_the_final_ones_lead_nowhere()
    {
        // Checkout and approvals reach the first three; the order's shipments move it from confirmed to delivered.
        OrderStatus[] shipping = [OrderStatus.PartiallyShipped, OrderStatus.Shipped, OrderStatus.Delivered];
        HashSet<OrderStatus> reached = [OrderStatus.PendingApproval, OrderStatus.Placed, OrderStatus.Rejected, .. shipping];
        foreach (var move in OrderLifecycle.Moves)
        {
            reached.Add(move.To);
        }

        Assert.Equal(Enum.GetValues<OrderStatus>().Order(), reached.Order());
        Assert.All(Enum.GetValues<OrderStatus>().Except(shipping), s => Assert.Equal(OrderLifecycle.IsFinal(s), OrderLifecycle.Next(s).Count == 0));
        Assert.All(shipping, s => Assert.True(Agora.Core.Fulfilment.ShipmentSettlement.Follows(s) && !OrderLifecycle.IsFinal(s)));
    }

    [Fact]
    public void A_proposal_a_pricing_manager_rejected_stays_the_suppliers_and_the_buyer_reads_only_what_was_proposed_to_them()
    {
        var sam = new Actor("sam", null, null, "acme");
        QuoteVersion Version(int number, Capability side, decimal? price, string? comment, bool withheld = false) =>
            new(number, side, side == Capability.Buyer ? new Actor("pat", null, null, "buyer") : sam, Now, [new QuoteItem(1, "BRO-1", "UN", 3, "Brocas", 100m, price)], 300, price * 3, null, null,
                side == Capability.Supplier ? Now.AddDays(5) : null, comment, withheld);
        var quote = QuoteIn(QuoteStatus.Proposed,
            Version(1, Capability.Buyer, null, null), Version(2, Capability.Supplier, 10m, "internal: go as low as it takes", withheld: true), Version(3, Capability.Supplier, 95m, null)) with
        {
            PriceApproval = new PriceApproval(2, "1 line(s) more than 10% below the price lists", new Actor("pia", null, null, "acme"), false, "Our cost is 80.", Now),
        };

        var seen = quote.ForBuyer();
        Assert.Equal([1, 3], seen.Versions.Select(v => v.Number));
        Assert.Null(seen.PriceApproval);
        Assert.Equal(3, quote.Proposal!.Number);
        Assert.Equal(285m, QuoteSummary.Of(quote, []).ProposedTotal);

        // Rejected and not proposed again: the lists show no proposed total, as the buyer has seen none.
        Assert.Null(QuoteSummary.Of(quote with { Versions = quote.Versions.Take(2).ToArray(), Status = QuoteStatus.Requested }, []).ProposedTotal);
    }

    [Fact]
    public void A_negotiated_price_keeps_the_engines_explanation_and_says_what_was_agreed()
    {
        var engine = new Book().Price("base", "BRO-1", "UN", 100m).Quote(("BRO-1", "UN", 3));
        var quote = QuoteIn(QuoteStatus.Accepted,
            new QuoteVersion(2, Capability.Supplier, new Actor("sam", null, null, "acme"), Now, [new QuoteItem(1, "BRO-1", "UN", 3, "Brocas", 100m, 90m)], 300, 270, null, null, Now.AddDays(5), null));
        var priced = NegotiatedPrices.Apply(engine, quote);
        var line = Assert.Single(priced.Lines);
        Assert.Equal(90m, line.NetUnitPrice);
        Assert.Equal(270m, line.LineTotal);
        Assert.Equal(270m, priced.Total);
        Assert.Equal(30m, priced.DiscountTotal);
        var negotiated = Assert.Single(line.Adjustments, a => a.Kind == "negotiated");
        Assert.Equal(10m, negotiated.AmountPerUnit);
        Assert.Equal(LineStatus.Priced, line.Status);
    }
}
