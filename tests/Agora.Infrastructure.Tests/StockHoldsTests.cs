using System.Diagnostics;
using System.Text.Json.Nodes;
using Agora.Core.Catalog;
using Agora.Core.Inventory;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;
using Microsoft.Azure.Cosmos;
using Xunit.Abstractions;

namespace Agora.Infrastructure.Tests;

/// <summary>Holds as conditional patches against the emulator: concurrent orders never hold more than is on hand, a hold
/// or a release sent twice counts once, doubles never drift a hold into failing, and stock pushes keep every hold.</summary>
public sealed class StockHoldsTests(InfrastructureFixture fixture, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private static readonly DateTimeOffset Counted = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    private readonly string _supplier = SharedEmulators.Unique("sup");

    private IProductStore Products => fixture.Get<IProductStore>();

    private IStockHolds Holds => fixture.Get<IStockHolds>();

    private StockReserver Reserver => new(Holds, Products, fixture.Get<IWarehouseStore>());

    /// <summary>The supplier lists São Paulo and Campinas (BR); <paramref name="onHand"/> per warehouse, nothing reserved.</summary>
    private async Task<Product> StockedAsync(string sku, params (string Warehouse, decimal OnHand)[] onHand)
    {
        if (await fixture.Get<IWarehouseStore>().ListAsync(_supplier, default) is null)
        {
            await fixture.Get<IWarehouseStore>().SaveAsync(_supplier, [new("sp", "São Paulo", null, "BR", true), new("cps", "Campinas", null, "BR", true)], null, default);
        }

        var product = ProductRules.Build(_supplier, sku, new ProductInput($"Product {sku}", null, "X", null, null, null, ProductStatus.Active, null, "UN", null), null, Counted) with
        {
            Stock = onHand.ToDictionary(s => s.Warehouse, s => new WarehouseStock(s.OnHand, 0, Counted), StringComparer.Ordinal),
        };
        return (await Products.CreateAsync(product, default)).Value;
    }

    private async Task<Product> ReadAsync(string sku) => (await Products.FindAsync(_supplier, sku, default))!.Value;

    private async Task<bool> ListedInStockAsync(string sku) =>
        (await Products.ListAsync(_supplier, new ProductQuery(null, null, null, true, null), null, null, 100, default)).Items.Any(p => p.Sku == sku);

    /// <summary>What every reader must see at any moment: nothing promised twice, and the reserve is the sum of the holds.</summary>
    private static void AssertConsistent(Product product)
    {
        foreach (var (warehouse, stock) in product.Stock)
        {
            Assert.True(stock.OnHand - stock.Reserved >= 0, $"{warehouse}: on hand {stock.OnHand}, reserved {stock.Reserved}");
            Assert.Equal(stock.Holds!.Values.Sum(), stock.Reserved);
        }
    }

    /// <summary>Runs the orders at once, reading the product over and over until they are done, checking every read.</summary>
    private async Task<(ReservationResult[] Results, TimeSpan Took, int Reads)> RaceAsync(string sku, IReadOnlyList<(string HoldId, decimal Quantity)> orders)
    {
        var reserver = Reserver;
        var clock = Stopwatch.StartNew();
        var all = Task.WhenAll(orders.Select(o => Task.Run(() => reserver.ReserveAsync(_supplier, o.HoldId, [new ReservationLine(1, sku, o.Quantity)], "BR", null, default))));
        var reads = 0;
        while (!all.IsCompleted)
        {
            AssertConsistent(await ReadAsync(sku));
            reads++;
        }

        var results = await all;
        return (results, clock.Elapsed, reads);
    }

    [Fact]
    public async Task A_hundred_orders_at_once_hold_exactly_the_ten_units_on_hand()
    {
        await StockedAsync("HOT", ("sp", 10));
        var orders = Enumerable.Range(0, 100).Select(i => ($"o{i:000}", 1m)).ToArray();

        var (results, took, reads) = await RaceAsync("HOT", orders);

        output.WriteLine($"100 concurrent reservations of 1 unit for 10 on hand: {took.TotalMilliseconds:N0} ms ({reads} consistent reads meanwhile).");
        var product = await ReadAsync("HOT");
        AssertConsistent(product);
        Assert.Equal(10, results.Count(r => r.Complete));
        Assert.Equal(90, results.Sum(r => r.Lines.Single().Short));
        Assert.Equal(10, results.Sum(r => r.Lines.Single().Held.Sum(a => a.Quantity)));
        Assert.Equal((10m, 10m), (product.Stock["sp"].OnHand, product.Stock["sp"].Reserved));
        Assert.Equal(
            orders.Zip(results).Where(x => x.Second.Complete).Select(x => x.First.Item1).Order(StringComparer.Ordinal),
            product.Stock["sp"].Holds!.Keys.Order(StringComparer.Ordinal));
        Assert.False(await ListedInStockAsync("HOT"));
    }

    [Fact]
    public async Task Orders_of_one_and_of_three_over_two_warehouses_hold_exactly_what_is_on_hand_and_report_what_is_stored()
    {
        await StockedAsync("SPLIT", ("sp", 6), ("cps", 4));
        var orders = Enumerable.Range(0, 100).Select(i => ($"o{i:000}", i % 2 == 0 ? 1m : 3m)).ToArray();

        var (results, took, _) = await RaceAsync("SPLIT", orders);

        output.WriteLine($"100 concurrent reservations of 1 or 3 units for 6 + 4 on hand: {took.TotalMilliseconds:N0} ms.");
        var product = await ReadAsync("SPLIT");
        AssertConsistent(product);
        Assert.Equal((6m, 4m), (product.Stock["sp"].Reserved, product.Stock["cps"].Reserved));
        Assert.Equal(10, results.Sum(r => r.Lines.Single().Held.Sum(a => a.Quantity)));
        foreach (var ((holdId, quantity), result) in orders.Zip(results))
        {
            var line = result.Lines.Single();
            Assert.Equal(quantity, line.Held.Sum(a => a.Quantity) + line.Short);
            Assert.Equal(
                product.Stock.Where(s => s.Value.HeldBy(holdId) > 0).Select(s => (s.Key, s.Value.HeldBy(holdId))).Order(),
                line.Held.Select(a => (a.WarehouseId, a.Quantity)).Order());
        }
    }

    [Fact]
    public async Task Holding_twice_with_one_hold_id_changes_nothing_and_releasing_twice_releases_once()
    {
        await StockedAsync("TWICE", ("sp", 10));

        var first = await Holds.HoldAsync(_supplier, "TWICE", "sp", "o1", 4, default);
        var again = await Holds.HoldAsync(_supplier, "TWICE", "sp", "o1", 4, default);
        var otherQuantity = await Holds.HoldAsync(_supplier, "TWICE", "sp", "o1", 2, default);
        var held = await ReadAsync("TWICE");
        var released = await Holds.ReleaseAsync(_supplier, "TWICE", "sp", "o1", default);
        var releasedAgain = await Holds.ReleaseAsync(_supplier, "TWICE", "sp", "o1", default);

        Assert.Equal((HoldOutcome.Held, HoldOutcome.AlreadyHeld, HoldOutcome.AlreadyHeld), (first, again, otherQuantity));
        Assert.Equal(new WarehouseStock(10, 4, Counted, new Dictionary<string, decimal> { ["o1"] = 4 }), held.Stock["sp"]);
        Assert.Equal((true, false), (released, releasedAgain));
        Assert.Equal(new WarehouseStock(10, 0, Counted), (await ReadAsync("TWICE")).Stock["sp"]);
    }

    [Fact]
    public async Task Reserving_and_releasing_an_order_twice_holds_and_gives_back_once()
    {
        await StockedAsync("ORDER", ("sp", 3), ("cps", 5));
        ReservationLine[] lines = [new(1, "ORDER", 6), new(2, "ORDER", 1)];

        var first = await Reserver.ReserveAsync(_supplier, "o1", lines, "BR", null, default);
        var again = await Reserver.ReserveAsync(_supplier, "o1", lines, "BR", null, default);
        var reserved = (await ReadAsync("ORDER")).Stock;
        var released = await Reserver.ReleaseAsync(_supplier, "o1", ["ORDER"], default);
        var releasedAgain = await Reserver.ReleaseAsync(_supplier, "o1", ["ORDER"], default);

        Assert.True(first.Complete);
        Assert.Equal(first.Lines.SelectMany(l => l.Held), again.Lines.SelectMany(l => l.Held));
        Assert.Equal((2m, 5m), (reserved["sp"].Reserved, reserved["cps"].Reserved));
        Assert.Equal([new Allocation("ORDER", "cps", 5), new Allocation("ORDER", "sp", 2)], released);
        Assert.Empty(releasedAgain);
        var after = await ReadAsync("ORDER");
        Assert.Equal((0m, 0m), (after.Stock["sp"].Reserved, after.Stock["cps"].Reserved));
        Assert.True(await ListedInStockAsync("ORDER"));
    }

    [Fact]
    public async Task Too_little_stock_an_unknown_warehouse_and_an_unknown_product_are_told_apart()
    {
        await StockedAsync("FEW", ("sp", 10));
        await Holds.HoldAsync(_supplier, "FEW", "sp", "o1", 7, default);

        Assert.Equal(HoldOutcome.Insufficient, await Holds.HoldAsync(_supplier, "FEW", "sp", "o2", 4, default));
        Assert.Equal(HoldOutcome.Held, await Holds.HoldAsync(_supplier, "FEW", "sp", "o2", 3, default));
        Assert.Equal(HoldOutcome.NotStocked, await Holds.HoldAsync(_supplier, "FEW", "cps", "o3", 1, default));
        Assert.Equal(HoldOutcome.NotStocked, await Holds.HoldAsync(_supplier, "NONE", "sp", "o3", 1, default));
        Assert.False(await Holds.ReleaseAsync(_supplier, "FEW", "sp", "o3", default));
        Assert.False(await Holds.ReleaseAsync(_supplier, "NONE", "sp", "o3", default));
        Assert.Equal(10, (await ReadAsync("FEW")).Stock["sp"].Reserved);
    }

    [Fact]
    public async Task Tenths_that_drift_as_doubles_neither_refuse_a_hold_that_fits_nor_leave_a_negative_reserve()
    {
        await StockedAsync("DRIFT", ("sp", 0.3m));

        var tenth = await Holds.HoldAsync(_supplier, "DRIFT", "sp", "o1", 0.1m, default);
        var twoTenths = await Holds.HoldAsync(_supplier, "DRIFT", "sp", "o2", 0.2m, default);
        var millionth = await Holds.HoldAsync(_supplier, "DRIFT", "sp", "o3", 0.000001m, default);
        var full = await ReadAsync("DRIFT");
        var listedFull = await ListedInStockAsync("DRIFT");
        await Holds.ReleaseAsync(_supplier, "DRIFT", "sp", "o2", default);
        await Holds.ReleaseAsync(_supplier, "DRIFT", "sp", "o1", default);
        var empty = await ReadAsync("DRIFT");
        var whole = await Holds.HoldAsync(_supplier, "DRIFT", "sp", "o4", 0.3m, default);

        Assert.Equal((HoldOutcome.Held, HoldOutcome.Held, HoldOutcome.Insufficient), (tenth, twoTenths, millionth));
        Assert.Equal((0.3m, 0m), (full.Stock["sp"].Reserved, full.Stock["sp"].Available));
        Assert.False(listedFull);
        Assert.Equal("0", empty.Stock["sp"].Reserved.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(HoldOutcome.Held, whole);
        AssertConsistent(await ReadAsync("DRIFT"));
    }

    [Fact]
    public async Task A_hold_is_decided_on_the_suppliers_own_product_and_not_on_another_suppliers_of_the_same_sku()
    {
        await StockedAsync("SAME", ("sp", 0));
        var other = new StockHoldsTests(fixture, output);
        await other.StockedAsync("SAME", ("sp", 50));

        Assert.Equal(HoldOutcome.Insufficient, await Holds.HoldAsync(_supplier, "SAME", "sp", "o1", 1, default));
        Assert.Equal(HoldOutcome.Held, await Holds.HoldAsync(other._supplier, "SAME", "sp", "o1", 1, default));
        Assert.Equal((0m, 1m), ((await ReadAsync("SAME")).Stock["sp"].Reserved, (await other.ReadAsync("SAME")).Stock["sp"].Reserved));
    }

    [Fact]
    public async Task A_product_stored_before_holds_existed_takes_holds_and_gives_them_back()
    {
        await StockedAsync("OLD", ("sp", 5));
        var container = fixture.Get<CosmosContainers>().Get(Containers.Catalog);
        var id = CosmosProductStore.IdOf("OLD");
        var stored = (await container.ReadItemAsync<JsonObject>(id, new PartitionKey(_supplier))).Resource;
        stored["data"]!["stock"]!["sp"]!.AsObject().Remove("holds");
        stored["data"]!["stock"]!["sp"]!["reserved"] = 1; // reserved the old way, by no order in particular
        await container.ReplaceItemAsync(stored, id, new PartitionKey(_supplier));

        var first = await Holds.HoldAsync(_supplier, "OLD", "sp", "o1", 2, default);
        var second = await Holds.HoldAsync(_supplier, "OLD", "sp", "o2", 2, default);
        var third = await Holds.HoldAsync(_supplier, "OLD", "sp", "o3", 1, default);
        var held = (await ReadAsync("OLD")).Stock["sp"];
        var released = await Holds.ReleaseAsync(_supplier, "OLD", "sp", "o1", default);

        Assert.Equal((HoldOutcome.Held, HoldOutcome.Held, HoldOutcome.Insufficient), (first, second, third));
        Assert.Equal(new WarehouseStock(5, 5, Counted, new Dictionary<string, decimal> { ["o1"] = 2, ["o2"] = 2 }), held);
        Assert.True(released);
        Assert.Equal(3, (await ReadAsync("OLD")).Stock["sp"].Reserved);
    }

    [Fact]
    public async Task A_push_decided_on_a_read_older_than_a_hold_keeps_the_hold()
    {
        await StockedAsync("PUSH", ("sp", 10));
        var read = await Products.FindAsync(_supplier, "PUSH", default);
        await Holds.HoldAsync(_supplier, "PUSH", "sp", "o1", 4, default);

        var applied = await StockLevels.WriteAsync(Products, read!, [new StockCount("PUSH", "sp", 7, Counted.AddMinutes(1))], Counted.AddMinutes(1), default);

        Assert.Equal(1, applied);
        Assert.Equal(new WarehouseStock(7, 4, Counted.AddMinutes(1), new Dictionary<string, decimal> { ["o1"] = 4 }, LastReceiptAt: Counted), (await ReadAsync("PUSH")).Stock["sp"]); // less: still aged from the first count
    }

    [Fact]
    public async Task Stock_pushes_racing_with_holds_keep_every_hold()
    {
        await StockedAsync("BUSY", ("sp", 100), ("cps", 100));
        var reserver = Reserver;
        var holds = Enumerable.Range(0, 30).Select(i => Task.Run(() => reserver.ReserveAsync(_supplier, $"o{i:00}", [new ReservationLine(1, "BUSY", 2)], "BR", null, default))).ToArray();
        var pushes = Task.Run(async () =>
        {
            using var measurement = CosmosRequestMeter.Start();
            for (var i = 1; i <= 10; i++)
            {
                var found = await Products.FindAsync(_supplier, "BUSY", default);
                await StockLevels.WriteAsync(Products, found!, [new StockCount("BUSY", "sp", 100 + i, Counted.AddMinutes(i)), new StockCount("BUSY", "cps", 100 - i, Counted.AddMinutes(i))], Counted.AddMinutes(i), default);
            }

            return measurement.Requests;
        });

        await Task.WhenAll([.. holds, pushes]);

        output.WriteLine($"10 pushes among 30 orders took {await pushes} requests (20 when no hold came between a read and its write).");

        var product = await ReadAsync("BUSY");
        AssertConsistent(product);
        Assert.All(await Task.WhenAll(holds), r => Assert.True(r.Complete));
        Assert.Equal((110m, 90m), (product.Stock["sp"].OnHand, product.Stock["cps"].OnHand));
        Assert.Equal(60, product.Stock.Values.Sum(s => s.Reserved));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"o{i:00}"), product.Stock.Values.SelectMany(s => s.Holds!.Keys).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_order_costs_a_request_per_line_and_warehouse_held_beside_one_read_of_the_warehouses_and_one_query()
    {
        await StockedAsync("C1", ("sp", 5));
        await StockedAsync("C2", ("sp", 2), ("cps", 2));
        await StockedAsync("C3", ("cps", 5));
        ReservationLine[] lines = [new(1, "C1", 1), new(2, "C2", 3), new(3, "C3", 1)];
        var read = (await Products.FindManyAsync(_supplier, ["C1", "C2", "C3"], default)).ToDictionary(p => p.Value.Sku, p => p.Value);

        long reserving, reservingRead, releasing;
        using (var measurement = CosmosRequestMeter.Start())
        {
            await Reserver.ReserveAsync(_supplier, "o1", lines, "BR", null, default);
            reserving = measurement.Requests;
        }

        using (var measurement = CosmosRequestMeter.Start())
        {
            await Reserver.ReserveAsync(_supplier, "o2", [new(1, "C1", 1), new(2, "C3", 1)], "BR", read, default);
            reservingRead = measurement.Requests;
        }

        using (var measurement = CosmosRequestMeter.Start())
        {
            await Reserver.ReleaseAsync(_supplier, "o1", ["C1", "C2", "C3"], default);
            releasing = measurement.Requests;
        }

        Assert.Equal(1 + 1 + 4, reserving);
        Assert.Equal(1 + 2, reservingRead);
        Assert.Equal(1 + 4, releasing);
    }
}
