using System.Text;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Imports;
using Agora.Core.Inventory;
using Agora.Core.Notifications;
using Agora.Core.Tests.Inventory;

namespace Agora.Core.Tests.Imports;

public sealed class StockReconciliationTests
{
    /// <summary>Three products in two warehouses with stock and a reservation; then a snapshot taken an hour later.</summary>
    private static async Task<Given> StockedAsync()
    {
        var given = await new Given().MarketplaceAsync();
        await given.Catalog.PutWarehouseAsync(Given.SupplierAdmin, "supplier", "sp", new WarehouseInput("São Paulo", null, "BR", true), default);
        await given.Catalog.PutWarehouseAsync(Given.SupplierAdmin, "supplier", "rj", new WarehouseInput("Rio", null, "BR", true), default);
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes("sku,name,category,baseUnit\nA,Alpha,X,UN\nB,Beta,X,UN\nC,Gamma,X,UN\n"));
        var stock = new StockService(given.Stores, given.Stores, given.Access, given.Clock);
        var at = given.Clock.GetUtcNow();
        await stock.PushAsync(Given.Warehouse, "supplier", new StockPush(
        [
            new("A", "sp", 100, at), new("A", "rj", 10, at), new("B", "sp", 50, at), new("C", "sp", 7, at),
        ]), default);
        var a = given.Stores.Product("supplier", "A")!;
        await given.Stores.ReplaceAsync(a.Value with { Stock = new Dictionary<string, WarehouseStock>(a.Value.Stock) { ["sp"] = a.Value.Stock["sp"] with { Reserved = 30 } } }, a.ETag, default);
        given.Clock.Advance(TimeSpan.FromHours(1));
        return given;
    }

    /// <summary>A snapshot's name carries the time it was counted: now, on the test's clock.</summary>
    private static string SnapshotName(Given given) => $"estoque-{given.Clock.GetUtcNow():yyyy-MM-dd'T'HHmm}.csv";

    [Fact]
    public async Task Drift_is_corrected_keeping_reservations_and_newer_counts_and_a_second_run_changes_nothing()
    {
        var given = await StockedAsync();
        given.Stores.Queued.Clear();
        // After the snapshot is written, C is counted again by the ERP: the record is newer than the snapshot.
        var snapshot = await given.ImportAsync("supplier", ImportKind.Stock, SnapshotName(given), Encoding.UTF8.GetBytes(
            "sku;deposito;saldo\nA;sp;90\nA;rj;10\nB;sp;55\nB;rj;3\nC;sp;1\nZ;sp;5\nA;mars;1\n"));
        given.Clock.Advance(TimeSpan.FromMinutes(5));
        await new StockService(given.Stores, given.Stores, given.Access, given.Clock).PushAsync(Given.Warehouse, "supplier", new StockPush([new("C", "sp", 8, given.Clock.GetUtcNow())]), default);
        given.Clock.Advance(TimeSpan.FromHours(10));

        var first = await given.Reconciliation.RunDueAsync(default);
        var writes = given.Stores.ProductWrites;
        var again = await given.Reconciliation.ReconcileAsync("supplier", null, default);

        Assert.Equal(ImportStatus.Completed, snapshot.Status);
        Assert.Equal(2, snapshot.Rejected);
        Assert.Equal(1, first);
        // Finding less is no receipt: the stock still waits since the first count (of 100), an hour before the snapshot.
        var takenAt = StockSnapshotImport.TakenAt(snapshot.File)!.Value;
        Assert.Equal(new WarehouseStock(90, 30, takenAt, LastReceiptAt: takenAt.AddHours(-1)), given.Stores.Product("supplier", "A")!.Value.Stock["sp"]);
        Assert.Equal(55, given.Stores.Product("supplier", "B")!.Value.Stock["sp"].OnHand);
        Assert.Equal(3, given.Stores.Product("supplier", "B")!.Value.Stock["rj"].OnHand);
        Assert.Equal(8, given.Stores.Product("supplier", "C")!.Value.Stock["sp"].OnHand);
        var report = given.Stores.ReportFiles.Values.Select(Encoding.UTF8.GetString).MaxBy(r => r.Length)!;
        Assert.Contains("A;sp;90;100;-10;30", report, StringComparison.Ordinal);
        Assert.Contains("B;rj;3;0;3;0", report, StringComparison.Ordinal);
        Assert.DoesNotContain("C;sp", report, StringComparison.Ordinal);
        var alert = Assert.Single(given.Stores.Queued);
        Assert.Equal((NotificationKind.StockDiscrepancies, Given.Warehouse.Email), (alert.Kind, alert.To));
        Assert.Equal("3", alert.Data["discrepancies"]);
        Assert.Equal((0L, 0L), (again!.Discrepancies, again.Corrected));
        Assert.Equal(writes, given.Stores.ProductWrites);
        Assert.Single(given.Stores.Queued);
    }

    [Fact]
    public async Task Drift_is_corrected_keeping_every_hold_of_the_open_orders()
    {
        var given = await StockedAsync();
        var reserver = new StockReserver(new InMemoryStockHolds(given.Stores), given.Stores, given.Stores);
        await reserver.ReserveAsync("supplier", "o1", [new ReservationLine(1, "A", 15)], "BR", null, default);
        await reserver.ReserveAsync("supplier", "o2", [new ReservationLine(1, "B", 2.5m)], "BR", null, default);
        await given.ImportAsync("supplier", ImportKind.Stock, SnapshotName(given), Encoding.UTF8.GetBytes("sku;deposito;saldo\nA;sp;90\nB;sp;40\n"));

        Assert.Equal(1, await given.Reconciliation.RunDueAsync(default));

        var a = given.Stores.Product("supplier", "A")!.Value.Stock["sp"];
        var b = given.Stores.Product("supplier", "B")!.Value.Stock["sp"];
        Assert.Equal((90m, 45m, 15m), (a.OnHand, a.Reserved, a.HeldBy("o1")));
        Assert.Equal((40m, 2.5m, 2.5m), (b.OnHand, b.Reserved, b.HeldBy("o2")));
    }

    [Fact]
    public async Task Below_the_threshold_nobody_is_emailed_and_without_a_new_snapshot_the_nightly_run_does_nothing()
    {
        var given = await StockedAsync();
        await given.ImportAsync("supplier", ImportKind.Stock, SnapshotName(given), Encoding.UTF8.GetBytes("sku;deposito;saldo\nA;sp;99\n"));
        given.Stores.Queued.Clear();

        var first = await given.Reconciliation.RunDueAsync(default);
        var second = await given.Reconciliation.RunDueAsync(default);

        Assert.Equal(99, given.Stores.Product("supplier", "A")!.Value.Stock["sp"].OnHand);
        Assert.Empty(given.Stores.Queued);
        Assert.Equal((1, 0), (first, second));
    }

    [Fact]
    public async Task A_snapshot_without_its_time_older_than_the_applied_one_or_in_the_future_fails_with_the_reason()
    {
        var given = await StockedAsync();
        var rows = Encoding.UTF8.GetBytes("sku;deposito;saldo\nA;sp;1\n");
        var current = await given.ImportAsync("supplier", ImportKind.Stock, "estoque-2026-11-27T0930.csv", rows);

        var unnamed = await given.ImportAsync("supplier", ImportKind.Stock, "estoque.csv", rows);
        var yesterday = await given.ImportAsync("supplier", ImportKind.Stock, "estoque-2026-11-26T2200.csv", rows);
        var future = await given.ImportAsync("supplier", ImportKind.Stock, "estoque-2026-11-27T1030.csv", rows);
        var withOffset = await given.ImportAsync("supplier", ImportKind.Stock, "estoque_2026-11-27T0700-0300.csv", rows);

        Assert.Equal(ImportStatus.Completed, current.Status);
        Assert.Equal(ImportStatus.Failed, unnamed.Status);
        Assert.Contains("does not say when the stock was counted", unnamed.Failure, StringComparison.Ordinal);
        Assert.Equal(ImportStatus.Failed, yesterday.Status);
        Assert.Contains("older than the one already applied ('estoque-2026-11-27T0930.csv'", yesterday.Failure, StringComparison.Ordinal);
        Assert.Equal(ImportStatus.Failed, future.Status);
        Assert.Contains("in the future", future.Failure, StringComparison.Ordinal);
        Assert.Equal(ImportStatus.Completed, withOffset.Status);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero), (await given.Stores.LatestAsync("supplier", default))!.TakenAt);
    }

    [Theory]
    [InlineData("estoque-2026-11-30T2200.csv", "2026-11-30T22:00:00Z")]
    [InlineData("saldo_2026-11-30_220015Z.xlsx", "2026-11-30T22:00:15Z")]
    [InlineData("estoque-2026-11-30T19h00-0300.csv", "2026-11-30T22:00:00Z")]
    [InlineData("stock-2026-11-30T2300+01:00.csv", "2026-11-30T22:00:00Z")]
    [InlineData("estoque-2026-13-30T2200.csv", null)]
    [InlineData("estoque-2026-11-30.csv", null)]
    public void A_snapshots_time_is_read_from_its_name(string name, string? expected) =>
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), StockSnapshotImport.TakenAt(name));

    [Fact]
    public async Task A_push_item_without_asOf_is_refused_naming_it_and_nothing_is_applied()
    {
        var given = await StockedAsync();
        var stock = new StockService(given.Stores, given.Stores, given.Access, given.Clock);

        var e = await Assert.ThrowsAsync<Agora.Core.Common.DomainException>(() => stock.PushAsync(Given.Warehouse, "supplier",
            new StockPush([new("A", "sp", 1, given.Clock.GetUtcNow()), new("B", "sp", 2, null)]), default));
        var future = await stock.PushAsync(Given.Warehouse, "supplier", new StockPush([new("A", "sp", 1, given.Clock.GetUtcNow().AddMinutes(6))]), default);

        Assert.Equal(["items[1].asOf"], e.Errors.Keys);
        Assert.Equal(100, given.Stores.Product("supplier", "A")!.Value.Stock["sp"].OnHand);
        Assert.Contains("in the future", Assert.Single(future.Rejected).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_product_that_cannot_be_corrected_does_not_stop_the_others_and_is_corrected_by_the_next_run()
    {
        var given = await StockedAsync();
        await given.ImportAsync("supplier", ImportKind.Stock, SnapshotName(given), Encoding.UTF8.GetBytes("sku;deposito;saldo\nA;sp;90\nB;sp;55\nC;sp;1\n"));
        given.Stores.FailingSkus.Add("B");

        var first = await given.Reconciliation.RunDueAsync(default);
        var kept = Assert.Single(given.Stores.DueEntries, e => e.Kind == StockSnapshotImport.DueKind);
        given.Stores.FailingSkus.Clear();
        var second = await given.Reconciliation.RunDueAsync(default);

        Assert.Equal(0, first); // not done: it stays due
        Assert.Equal((1, "IncompleteWorkException"), (kept.FailedRuns, kept.LastFailure?.Split(':')[0]));
        Assert.Equal(1, second);
        Assert.Equal(90, given.Stores.Product("supplier", "A")!.Value.Stock["sp"].OnHand);
        Assert.Equal(55, given.Stores.Product("supplier", "B")!.Value.Stock["sp"].OnHand);
        Assert.Equal(1, given.Stores.Product("supplier", "C")!.Value.Stock["sp"].OnHand);
        Assert.DoesNotContain(given.Stores.DueEntries, e => e.Kind == StockSnapshotImport.DueKind);
    }
}
