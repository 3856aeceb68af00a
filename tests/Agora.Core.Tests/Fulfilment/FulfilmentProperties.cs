using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Fulfilment;
using Agora.Core.Ordering;
using FsCheck.Xunit;
using static Agora.Core.Tests.Fulfilment.Fulfil;

namespace Agora.Core.Tests.Fulfilment;

/// <summary>What must hold for any order and any sequence of splits, packs, dispatches, deliveries, cancellations and returns:
/// random lines (sale units of 1 or 12, repeated SKUs sharing one hold), random holds over three warehouses, backorders,
/// and some stock beyond the holds.</summary>
public sealed class FulfilmentProperties
{
    private static readonly string[] Warehouses = ["sp", "cps", "lis"];
    private static readonly string[] Skus = ["BOLT", "NUT", "WASHER"];

    private sealed class Run(int seed)
    {
        public readonly Random Random = new(seed);
        public Order Order = null!;
        public Dictionary<string, Product> Products = null!;
        public Dictionary<string, Product> Initial = null!;
        public List<Shipment> Shipments = [];
        public List<GoodsReturn> Returns = [];

        public static Run Start(int seed)
        {
            var run = new Run(seed);
            var r = run.Random;
            var lines = Enumerable.Range(0, r.Next(1, 5)).Select(_ =>
            {
                var factor = r.Next(2) == 0 ? 1m : 12m;
                var quantity = (decimal)r.Next(1, 8);
                var held = new List<(string, decimal)>();
                var left = quantity * factor;
                foreach (var w in Warehouses.Where(_ => r.Next(2) == 0))
                {
                    var take = Math.Min(left, r.Next(0, (int)(quantity * factor) + 1));
                    if (take > 0)
                    {
                        held.Add((w, take));
                        left -= take;
                    }
                }

                return Line(Skus[r.Next(Skus.Length)], quantity, factor == 1 ? "UN" : "CX", factor, [.. held]);
            }).ToArray();
            run.Order = Fulfil.Order(lines);
            run.Products = run.Order.Skus.ToDictionary(sku => sku, sku =>
            {
                var p = Holding(run.Order, sku, [.. Warehouses.Select(w => (w, 0m))]);
                return p with { Stock = p.Stock.ToDictionary(s => s.Key, s => s.Value with { OnHand = s.Value.Reserved + r.Next(0, 20) }) };
            });
            run.Initial = run.Products;
            return run;
        }

        /// <summary>Backordered stock has arrived where what is free there covers it beyond what open lots already take.</summary>
        public bool Arrived(string sku, string warehouse, decimal quantity)
        {
            var pending = Shipments.Where(s => s.Status is ShipmentStatus.Picking or ShipmentStatus.Packed).SelectMany(s => s.Lines)
                .Where(l => l.Sku == sku && l.WarehouseId == warehouse).Sum(l => l.BaseQuantity - l.FromHold);
            return Products[sku].Stock[warehouse].Available - pending >= quantity;
        }

        public void Step()
        {
            var r = Random;
            var open = Shipments.Select((s, i) => (s, i)).ToArray();
            switch (r.Next(6))
            {
                case 5:
                    Return();
                    break;
                case 0 or 1:
                    Split();
                    break;
                case 2 when open.Length > 0:
                    var (s, i) = open[r.Next(open.Length)];
                    Advance(s, i);
                    break;
                case 3 when open.Length > 0:
                    Cancel(open[r.Next(open.Length)].i);
                    break;
                case 4 when open.Length > 0:
                    AnyMove(open[r.Next(open.Length)].s);
                    break;
            }
        }

        private void Split()
        {
            var r = Random;
            var lot = Lot(Warehouses[r.Next(Warehouses.Length)], [.. Enumerable.Range(0, r.Next(1, 3))
                .Select(_ => r.Next(Order.Lines.Count)).Distinct()
                .Select(l => (l, r.Next(3) == 0 ? 0.5m : r.Next(1, 5)))]);
            var before = FulfilmentState.Of(Order, Shipments);
            try
            {
                Shipments.AddRange(ShipmentPlan.Split(Order with { Status = OrderStatus.Confirmed }, Shipments, [lot], Arrived, Clock()));
            }
            catch (DomainException e)
            {
                Assert.Equal(FailureKind.Validation, e.Kind);
                Assert.All(e.Errors.Keys, k => Assert.StartsWith("lots[0].lines[", k, StringComparison.Ordinal));
                Assert.Equal(before, FulfilmentState.Of(Order, Shipments), new StateComparer());
            }
        }

