using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Inventory;
using static Agora.Core.Tests.Inventory.WarehouseChoiceTests;

namespace Agora.Core.Tests.Inventory;

public sealed class StockReserverTests
{
    private readonly InMemoryStores _stores = new();
    private readonly InMemoryStockHolds _holds;
    private readonly CountingProducts _products;
    private readonly StockReserver _reserver;

    public StockReserverTests()
    {
        _holds = new InMemoryStockHolds(_stores);
        _products = new CountingProducts(_stores);
        _reserver = new StockReserver(_holds, _products, _stores);
    }

    /// <summary>The supplier "s" lists São Paulo, Campinas and Miami, in that order.</summary>
    private async Task StockAsync(params Product[] products)
    {
        await _stores.SaveAsync("s", [SaoPaulo, Campinas, Miami], null, default);
        foreach (var product in products)
        {
            await _stores.CreateAsync(product, default);
        }
    }

    private Task<ReservationResult> ReserveAsync(string holdId, IReadOnlyDictionary<string, Product>? alreadyRead, params ReservationLine[] lines) =>
        _reserver.ReserveAsync("s", holdId, lines, "BR", alreadyRead, default);

    private WarehouseStock StockOf(string sku, string warehouseId) => _stores.Product("s", sku)!.Value.Stock[warehouseId];

    private Dictionary<string, Product> ReadNow(params string[] skus) => skus.ToDictionary(s => s, s => _stores.Product("s", s)!.Value);

    /// <summary>"line:sku requested [warehouse quantity, ...] short n" per line.</summary>
    private static string Show(ReservationResult result) =>
        string.Join(" | ", result.Lines.Select(l => $"{l.Line}:{l.Sku} {l.Requested} [{string.Join(", ", l.Held.Select(a => $"{a.WarehouseId} {a.Quantity}"))}] short {l.Short}"));

    [Fact]
    public async Task An_order_holds_each_line_where_the_rule_says_and_each_hold_is_recorded_under_the_order()
    {
        await StockAsync(Stocked("A", ("sp", 10), ("mia", 50)), Stocked("B", ("cps", 4), ("sp", 3)));

        var result = await ReserveAsync("o1", null, new(1, "A", 5), new(2, "B", 6));

        Assert.True(result.Complete);
        Assert.Equal("1:A 5 [sp 5] short 0 | 2:B 6 [sp 2, cps 4] short 0", Show(result));
        Assert.Equal(new WarehouseStock(10, 5, StockOf("A", "sp").AsOf, new Dictionary<string, decimal> { ["o1"] = 5 }), StockOf("A", "sp"));
        Assert.Equal((4m, 4m), (StockOf("B", "cps").Reserved, StockOf("B", "cps").HeldBy("o1")));
        Assert.Equal((2m, 2m), (StockOf("B", "sp").Reserved, StockOf("B", "sp").HeldBy("o1")));
        Assert.Equal(0, StockOf("A", "mia").Reserved);
        Assert.Equal((3, 1, 0), (_holds.HoldCalls, _products.Queries, _products.Reads));
    }

    [Fact]
    public async Task With_the_products_already_read_an_order_costs_one_hold_per_line_and_warehouse_and_no_read()
    {
        await StockAsync(Stocked("A", ("sp", 10)), Stocked("B", ("cps", 4), ("sp", 3)), Stocked("C", ("mia", 1)));

        var result = await ReserveAsync("o1", ReadNow("A", "B", "C"), new(1, "A", 5), new(2, "B", 6), new(3, "C", 1));

        Assert.True(result.Complete);
        Assert.Equal((4, 0, 0), (_holds.HoldCalls, _products.Queries, _products.Reads));
    }

    [Fact]
    public async Task Lines_of_one_sku_share_one_hold_and_are_reported_line_by_line_in_the_suppliers_warehouse_order()
    {
        await StockAsync(Stocked("A", ("sp", 10)), Stocked("B", ("cps", 4), ("sp", 5)));

        var result = await ReserveAsync("o1", null, new(1, "A", 4), new(2, "B", 4), new(3, "A", 3), new(4, "B", 3));

        Assert.Equal("1:A 4 [sp 4] short 0 | 2:B 4 [sp 4] short 0 | 3:A 3 [sp 3] short 0 | 4:B 3 [sp 1, cps 2] short 0", Show(result));
        Assert.Equal(new Dictionary<string, decimal> { ["o1"] = 7 }, StockOf("A", "sp").Holds);
        Assert.Equal((5m, 2m), (StockOf("B", "sp").HeldBy("o1"), StockOf("B", "cps").HeldBy("o1")));
        Assert.Equal(3, _holds.HoldCalls);
    }

    [Fact]
    public async Task Reserving_again_with_the_same_hold_id_holds_nothing_twice_and_reports_the_same_allocations()
    {
        await StockAsync(Stocked("A", ("sp", 3), ("cps", 4)), Stocked("B", ("mia", 2)));
        var before = ReadNow("A", "B");
        ReservationLine[] lines = [new(1, "A", 6), new(2, "B", 5)];

        var first = await ReserveAsync("o1", null, lines);
        var calls = _holds.HoldCalls;
        var again = await ReserveAsync("o1", null, lines);
        var fromStaleRead = await ReserveAsync("o1", before, lines);

        Assert.Equal("1:A 6 [sp 2, cps 4] short 0 | 2:B 5 [mia 2] short 3", Show(first));
        Assert.Equal(Show(first), Show(again));
        Assert.Equal(Show(first), Show(fromStaleRead));
        Assert.Equal(3, _holds.HoldCalls - calls); // the stale plans met the three holds already there, then read again
        Assert.Equal((2m, 4m, 2m), (StockOf("A", "sp").Reserved, StockOf("A", "cps").Reserved, StockOf("B", "mia").Reserved));
    }

