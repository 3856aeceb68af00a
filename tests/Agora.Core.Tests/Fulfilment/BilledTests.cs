using Agora.Core.Fulfilment;
using static Agora.Core.Tests.Fulfilment.Fulfil;

namespace Agora.Core.Tests.Fulfilment;

public sealed class BilledTests
{
    [Fact]
    public void Lots_of_a_box_line_bill_parts_that_add_up_to_its_quantity_exactly_whatever_the_base_units_each_took()
    {
        // 1 CX of 12, held in one warehouse, leaving 5, 5 and 2 units at a time: 5/12 is no decimal number of boxes.
        var order = Order(Line("BOLT", 1, "CX", 12, ("sp", 12)));
        var lots = new List<Shipment>();
        var parts = new List<decimal>();
        foreach (var units in new[] { 5m, 5m, 2m })
        {
            var lot = ShipmentPlan.Split(order with { Shipments = lots }, lots, [new LotRequest("sp", [new LotLineRequest(0, units, InBaseUnits: true)])], NoneArrived, Clock())[0]
                .Pack().Dispatched("Jadlog", "JD1", Now);
            lots.Add(lot);
            parts.Add(Assert.Single(Billed.Parts(order with { Shipments = lots }, lot)).Quantity);
        }

        Assert.Equal([0.416667m, 0.416666m, 0.166667m], parts);
        Assert.Equal(1m, parts.Sum());
    }

    [Fact]
    public void A_lot_bills_only_its_own_orders_lines()
    {
        var order = Order(Line("BOLT", 4, held: ("sp", 4)), Line("NUT", 2, held: ("sp", 2)));
        var lot = ShipmentPlan.Split(order, [], [Lot("sp", (1, 2))], NoneArrived, Clock())[0].Pack().Dispatched("Jadlog", "JD1", Now);
        var other = lot with { Lines = [.. lot.Lines, lot.Lines[0] with { OrderId = "another" }] };

        Assert.Equal([new Agora.Core.Billing.BilledPart(1, 2)], Billed.Parts(order with { Shipments = [lot] }, other));
    }
}