        private void Advance(Shipment s, int i)
        {
            switch (s.Status)
            {
                case ShipmentStatus.Picking:
                    Shipments[i] = s.Pack();
                    break;
                case ShipmentStatus.Packed:
                    // The request checks the moves against the stock as read; the settlement then ships each product once,
                    // however often it runs (a redelivered message applies it again).
                    _ = StockMoves.AtDispatch(s, Products);
                    var dispatched = s.Dispatched("Jadlog", $"JD{i}", Now);
                    foreach (var sku in s.Lines.Select(l => l.Sku).Distinct())
                    {
                        var shipped = StockMoves.Ship(dispatched, Products[sku], out var shortBy);
                        Assert.Equal(0m, shortBy);
                        if (Random.Next(3) == 0)
                        {
                            Assert.Equal(shipped, StockMoves.Ship(dispatched, shipped, out _));
                        }

                        Products = new(Products) { [sku] = shipped };
                    }

                    Shipments[i] = dispatched;
                    break;
                case ShipmentStatus.Dispatched:
                    Shipments[i] = s.Delivered(Now);
                    break;
            }
        }

        /// <summary>A buyer returns part of what was delivered; the supplier approves or rejects; received goods go back
        /// on hand when resellable (applied twice now and then: a retried settlement).</summary>
        private void Return()
        {
            var r = Random;
            var order = Order with { Shipments = Shipments, Returns = Returns };
            var input = new ReturnInput([.. Enumerable.Range(0, Order.Lines.Count).Where(_ => r.Next(2) == 0).Select(l => new ReturnLineInput(l, r.Next(1, 6), InBaseUnits: true))], "Wrong model");
            GoodsReturn request;
            try
            {
                request = Agora.Core.Fulfilment.Returns.Request(order, input, Actor.System("buyer"), Clock());
            }
            catch (DomainException e)
            {
                Assert.True(e.Kind is FailureKind.Validation or FailureKind.Conflict, e.Message);
                return;
            }

            var decided = Agora.Core.Fulfilment.Returns.Decide(request, r.Next(4) > 0, "no", Actor.System("acme"), Now);
            Returns.Add(decided);
            if (decided.Status != ReturnStatus.Approved || r.Next(3) == 0)
            {
                return;
            }

            var received = Agora.Core.Fulfilment.Returns.Receive(decided, new ReturnReceipt([.. decided.Lines.Select((_, i) => new ReceivedLine(i, r.Next(2) == 0 ? GoodsCondition.Resellable : GoodsCondition.Damaged))]), Actor.System("acme"), Now);
            Returns[^1] = received;
            foreach (var sku in received.Lines.Select(l => l.Sku).Distinct())
            {
                var back = Agora.Core.Fulfilment.Returns.Restock(received, Products[sku]);
                Assert.Equal(back, Agora.Core.Fulfilment.Returns.Restock(received, back));
                Products = new(Products) { [sku] = back };
            }
        }

        private void Cancel(int i)
        {
            var s = Shipments[i];
            var before = FulfilmentState.Of(Order, Shipments);
            if (s.Status is not (ShipmentStatus.Picking or ShipmentStatus.Packed))
            {
                Assert.Equal(FailureKind.Conflict, Assert.Throws<DomainException>(() => s.Cancelled("no", Now)).Kind);
                return;
            }

            Shipments[i] = s.Cancelled("no", Now);
            var after = FulfilmentState.Of(Order, Shipments);
            for (var l = 0; l < Order.Lines.Count; l++)
            {
                Assert.Equal(s.Lines.Where(x => x.OrderLine == l).Sum(x => x.BaseQuantity), after.Lines[l].Unplanned - before.Lines[l].Unplanned);
                Assert.Equal(before.Lines[l].Shipped, after.Lines[l].Shipped);
            }
        }

        private void AnyMove(Shipment s)
        {
            var to = (ShipmentStatus)Random.Next(5);
            var allowed = ShipmentLifecycle.Next(s.Status).Contains(to);
            try
            {
                ShipmentLifecycle.Check(s, to);
                Assert.True(allowed);
            }
            catch (DomainException e)
            {
                Assert.False(allowed);
                Assert.Equal([ShipmentLifecycle.Name(s.Status)], e.Errors["currentStatus"]);
            }
        }