    [Fact]
    public async Task A_hold_that_lost_a_race_reads_the_product_again_and_holds_what_is_left_elsewhere()
    {
        await StockAsync(Stocked("A", ("sp", 10), ("cps", 3)));
        var stale = ReadNow("A");
        Assert.True((await ReserveAsync("o2", null, new ReservationLine(1, "A", 8))).Complete);
        var reads = _products.Reads;

        var result = await ReserveAsync("o1", stale, new ReservationLine(7, "A", 6));

        Assert.Equal("7:A 6 [sp 2, cps 3] short 1", Show(result));
        Assert.False(result.Complete);
        Assert.Equal(1, _products.Reads - reads);
        Assert.Equal((10m, 3m), (StockOf("A", "sp").Reserved, StockOf("A", "cps").Reserved));
        Assert.Equal(new Dictionary<string, decimal> { ["o2"] = 8, ["o1"] = 2 }, StockOf("A", "sp").Holds);
    }

    [Fact]
    public async Task What_cannot_be_held_is_short_and_releasing_gives_back_what_the_order_held_once()
    {
        await StockAsync(Stocked("A", ("sp", 2), ("cps", 5)));
        await ReserveAsync("o2", null, new ReservationLine(1, "A", 4));

        var result = await ReserveAsync("o1", null, new(1, "A", 5), new(2, "NOPE", 1));
        var released = await _reserver.ReleaseAsync("s", "o1", ["A", "NOPE"], default);
        var again = await _reserver.ReleaseAsync("s", "o1", ["A", "NOPE"], default);

        Assert.Equal("1:A 5 [sp 2, cps 1] short 2 | 2:NOPE 1 [] short 1", Show(result));
        Assert.Equal([new Allocation("A", "cps", 1), new Allocation("A", "sp", 2)], released);
        Assert.Empty(again);
        Assert.Equal(new WarehouseStock(2, 0, StockOf("A", "sp").AsOf), StockOf("A", "sp"));
        Assert.Equal(new Dictionary<string, decimal> { ["o2"] = 4 }, StockOf("A", "cps").Holds);
        Assert.Equal(4, StockOf("A", "cps").Reserved);
    }

    [Fact]
    public async Task A_hold_in_a_warehouse_deactivated_since_still_counts_and_is_released()
    {
        await StockAsync(Stocked("A", ("cps", 5), ("sp", 5)));
        var first = await ReserveAsync("o1", null, new ReservationLine(1, "A", 4));
        await _stores.SaveAsync("s", [SaoPaulo with { Active = false }, Campinas, Miami], "any", default);

        var again = await ReserveAsync("o1", null, new ReservationLine(1, "A", 4));
        var released = await _reserver.ReleaseAsync("s", "o1", ["A"], default);

        Assert.Equal("1:A 4 [sp 4] short 0", Show(first));
        Assert.Equal(Show(first), Show(again));
        Assert.Equal(0, StockOf("A", "cps").Reserved);
        Assert.Equal([new Allocation("A", "sp", 4)], released);
    }

    [Fact]
    public async Task Lines_without_a_sku_or_a_positive_quantity_of_at_most_six_decimals_are_refused_naming_them()
    {
        await StockAsync(Stocked("A", ("sp", 2)));

        var e = await Assert.ThrowsAsync<DomainException>(() => ReserveAsync("o1", null, new(1, "A", 0), new(2, "no sku", 1), new(3, "A", 0.0000001m), new(4, "A", 1)));

        Assert.Equal(FailureKind.Validation, e.Kind);
        Assert.Equal(["lines[0].quantity", "lines[1].sku", "lines[2].quantity"], e.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(0, _holds.HoldCalls);
    }

    /// <summary>The in-memory products, counting point reads and queries.</summary>
    private sealed class CountingProducts(InMemoryStores stores) : IProductStore
    {
        public int Reads { get; private set; }

        public int Queries { get; private set; }

        public Task<Versioned<Product>?> FindAsync(string supplierId, string sku, CancellationToken cancellationToken)
        {
            Reads++;
            return ((IProductStore)stores).FindAsync(supplierId, sku, cancellationToken);
        }

        public Task<IReadOnlyList<Versioned<Product>>> FindManyAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
        {
            Queries++;
            return stores.FindManyAsync(supplierId, skus, cancellationToken);
        }

        public Task<Versioned<Product>> CreateAsync(Product product, CancellationToken cancellationToken) => stores.CreateAsync(product, cancellationToken);

        public Task<Versioned<Product>> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken) => stores.ReplaceAsync(product, ifMatch, cancellationToken);

        public Task<IReadOnlySet<string>> AllowedAsync(string supplierId, IReadOnlyCollection<string> skus, Assortment assortment, CancellationToken cancellationToken) =>
            stores.AllowedAsync(supplierId, skus, assortment, cancellationToken);

        public Task<Page<Product>> ListAsync(string supplierId, ProductQuery query, Assortment? assortment, string? after, int limit, CancellationToken cancellationToken) =>
            stores.ListAsync(supplierId, query, assortment, after, limit, cancellationToken);
    }
}
