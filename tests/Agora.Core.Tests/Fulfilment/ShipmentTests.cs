using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Fulfilment;
using Agora.Core.Ordering;
using static Agora.Core.Tests.Fulfilment.Fulfil;

namespace Agora.Core.Tests.Fulfilment;

public sealed class ShipmentTests
{
    /// <summary>10 UN held in sp, 6 CX (72 UN) held 48 in sp and 24 in cps, 5 UN all backordered.</summary>
    private static readonly Order Sample = Order(
        Line("BOLT", 10, held: [("sp", 10)]),
        Line("NUT", 6, "CX", 12, held: [("sp", 48), ("cps", 24)]),
        Line("WASHER", 5));

    private static IReadOnlyList<Shipment> Split(Order order, IReadOnlyList<Shipment> existing, BackorderStock? arrived, params LotRequest[] lots) =>
        ShipmentPlan.Split(order, existing, lots, arrived ?? NoneArrived, Clock());

    private static DomainException Fails(Action act) => Assert.Throws<DomainException>(act);

    [Fact]
    public void A_shipment_moves_from_picking_to_packed_dispatched_and_delivered_with_the_carriers_facts()
    {
        var shipment = Split(Sample, [], null, Lot("sp", (0, 10)))[0];
        Assert.Equal(ShipmentStatus.Picking, shipment.Status);
        var delivered = shipment.Pack().Dispatched(" Jadlog ", "JD123", Now).Delivered(Now.AddDays(2));
        Assert.Equal(ShipmentStatus.Delivered, delivered.Status);
        Assert.Equal(new DispatchInfo("Jadlog", "JD123", Now), delivered.Dispatch);
        Assert.Equal(Now.AddDays(2), delivered.DeliveredAt);
        Assert.Equal(["o1"], delivered.OrderIds);
    }

    [Fact]
    public void A_move_not_in_the_table_is_a_conflict_naming_the_current_state_and_the_allowed_ones()
    {
        var picking = Split(Sample, [], null, Lot("sp", (0, 10)))[0];
        var skipped = Fails(() => picking.Dispatched("Jadlog", "JD1", Now));
        Assert.Equal(FailureKind.Conflict, skipped.Kind);
        Assert.Equal(["picking"], skipped.Errors["currentStatus"]);
        Assert.Equal(["packed", "cancelled"], skipped.Errors["allowedStatuses"]);

        var dispatched = picking.Pack().Dispatched("Jadlog", "JD1", Now);
        var late = Fails(() => dispatched.Cancelled("too late", Now));
        Assert.Equal(["delivered"], late.Errors["allowedStatuses"]);
        Assert.Contains("dispatched; it can move to delivered, not to cancelled", late.Message, StringComparison.Ordinal);
        Assert.Empty(Fails(() => dispatched.Delivered(Now).Pack()).Errors["allowedStatuses"]);
    }