        public void Invariants()
        {
            var state = FulfilmentState.Of(Order, Shipments);
            Assert.All(state.Lines, l => Assert.True(l.Delivered <= l.Shipped && l.Shipped <= l.Planned && l.Planned <= l.Ordered));
            // Never more comes back of a line than was delivered of it, over every return that counts.
            Assert.All(state.Lines, l => Assert.True(Returns.Where(x => x.Counts).SelectMany(x => x.Lines).Where(x => x.OrderLine == l.Line).Sum(x => x.BaseQuantity) <= l.Delivered));
            var shippedAll = state.Lines.All(l => l.Remaining == 0);
            var deliveredAll = state.Lines.All(l => l.Delivered == l.Ordered);
            var anyShipped = state.Lines.Any(l => l.Shipped > 0);
            Assert.Equal(
                !anyShipped ? OrderStatus.Confirmed : deliveredAll ? OrderStatus.Delivered : shippedAll ? OrderStatus.Shipped : OrderStatus.PartiallyShipped,
                state.Status);

            var left = Shipments.Where(s => s.HasLeft).SelectMany(s => s.Lines).ToArray();
            foreach (var (sku, product) in Products)
            {
                foreach (var (w, stock) in product.Stock)
                {
                    Assert.True(stock.OnHand >= 0 && stock.Reserved >= 0 && stock.HeldBy(Order.Id) >= 0);
                    Assert.Equal(stock.Reserved, stock.Holds!.Values.Sum());
                    var mine = left.Where(l => l.Sku == sku && l.WarehouseId == w).ToArray();
                    var back = Returns.Where(x => x.Status == ReturnStatus.Received).SelectMany(x => x.Lines)
                        .Where(l => l.Sku == sku && l.WarehouseId == w && l.Condition == GoodsCondition.Resellable).Sum(l => l.BaseQuantity);
                    Assert.Equal(Initial[sku].Stock[w].OnHand - mine.Sum(l => l.BaseQuantity) + back, stock.OnHand);
                    Assert.Equal(Initial[sku].Stock[w].HeldBy(Order.Id) - mine.Sum(l => l.FromHold), stock.HeldBy(Order.Id));
                }
            }
        }
    }

    /// <summary>States compare by their lines' content.</summary>
    private sealed class StateComparer : IEqualityComparer<FulfilmentState>
    {
        public bool Equals(FulfilmentState? x, FulfilmentState? y) => x!.Status == y!.Status && x.Lines.SequenceEqual(y.Lines);

        public int GetHashCode(FulfilmentState obj) => obj.Status.GetHashCode();
    }

    [Property(MaxTest = 300)]
    public void Any_sequence_keeps_lines_within_their_order_the_status_true_to_the_quantities_and_stock_never_negative(int seed)
    {
        var run = Run.Start(seed);
        for (var step = 0; step < 40; step++)
        {
            run.Step();
            run.Invariants();
        }
    }

    [Property(MaxTest = 200)]
    public void Lots_of_exactly_what_is_held_where_it_is_held_plan_the_held_quantity_leave_the_backorder_and_dispatch_only_held_stock(int seed)
    {
        var run = Run.Start(seed);
        var lots = run.Order.Lines.SelectMany((l, i) => l.Held.Select(a => (a.WarehouseId, Line: i, a.Quantity)))
            .GroupBy(x => x.WarehouseId)
            .Select(g => new LotRequest(g.Key, [.. g.Select(x => new LotLineRequest(x.Line, x.Quantity, InBaseUnits: true))]))
            .ToArray();
        if (lots.Length > 0)
        {
            run.Shipments.AddRange(ShipmentPlan.Split(run.Order, [], lots, NoneArrived, Clock()));
        }

        for (var i = 0; i < run.Shipments.Count; i++)
        {
            run.Shipments[i] = run.Shipments[i].Pack();
            var s = run.Shipments[i];
            foreach (var move in StockMoves.AtDispatch(s, run.Products))
            {
                Assert.Equal(move.ReleaseHold, move.Decrement);
            }
        }

        var state = FulfilmentState.Of(run.Order, run.Shipments);
        Assert.All(state.Lines, l => Assert.Equal(run.Order.Lines[l.Line].Held.Sum(a => a.Quantity), l.Planned));
        Assert.All(state.Lines, l => Assert.Equal(run.Order.Lines[l.Line].Backordered, l.Unplanned));
    }
}
