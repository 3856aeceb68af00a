using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Fulfilment;
using Agora.Core.Inventory;
using Agora.Core.Marketing;

namespace Agora.Core.Tests.Marketing;

/// <summary>Stock age kept as things happen (counts, dispatches, returns), the supplier's clearance settings, what orders
/// show sells together, and how a nightly run turns slow stock into stored proposals (decision 0021b).</summary>
public sealed class ClearanceRunTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    private static Product Product(string sku, params (string Warehouse, WarehouseStock Stock)[] stock) => new()
    {
        SupplierId = "sup",
        Sku = sku,
        Name = sku,
        Category = ["Tools"],
        BaseUnit = "UN",
        SaleUnits = [new SaleUnit("UN", 1)],
        Stock = stock.ToDictionary(s => s.Warehouse, s => s.Stock),
        CreatedAt = Now.AddYears(-1),
        UpdatedAt = Now.AddYears(-1),
    };

    [Fact]
    public void A_count_that_finds_more_is_a_receipt_and_one_that_finds_less_or_the_same_keeps_the_last_receipt()
    {
        var received = StockLevels.Apply(Product("P"), [new StockCount("P", "w1", 10, Now.AddDays(-100))], Now).Product;
        Assert.Equal(Now.AddDays(-100), received.Stock["w1"].LastReceiptAt);

        var fewer = StockLevels.Apply(received, [new StockCount("P", "w1", 8, Now.AddDays(-50))], Now).Product;
        var same = StockLevels.Apply(fewer, [new StockCount("P", "w1", 8, Now.AddDays(-1))], Now).Product;
        Assert.Equal(Now.AddDays(-100), same.Stock["w1"].LastReceiptAt); // a nightly push of the same count does not make old stock new
        Assert.Equal(Now.AddDays(-100), same.Stock["w1"].IdleSince);

        var more = StockLevels.Apply(same, [new StockCount("P", "w1", 20, Now)], Now).Product;
        Assert.Equal(Now, more.Stock["w1"].LastReceiptAt);
    }

    [Fact]
    public void A_record_written_before_receipts_were_kept_is_aged_from_its_last_count_and_keeps_that_age_on_its_next_rewrite()
    {
        var legacy = Product("P", ("w1", new WarehouseStock(5, 0, Now.AddDays(-200))));
        Assert.Equal(Now.AddDays(-200), legacy.IdleSince);

        var recounted = StockLevels.Apply(legacy, [new StockCount("P", "w1", 5, Now.AddDays(-1))], Now).Product;
        Assert.Equal(Now.AddDays(-200), recounted.Stock["w1"].LastReceiptAt);
        Assert.Equal(Now.AddDays(-200), recounted.IdleSince);
    }

    [Fact]
    public void A_dispatch_is_a_sale_once_per_shipment_and_a_resellable_return_is_a_receipt()
    {
        var product = Product("P", ("w1", new WarehouseStock(10, 2, Now.AddDays(-100), new Dictionary<string, decimal> { ["o1"] = 2 }, LastReceiptAt: Now.AddDays(-100))));
        var shipment = new Shipment
        {
            Id = "s1",
            SupplierId = "sup",
            BuyerId = "buyer",
            WarehouseId = "w1",
            Lines = [new ShipmentLine("o1", 0, "P", "UN", 2, "w1", 2)],
            Status = ShipmentStatus.Dispatched,
            Dispatch = new DispatchInfo("Carrier", "T1", Now.AddDays(-3)),
            CreatedAt = Now.AddDays(-5),
        };

        var shipped = StockMoves.Ship(shipment, product, out _);
        Assert.Equal(Now.AddDays(-3), shipped.Stock["w1"].LastSaleAt);
        Assert.Equal(Now.AddDays(-3), shipped.IdleSince);
        Assert.Same(shipped, StockMoves.Ship(shipment with { Dispatch = new DispatchInfo("Carrier", "T1", Now) }, shipped, out _)); // once per shipment

        var back = new GoodsReturn
        {
            Id = "r1",
            SupplierId = "sup",
            BuyerId = "buyer",
            OrderId = "o1",
            OrderNumber = "1",
            Status = ReturnStatus.Received,
            Reason = "Wrong one",
            Lines = [new ReturnLine(0, "P", "UN", 1, "s1", "w1", GoodsCondition.Resellable)],
            RequestedBy = new Agora.Core.Ordering.Actor("buyer-admin", null, null, "buyer"),
            RequestedAt = Now.AddDays(-2),
            ReceivedAt = Now.AddDays(-1),
        };
        var restocked = Returns.Restock(back, shipped);
        Assert.Equal(9, restocked.Stock["w1"].OnHand);
        Assert.Equal(Now.AddDays(-1), restocked.Stock["w1"].LastReceiptAt);
        Assert.Equal(Now.AddDays(-1), restocked.IdleSince);
    }

    [Fact]
    public void A_product_waits_since_its_oldest_stock_on_hand_and_an_empty_warehouse_waits_for_nothing()
    {
        var product = Product("P",
            ("w1", new WarehouseStock(0, 0, Now, LastReceiptAt: Now.AddDays(-900))),
            ("w2", new WarehouseStock(3, 0, Now, LastSaleAt: Now.AddDays(-40), LastReceiptAt: Now.AddDays(-120))),
            ("w3", new WarehouseStock(3, 0, Now, LastReceiptAt: Now.AddDays(-10))));

        Assert.Equal(Now.AddDays(-40), product.IdleSince);
        Assert.Null(Product("E", ("w1", new WarehouseStock(0, 0, Now))).IdleSince);
    }

    [Fact]
    public void Settings_default_what_is_left_out_and_name_each_field_out_of_range()
    {
        Assert.Equal(ClearanceSettings.Default, ClearanceSettings.From(new ClearanceSettingsInput(null, null, null, null, null)));
        Assert.Equal(new ClearanceSettings(30, 40, 40, 30, true), ClearanceSettings.From(new ClearanceSettingsInput(30, 40, null, null, null)));

        var e = Assert.Throws<DomainException>(() => ClearanceSettings.From(new ClearanceSettingsInput(0, 10.55m, 95, 400, false)));
        Assert.Equal(["ageDays", "baseDiscountPercent", "maxDiscountPercent", "validityDays"], e.Errors.Keys.Order(StringComparer.Ordinal));
        var lower = Assert.Throws<DomainException>(() => ClearanceSettings.From(new ClearanceSettingsInput(30, 20, 10, 30, true)));
        Assert.Equal(["maxDiscountPercent"], lower.Errors.Keys);
    }

    [Fact]
    public void What_sells_together_counts_each_order_once_and_keeps_the_most_frequent_companions()
    {
        var once = SoldTogether.Count(null, "P", "o1", ["P", "A", "B"]);
        var again = SoldTogether.Count(once, "P", "o1", ["P", "A", "B"]);
        Assert.Same(once, again);
        var twice = SoldTogether.Count(once, "P", "o2", ["P", "A"]);
        Assert.Equal(new Dictionary<string, int> { ["A"] = 2, ["B"] = 1 }, twice.With);

        var many = Enumerable.Range(0, 30).Aggregate(twice, (s, i) => SoldTogether.Count(s, "P", $"x{i}", ["P", $"C{i:00}", "A"]));
        Assert.Equal(SoldTogether.MaxCompanions, many.With.Count);
        Assert.Equal(32, many.With["A"]);
        Assert.DoesNotContain("C29", many.With.Keys); // ties: the first by SKU stay
    }

    private static (ClearanceProposal, DateTimeOffset) Slow(string sku, int days, decimal discount = 10) =>
        (new ClearanceProposal(sku, "w1", 5, days, discount, [], $"{days} days without a sale from w1"), Now.AddDays(-days));

    [Fact]
    public void A_run_writes_new_proposals_writes_nothing_the_second_time_and_removes_what_is_no_longer_slow()
    {
        var rounds = 0;
        string Round() => $"round{++rounds}";
        var first = ClearanceRun.Plan("sup", [], [Slow("A", 100), Slow("B", 95)], Now, Round);
        Assert.Equal(["A", "B"], first.Write.Select(p => p.Sku));
        Assert.All(first.Write, p => Assert.Equal(ClearanceStatus.Open, p.Status));

        var second = ClearanceRun.Plan("sup", first.Write, [Slow("A", 100), Slow("B", 95)], Now.AddMinutes(5), Round);
        Assert.Empty(second.Write);
        Assert.Empty(second.Remove);

        var nextNight = ClearanceRun.Plan("sup", first.Write, [Slow("A", 101, 10.2m)], Now.AddDays(1), Round);
        var a = Assert.Single(nextNight.Write);
        Assert.Equal((101, 10.2m, first.Write[0].Round, first.Write[0].Id), (a.DaysIdle, a.DiscountPercent, a.Round, a.Id)); // the same proposal, replaced
        Assert.Equal(["B"], nextNight.Remove.Select(p => p.Sku)); // sold since
    }

    [Fact]
    public void A_decided_proposal_is_left_alone_while_quiet_and_opens_in_a_new_round_after()
    {
        var open = ClearanceRun.Plan("sup", [], [Slow("A", 100)], Now, () => "r1").Write[0];
        var accepted = open with { Status = ClearanceStatus.Accepted, PromotionId = open.PromotionIdOfRound, QuietUntil = Now.AddDays(30) };

        var during = ClearanceRun.Plan("sup", [accepted], [Slow("A", 110)], Now.AddDays(10), () => "r2");
        Assert.Empty(during.Write);
        Assert.Empty(during.Remove);
        Assert.Empty(ClearanceRun.Plan("sup", [accepted], [], Now.AddDays(10), () => "r2").Remove); // sold out: kept while its promotion runs

        var after = ClearanceRun.Plan("sup", [accepted], [Slow("A", 131)], Now.AddDays(31), () => "r2");
        var reopened = Assert.Single(after.Write);
        Assert.Equal((ClearanceStatus.Open, "r2", "clearance-r2"), (reopened.Status, reopened.Round, reopened.PromotionIdOfRound));
        Assert.Equal(["A"], ClearanceRun.Plan("sup", [accepted], [], Now.AddDays(31), () => "r2").Remove.Select(p => p.Sku));
    }

    [Fact]
    public void A_proposal_id_is_well_formed_and_the_same_for_the_same_sku_and_warehouse()
    {
        var id = ProposedClearance.IdOf("A.B-1", "w/1");
        Assert.True(Ids.IsWellFormed(id));
        Assert.Equal(id, ProposedClearance.IdOf("A.B-1", "w/1"));
        Assert.NotEqual(id, ProposedClearance.IdOf("A.B-1", "w/2"));
    }
}
