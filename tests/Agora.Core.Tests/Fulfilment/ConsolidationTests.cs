using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Fulfilment;
using Agora.Core.Ordering;
using static Agora.Core.Tests.Fulfilment.Fulfil;

namespace Agora.Core.Tests.Fulfilment;

public sealed class ConsolidationTests
{
    private static Order Open(string id, int day, string incoterm = "FOB", string line1 = "Rua das Flores, 10") =>
        Order(Line("BOLT", 1, held: [("sp", 1)])) with
        {
            Id = id,
            Number = $"2026-{id}",
            RequestedDeliveryDate = new DateOnly(2026, 12, day),
            DeliveryTerms = new DeliveryTerms(incoterm, "Santos"),
            DeliveryAddress = new Address("a-" + id, "HQ", "R", line1, null, "São Paulo", "SP", "01000-000", "BR", null),
        };

    [Fact]
    public void Orders_of_one_buyer_to_one_address_with_the_same_terms_and_close_dates_travel_together()
    {
        var proposals = Consolidation.Propose([Open("a", 10), Open("b", 12, line1: " RUA DAS FLÔRES 10 ") with { DeliveryTerms = new DeliveryTerms("fob", "santos ") }, Open("c", 13)], 3);
        var proposal = Assert.Single(proposals);
        Assert.Equal(["a", "b", "c"], proposal.OrderIds);
        Assert.Empty(proposal.LeftOut);
    }

    [Fact]
    public void Close_orders_that_cannot_travel_along_are_listed_with_the_reason()
    {
        var proposal = Assert.Single(Consolidation.Propose(
        [
            Open("a", 10), Open("b", 11),
            Open("c", 10, incoterm: "CIF"),
            Open("d", 10, line1: "Rua das Rosas, 10"),
            Open("e", 20),
            Open("f", 10) with { Status = OrderStatus.Shipped },
            Open("g", 10) with { DeliveryTerms = new DeliveryTerms("FOB", "Rio") },
            Open("h", 10) with { RequestedDeliveryDate = null },
            Open("x", 10) with { BuyerId = "other" },
        ], 3), p => p.BuyerId == "buyer");
        Assert.Equal(["a", "b"], proposal.OrderIds);
        Assert.Equal(
        [
            new LeftOut("c", "different incoterm"),
            new LeftOut("d", "different delivery address"),
            new LeftOut("e", "requested delivery date more than 3 days from 2026-12-10"),
            new LeftOut("f", "order is shipped"),
            new LeftOut("g", "different incoterm place"),
            new LeftOut("h", "no requested delivery date"),
        ], proposal.LeftOut);
    }

    [Fact]
    public void Each_window_is_its_own_proposal_and_an_order_in_another_one_says_so()
    {
        var proposals = Consolidation.Propose([Open("a", 1), Open("b", 3), Open("c", 5), Open("d", 6)], 3);
        Assert.Equal([["a", "b"], ["c", "d"]], proposals.Select(p => p.OrderIds));
        Assert.Contains(new LeftOut("b", "proposed with order 2026-a"), proposals[1].LeftOut);
        Assert.Equal(FailureKind.Validation, Assert.Throws<DomainException>(() => Consolidation.Propose([], -1)).Kind);
    }
}
