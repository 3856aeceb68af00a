using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>Clearance against the emulator (decision 0021b): the indexed query finds only the products with stock idle past
/// the age (and those written before the index existed), proposals page oldest stock first and honour If-Match, and what a
/// product sells with is read for a page of products in one query.</summary>
public sealed class ClearanceStoreTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    private readonly string _supplier = SharedEmulators.Unique("sup");

    private IClearanceStore Store => fixture.Get<IClearanceStore>();

    private IProductStore Products => fixture.Get<IProductStore>();

    private async Task CreateAsync(string sku, ProductStatus status, params (string Warehouse, WarehouseStock Stock)[] stock)
    {
        var product = ProductRules.Build(_supplier, sku, new ProductInput($"Product {sku}", null, "X", null, null, null, status, null, "UN", null), null, Now.AddYears(-1)) with
        {
            Stock = stock.ToDictionary(s => s.Warehouse, s => s.Stock, StringComparer.Ordinal),
        };
        await Products.CreateAsync(product, default);
    }

    [Fact]
    public async Task The_idle_query_finds_active_products_with_stock_waiting_since_the_cutoff_and_pages()
    {
        await CreateAsync("OLD", ProductStatus.Active, ("sp", new WarehouseStock(5, 0, Now, LastReceiptAt: Now.AddDays(-100))));
        await CreateAsync("MIXED", ProductStatus.Active, ("sp", new WarehouseStock(5, 0, Now, LastSaleAt: Now.AddDays(-1))), ("rj", new WarehouseStock(2, 0, Now, LastReceiptAt: Now.AddDays(-95))));
        await CreateAsync("FRESH", ProductStatus.Active, ("sp", new WarehouseStock(5, 0, Now, LastReceiptAt: Now.AddDays(-10))));
        await CreateAsync("EMPTY", ProductStatus.Active, ("sp", new WarehouseStock(0, 0, Now, LastReceiptAt: Now.AddDays(-400))));
        await CreateAsync("GONE", ProductStatus.Discontinued, ("sp", new WarehouseStock(5, 0, Now, LastReceiptAt: Now.AddDays(-400))));

        var first = await Store.IdleProductsAsync(_supplier, Now.AddDays(-90), null, 1, default);
        var second = await Store.IdleProductsAsync(_supplier, Now.AddDays(-90), Cursor.Decode(first.Next, "cursor"), 1, default);

        Assert.Equal(["MIXED", "OLD"], first.Items.Concat(second.Items).Select(p => p.Sku).Order(StringComparer.Ordinal));
        Assert.Null(second.Next);
        Assert.Equal(["OLD"], (await Store.IdleProductsAsync(_supplier, Now.AddDays(-99), null, 10, default)).Items.Select(p => p.Sku));
    }

    private ProposedClearance Proposal(string sku, int days) =>
        new(ProposedClearance.IdOf(sku, "sp"), _supplier, sku, "sp", 5, days, Now.AddDays(-days), 12.5m, ["B"], $"{days} days without a sale from sp", ClearanceStatus.Open, "r1", Now);

    [Fact]
    public async Task Proposals_page_oldest_stock_first_are_found_by_sku_and_a_stale_version_is_refused()
    {
        await Store.SaveProposalAsync(Proposal("NEWER", 95), null, default);
        await Store.SaveProposalAsync(Proposal("OLDEST", 300), null, default);
        await Store.SaveProposalAsync(Proposal("MIDDLE", 120), null, default);

        var page = await Store.ListProposalsAsync(_supplier, null, 2, default);
        var rest = await Store.ListProposalsAsync(_supplier, Cursor.Decode(page.Next, "cursor"), 2, default);
        Assert.Equal(["OLDEST", "MIDDLE", "NEWER"], page.Items.Concat(rest.Items).Select(p => p.Sku));
        Assert.Equal(3, (await Store.AllProposalsAsync(_supplier, default)).Count);
        Assert.Equal(["MIDDLE"], (await Store.ProposalsOfAsync(_supplier, "MIDDLE", default)).Select(p => p.Sku));

        var found = (await Store.FindProposalAsync(_supplier, ProposedClearance.IdOf("MIDDLE", "sp"), default))!;
        Assert.Equal(Proposal("MIDDLE", 120).BundleWith, found.Value.BundleWith);
        await Store.SaveProposalAsync(found.Value with { Status = ClearanceStatus.Dismissed }, found.ETag, default);
        var stale = await Assert.ThrowsAsync<DomainException>(() => Store.SaveProposalAsync(found.Value with { Status = ClearanceStatus.Accepted }, found.ETag, default));
        Assert.Equal(FailureKind.PreconditionFailed, stale.Kind);
        Assert.Equal(ClearanceStatus.Dismissed, (await Store.FindProposalAsync(_supplier, found.Value.Id, default))!.Value.Status);

        await Store.RemoveProposalAsync(_supplier, found.Value.Id, default);
        await Store.RemoveProposalAsync(_supplier, found.Value.Id, default); // removing twice is harmless
        Assert.Null(await Store.FindProposalAsync(_supplier, found.Value.Id, default));
    }

    [Fact]
    public async Task Settings_default_until_saved_and_what_products_sell_with_is_read_in_one_query()
    {
        Assert.False((await Store.SettingsAsync(_supplier, default)).IsStored);
        var saved = await Store.SaveSettingsAsync(_supplier, new ClearanceSettings(30, 5, 20, 14, false), null, default);
        Assert.Equal(new ClearanceSettings(30, 5, 20, 14, false), (await Store.SettingsAsync(_supplier, default)).Value);
        await Assert.ThrowsAsync<DomainException>(() => Store.SaveSettingsAsync(_supplier, ClearanceSettings.Default, "\"stale\"", default));
        Assert.NotEmpty(saved.ETag);

        await Store.SaveSoldTogetherAsync(_supplier, SoldTogether.Count(null, "A", "o1", ["A", "B"]), null, default);
        var a = (await Store.FindSoldTogetherAsync(_supplier, "A", default))!;
        await Store.SaveSoldTogetherAsync(_supplier, SoldTogether.Count(a.Value, "A", "o2", ["A", "B", "C"]), a.ETag, default);
        await Store.SaveSoldTogetherAsync(_supplier, SoldTogether.Count(null, "B", "o1", ["A", "B"]), null, default);
        var lost = await Assert.ThrowsAsync<DomainException>(() => Store.SaveSoldTogetherAsync(_supplier, SoldTogether.Count(null, "B", "o9", ["A", "B"]), null, default));
        Assert.True(lost.IsWriteConflict); // created meanwhile: the observer counts again on the stored one

        var read = await Store.SoldTogetherAsync(_supplier, ["A", "B", "Z"], default);
        Assert.Equal(new Dictionary<string, int> { ["B"] = 2, ["C"] = 1 }, read["A"].With);
        Assert.Equal(["A", "B"], read.Keys.Order(StringComparer.Ordinal));
    }
}