    [Fact]
    public void Dispatch_needs_a_carrier_and_a_tracking_number()
    {
        var packed = Split(Sample, [], null, Lot("sp", (0, 10)))[0].Pack();
        var e = Fails(() => packed.Dispatched(" ", null, Now));
        Assert.Equal(FailureKind.Validation, e.Kind);
        Assert.Equal(["carrier", "trackingNumber"], e.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void An_order_splits_into_lots_from_the_warehouses_holding_its_stock_with_sale_units_in_base_units()
    {
        var lots = Split(Sample, [], null, Lot("sp", (0, 4), (1, 4)), Lot("cps", (1, 1.5m)));
        Assert.Equal(2, lots.Count);
        Assert.Equal([new ShipmentLine("o1", 0, "BOLT", "UN", 4, "sp", 4), new ShipmentLine("o1", 1, "NUT", "CX", 48, "sp", 48)], lots[0].Lines);
        Assert.Equal([new ShipmentLine("o1", 1, "NUT", "CX", 18, "cps", 18)], lots[1].Lines);
        Assert.Equal("cps", lots[1].WarehouseId);
        Assert.NotEqual(lots[0].Id, lots[1].Id);

        var odd = Order(Line("NUT", 1, "CX", 12, held: [("sp", 5), ("cps", 7)]));
        Assert.Contains("in CX", Fails(() => Split(odd, [], null, Lot("sp", (0, 5m / 12)))).Errors["lots[0].lines[0].quantity"][0], StringComparison.Ordinal);
        var inBase = Split(odd, [], null, new LotRequest("sp", [new LotLineRequest(0, 5, InBaseUnits: true)]))[0];
        Assert.Equal(new ShipmentLine("o1", 0, "NUT", "CX", 5, "sp", 5), inBase.Lines[0]);
    }

    [Fact]
    public void A_line_never_ships_more_than_was_ordered_over_all_its_shipments_and_the_error_names_the_lot_line()
    {
        var first = Split(Sample, [], null, Lot("sp", (0, 7)));
        var e = Fails(() => Split(Sample, first, null, Lot("sp", (1, 1)), Lot("sp", (0, 4))));
        Assert.Equal(["lots[1].lines[0].quantity"], e.Errors.Keys);
        Assert.Contains("10 UN ordered and 7 UN in other shipments; at most 3 UN can still ship, not 4 UN", e.Errors["lots[1].lines[0].quantity"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_cancelled_shipment_gives_its_quantity_back_to_the_line()
    {
        var first = Split(Sample, [], null, Lot("sp", (0, 10)));
        Fails(() => Split(Sample, first, null, Lot("sp", (0, 1))));
        var again = Split(Sample, [first[0].Cancelled("wrong pallet", Now)], null, Lot("sp", (0, 10)));
        Assert.Equal(10, again[0].Lines[0].BaseQuantity);
    }

    [Fact]
    public void An_order_takes_at_most_200_shipments_cancelled_ones_included_so_its_copy_of_them_stays_bounded()
    {
        var first = Split(Sample, [], null, Lot("sp", (0, 1)))[0].Cancelled("test", Now);
        var many = Enumerable.Range(0, ShipmentPlan.MaxPerOrder).Select(i => first with { Id = $"s{i}" }).ToArray();
        var e = Assert.Throws<DomainException>(() => ShipmentPlan.Split(Sample, many, [Lot("sp", (0, 1))], NoneArrived, Clock()));
        Assert.Equal(FailureKind.Conflict, e.Kind);
        Assert.Contains("at most 200 shipments", e.Message, StringComparison.Ordinal);
        Assert.Single(ShipmentPlan.Split(Sample, many[1..], [Lot("sp", (0, 1))], NoneArrived, Clock()));
    }

    [Fact]
    public void Held_stock_ships_only_from_the_warehouse_holding_it()
    {
        var e = Fails(() => Split(Sample, [], AllArrived, Lot("cps", (0, 1)), Lot("cps", (1, 2.5m))));
        Assert.Contains("holds 0 UN still to ship in warehouse cps; the rest of its stock is held in sp and 0 UN of it is backordered", e.Errors["lots[0].lines[0].quantity"][0], StringComparison.Ordinal);
        Assert.Contains("holds 2 CX still to ship in warehouse cps; the rest of its stock is held in sp", e.Errors["lots[1].lines[0].quantity"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Backordered_quantity_ships_from_any_warehouse_once_its_stock_arrived_there()
    {
        var e = Fails(() => Split(Sample, [], NoneArrived, Lot("lis", (2, 5))));
        Assert.Contains("needs 5 UN of backordered stock in warehouse lis, and that much has not arrived there", e.Errors["lots[0].lines[0].quantity"][0], StringComparison.Ordinal);
        var asked = new List<(string, string, decimal)>();
        var lot = Split(Sample, [], (sku, w, q) => { asked.Add((sku, w, q)); return true; }, Lot("lis", (2, 3)))[0];
        Assert.Equal([("WASHER", "lis", 3m)], asked);
        Assert.Equal(new ShipmentLine("o1", 2, "WASHER", "UN", 3, "lis", 0), lot.Lines[0]);
    }

    [Fact]
    public void A_lot_takes_its_held_part_first_and_only_the_rest_from_backordered_stock()
    {
        var order = Order(Line("BOLT", 10, held: [("sp", 6)]));
        var lot = Split(order, [], AllArrived, Lot("sp", (0, 8)))[0];
        Assert.Equal(6, lot.Lines[0].FromHold);
        Assert.Equal(8, lot.Lines[0].BaseQuantity);
        var e = Fails(() => Split(order, [lot], AllArrived, Lot("cps", (0, 3))));
        Assert.Contains("at most 2 UN can still ship", e.Errors["lots[0].lines[0].quantity"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_lots_are_reported_together_by_field()
    {
        var e = Fails(() => Split(Sample, [], null,
            Lot("sp", (3, 1), (0, 1), (0, 1)),
            Lot("", (0, 1)),
            new LotRequest("sp", []),
            Lot("sp", (1, 1.0000001m), (0, -1))));
        Assert.Equal(FailureKind.Validation, e.Kind);
        Assert.Equal(
            ["lots[0].lines[0].line", "lots[0].lines[2].line", "lots[1].warehouseId", "lots[2].lines", "lots[3].lines[0].quantity", "lots[3].lines[1].quantity"],
            e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("in CX", e.Errors["lots[3].lines[0].quantity"][0], StringComparison.Ordinal);
        Assert.Equal(["lots"], Fails(() => Split(Sample, [], null)).Errors.Keys);
    }

    [Fact]
    public void Only_a_confirmed_or_partially_shipped_order_is_split()
    {
        var e = Fails(() => Split(Sample with { Status = OrderStatus.Placed }, [], null, Lot("sp", (0, 1))));
        Assert.Equal(FailureKind.Conflict, e.Kind);
        Assert.Contains("Order 2026-000001 is placed", e.Message, StringComparison.Ordinal);
        Assert.Single(Split(Sample with { Status = OrderStatus.PartiallyShipped }, [], null, Lot("sp", (0, 1))));
    }

    [Fact]
    public void The_orders_status_follows_what_its_shipments_dispatched_and_delivered()
    {
        var lots = Split(Sample, [], AllArrived, Lot("sp", (0, 10), (1, 4)), Lot("cps", (1, 2), (2, 5)));
        Assert.Equal(OrderStatus.Confirmed, FulfilmentState.Of(Sample, lots).Status);
        Assert.Equal(OrderStatus.Placed, FulfilmentState.Of(Sample with { Status = OrderStatus.Placed }, []).Status);

        var first = lots[0].Pack().Dispatched("Jadlog", "1", Now);
        var partly = FulfilmentState.Of(Sample, [first, lots[1]]);
        Assert.Equal(OrderStatus.PartiallyShipped, partly.Status);
        Assert.Equal(new LineFulfilment(1, "NUT", 72, 72, 48, 0), partly.Lines[1]);
        Assert.Equal(24, partly.Lines[1].Remaining);
        Assert.Equal(0, partly.Lines[1].Unplanned);

        var second = lots[1].Pack().Dispatched("Jadlog", "2", Now);
        Assert.Equal(OrderStatus.Shipped, FulfilmentState.Of(Sample, [first, second]).Status);
        Assert.Equal(OrderStatus.Shipped, FulfilmentState.Of(Sample, [first.Delivered(Now), second]).Status);
        Assert.Equal(OrderStatus.Delivered, FulfilmentState.Of(Sample, [first.Delivered(Now), second.Delivered(Now)]).Status);
    }

    [Fact]
    public void Cancelled_shipments_count_for_nothing_and_lines_of_other_orders_are_ignored()
    {
        var lot = Split(Sample, [], AllArrived, Lot("sp", (0, 10)))[0];
        var other = lot with { Lines = [lot.Lines[0] with { OrderId = "o2" }] };
        var state = FulfilmentState.Of(Sample, [lot.Cancelled(null, Now), other.Pack().Dispatched("X", "1", Now)]);
        Assert.Equal(OrderStatus.Confirmed, state.Status);
        Assert.All(state.Lines, l => Assert.Equal(0, l.Planned));
    }

    [Fact]
    public void Dispatch_releases_the_orders_hold_and_takes_the_goods_off_hand_per_sku_and_warehouse()
    {
        var order = Order(Line("BOLT", 10, held: [("sp", 6)]), Line("BOLT", 4, held: [("sp", 4)]));
        var products = new Dictionary<string, Product> { ["BOLT"] = Holding(order, "BOLT", ("sp", 30)) };
        var lot = Split(order, [], AllArrived, Lot("sp", (0, 8), (1, 4)))[0].Pack();
        var moves = StockMoves.AtDispatch(lot, products);
        Assert.Equal([new StockMove("BOLT", "sp", "o1", 10, 12)], moves);

        var after = moves[0].ApplyTo(products["BOLT"].Stock["sp"]);
        Assert.Equal(new WarehouseStock(18, 0, Now), after);
        var partial = new StockMove("BOLT", "sp", "o1", 4, 4).ApplyTo(products["BOLT"].Stock["sp"]);
        Assert.Equal(6, partial.HeldBy("o1"));
        Assert.Equal(6, partial.Reserved);
    }

    [Fact]
    public void Dispatch_is_refused_when_the_hold_or_the_stock_on_hand_would_go_below_zero()
    {
        var order = Order(Line("BOLT", 10, held: [("sp", 10)]));
        var lot = Split(order, [], AllArrived, Lot("sp", (0, 10)))[0].Pack();
        var counted = Holding(order, "BOLT", ("sp", 7));
        var e = Fails(() => StockMoves.AtDispatch(lot, new Dictionary<string, Product> { ["BOLT"] = counted }));
        Assert.Equal(FailureKind.Conflict, e.Kind);
        Assert.Contains("the warehouse has 10 held for it and 7 on hand", e.Message, StringComparison.Ordinal);

        var released = counted with { Stock = new Dictionary<string, WarehouseStock> { ["sp"] = new(20, 0, Now) } };
        Assert.Contains("0 held for it", Fails(() => StockMoves.AtDispatch(lot, new Dictionary<string, Product> { ["BOLT"] = released })).Message, StringComparison.Ordinal);
        Assert.Contains("no stock record in warehouse sp", Fails(() => StockMoves.AtDispatch(lot, new Dictionary<string, Product>())).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Backordered_goods_ship_from_free_stock_only_never_from_what_other_orders_hold()
    {
        // The order holds 3 and backordered 2; 5 arrived, but another order took the 2 free ones since the lot was planned.
        var order = Order(Line("BOLT", 5, held: [("sp", 3)]));
        var lot = Split(order, [], AllArrived, Lot("sp", (0, 5)))[0].Pack();
        var taken = new Dictionary<string, Product>
        {
            ["BOLT"] = Agora.Core.Tests.Inventory.WarehouseChoiceTests.Stocked("BOLT") with { Stock = new Dictionary<string, WarehouseStock> { ["sp"] = new(5, 5, Now, new Dictionary<string, decimal> { ["o1"] = 3, ["other"] = 2 }) } },
        };
        var e = Fails(() => StockMoves.AtDispatch(lot, taken));
        Assert.Equal(FailureKind.Conflict, e.Kind);
        Assert.Contains("only 0 is free: the rest is held for other orders", e.Message, StringComparison.Ordinal);

        var free = taken["BOLT"] with { Stock = new Dictionary<string, WarehouseStock> { ["sp"] = new(7, 5, Now, new Dictionary<string, decimal> { ["o1"] = 3, ["other"] = 2 }) } };
        Assert.Single(StockMoves.AtDispatch(lot, new Dictionary<string, Product> { ["BOLT"] = free }));
    }

    [Fact]
    public void A_lot_worth_less_than_a_millionth_of_the_sale_unit_is_refused_since_no_invoice_could_bill_it()
    {
        var order = Order(Line("NUT", 1, "CX", 100, held: [("sp", 100)]));
        var e = Fails(() => ShipmentPlan.Split(order, [], [new LotRequest("sp", [new LotLineRequest(0, 0.000001m, InBaseUnits: true)])], NoneArrived, Clock()));
        Assert.Contains("less than a millionth of a CX", e.Errors["lots[0].lines[0].quantity"][0], StringComparison.Ordinal);
        Assert.Single(ShipmentPlan.Split(order, [], [new LotRequest("sp", [new LotLineRequest(0, 0.0001m, InBaseUnits: true)])], NoneArrived, Clock()));
    }

    [Fact]
    public void Closed_short_an_order_counts_as_ordered_what_left_and_is_delivered_when_that_arrived()
    {
        var order = Order(Line("BOLT", 10, held: [("sp", 10)]), Line("NUT", 4, held: [("sp", 4)]));
        var lot = Split(order, [], null, Lot("sp", (0, 6)))[0].Pack().Dispatched("Jadlog", "JD1", Now);
        Assert.Equal(OrderStatus.PartiallyShipped, FulfilmentState.Of(order, [lot]).Status);

        var closed = order with { ClosedShort = "Discontinued" };
        var state = FulfilmentState.Of(closed, [lot]);
        Assert.Equal(OrderStatus.Shipped, state.Status);
        Assert.Equal([6m, 0m], state.Lines.Select(l => l.Ordered));
        Assert.All(state.Lines, l => Assert.Equal(0, l.Unplanned));
        Assert.Equal(OrderStatus.Delivered, FulfilmentState.Of(closed, [lot.Delivered(Now)]).Status);
        Assert.Equal([new Agora.Core.Billing.BilledPart(0, 6)], Billed.Shipped(closed with { Shipments = [lot] }));
    }
}
