using System.Text;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Pricing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Core.Tests.Pricing;

/// <summary>A price list's prices one at a time (read, set, removed by a pricing manager), and removed by a file row.</summary>
public sealed class PriceEntryTests
{
    private static readonly byte[] Catalog = Encoding.UTF8.GetBytes(
        "sku;nome;categoria;marca;unidade;embalagens\nP0001;Produto 1;Ferramentas;Tramontina;UN;CX=12\nP0002;Produto 2;Ferramentas;Tramontina;UN;CX=12\n");

    private static async Task<(Given Given, PriceEntryService Prices)> SupplierAsync()
    {
        var given = await new Given().MarketplaceAsync();
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Catalog);
        return (given, new PriceEntryService(given.Stores, given.Stores, given.Access, given.Clock));
    }

    [Fact]
    public async Task A_row_whose_action_is_delete_removes_its_price_and_removing_it_again_writes_nothing()
    {
        var (given, _) = await SupplierAsync();
        await given.ImportAsync("supplier", ImportKind.Prices, "p.csv", Encoding.UTF8.GetBytes(
            "sku;unidade;preco;apartirde;tabela\nP0001;UN;10,00;;\nP0001;UN;9,00;10;\nP0002;UN;5,00;;atacado\n"));
        var removal = Encoding.UTF8.GetBytes("sku;unidade;preco;apartirde;tabela;ação\nP0001;UN;;10;;Excluir\nP0002;UN;;;atacado;remover\nP0001;UN;10,00;;;\n");

        var first = await given.ImportAsync("supplier", ImportKind.Prices, "remove.csv", removal);
        var writes = given.Stores.PriceWrites;
        var again = await given.ImportAsync("supplier", ImportKind.Prices, "remove.csv", removal);

        Assert.Equal((2L, 1L, 0L), (first.Applied, first.Unchanged, first.Rejected));
        Assert.Equal([("base", "P0001", 1)], given.Stores.Prices.Select(p => (p.PriceListId, p.Sku, p.MinQuantity)));
        Assert.Equal((0L, 3L), (again.Applied, again.Unchanged));
        Assert.Equal(writes, given.Stores.PriceWrites);
    }

    [Fact]
    public async Task A_row_with_an_unknown_action_is_rejected_and_a_removal_needs_no_price_but_a_sku()
    {
        var (given, _) = await SupplierAsync();

        var job = await given.ImportAsync("supplier", ImportKind.Prices, "p.csv", Encoding.UTF8.GetBytes(
            "sku,unit,price,action\nP0001,UN,10.00,discontinue\n,UN,,delete\nP0002,UN,,set\n"));

        Assert.Equal((0L, 3L), (job.Applied, job.Rejected));
        Assert.Contains(job.Errors, e => e is { Line: 2, Column: "action" } && e.Reason.Contains("'discontinue' is not an action", StringComparison.Ordinal));
        Assert.Contains(job.Errors, e => e is { Line: 3, Column: "sku" });
        Assert.Contains(job.Errors, e => e is { Line: 4, Column: "price" });
        Assert.Empty(given.Stores.Prices);
    }

    [Fact]
    public async Task A_pricing_manager_sets_a_price_and_reads_the_list_in_sku_unit_and_tier_order_page_by_page()
    {
        var (_, prices) = await SupplierAsync();
        foreach (var (sku, unit, min, price) in new[] { ("P0002", "UN", "1", 5m), ("P0001", "UN", "10", 9m), ("P0001", "CX", "1", 100m), ("P0001", "UN", "2", 9.5m), ("P0001", "UN", "1", 10m) })
        {
            await prices.PutAsync(Given.Pricing, "supplier", "base", sku, unit, min, new PriceInput(price, null), default);
        }

        var first = await prices.ListAsync(Given.Warehouse, "supplier", "base", null, null, 3, default);
        var second = await prices.ListAsync(Given.SalesManager, "supplier", "base", null, first.Next, 3, default);
        var one = await prices.ListAsync(Given.SalesManager, "supplier", "base", "P0002", null, null, default);

        Assert.Equal(["P0001 CX 1", "P0001 UN 1", "P0001 UN 2"], first.Items.Select(p => $"{p.Sku} {p.Unit} {p.MinQuantity}"));
        Assert.Equal(["P0001 UN 10", "P0002 UN 1"], second.Items.Select(p => $"{p.Sku} {p.Unit} {p.MinQuantity}"));
        Assert.Null(second.Next);
        Assert.Equal((5m, "BRL", "supplier"), (one.Items.Single().Price, one.Items.Single().Currency, one.Items.Single().SupplierId));
    }

    [Fact]
    public async Task A_price_is_refused_field_by_field_as_a_file_row_would_be()
    {
        var (_, prices) = await SupplierAsync();

        var zero = await Assert.ThrowsAsync<DomainException>(() => prices.PutAsync(Given.Pricing, "supplier", "base", "P0001", "UN", "0", new PriceInput(0, "XYZ"), default));
        var unknown = await Assert.ThrowsAsync<DomainException>(() => prices.PutAsync(Given.Pricing, "supplier", "base", "P9999", "UN", "1", new PriceInput(1, null), default));
        var unit = await Assert.ThrowsAsync<DomainException>(() => prices.PutAsync(Given.Pricing, "supplier", "base", "P0001", "PAL", "1", new PriceInput(1, null), default));
        var decimals = await Assert.ThrowsAsync<DomainException>(() => prices.PutAsync(Given.Pricing, "supplier", "base", "P0001", "UN", "1", new PriceInput(1.001m, "BRL"), default));

        Assert.Equal(["currency", "minQuantity", "price"], zero.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("not in the catalog", unknown.Errors["sku"][0], StringComparison.Ordinal);
        Assert.Contains("is not sold in PAL (it is in UN, CX)", unit.Errors["unit"][0], StringComparison.Ordinal);
        Assert.Contains("more decimals than BRL allows", decimals.Errors["price"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_pricing_managers_change_prices_strangers_see_nothing_and_a_missing_price_is_not_found()
    {
        var (given, prices) = await SupplierAsync();
        await prices.PutAsync(Given.SupplierAdmin, "supplier", "vip", "P0001", "UN", "1", new PriceInput(8, "BRL"), default);

        var sales = await Assert.ThrowsAsync<DomainException>(() => prices.PutAsync(Given.SalesManager, "supplier", "vip", "P0001", "UN", "1", new PriceInput(7, null), default));
        var stranger = await Assert.ThrowsAsync<DomainException>(() => prices.ListAsync(Given.Stranger, "supplier", "vip", null, null, null, default));
        await prices.DeleteAsync(Given.Pricing, "supplier", "VIP", "P0001", "un", "1", default);
        var again = await Assert.ThrowsAsync<DomainException>(() => prices.DeleteAsync(Given.Pricing, "supplier", "vip", "P0001", "UN", "1", default));

        Assert.Equal(FailureKind.Forbidden, sales.Kind);
        Assert.Equal(FailureKind.NotFound, stranger.Kind);
        Assert.Equal(FailureKind.NotFound, again.Kind);
        Assert.Empty(given.Stores.Prices);
    }

    [Fact]
    public async Task Deleting_a_list_removes_its_prices_in_the_background_message_by_message_and_leaves_other_lists_alone()
    {
        var (given, _) = await SupplierAsync();
        var pricing = given.PricingService;
        var purger = new PriceListPurger(given.Stores, given.Stores, given.Stores, NullLogger<PriceListPurger>.Instance);
        await pricing.PutListAsync(Given.Pricing, "supplier", "VIP", new PriceListInput("VIP", "category:retail", "BRL", null, null, 1, true), ifMatch: null, default);
        await pricing.PutListAsync(Given.Pricing, "supplier", "atacado", new PriceListInput("Atacado", "all", "BRL", null, null, 0, true), ifMatch: null, default);
        var count = PriceListPurger.PerMessage + 500;
        for (var i = 1; i <= count; i++)
        {
            await ((IPriceStore)given.Stores).UpsertAsync(new PriceEntry("supplier", "vip", "P0001", "UN", i, 10, "BRL", default), default);
        }

        await ((IPriceStore)given.Stores).UpsertAsync(new PriceEntry("supplier", "atacado", "P0001", "UN", 1, 9, "BRL", default), default);
        await ((IPriceStore)given.Stores).UpsertAsync(new PriceEntry("supplier", PriceEntry.BaseList, "P0001", "UN", 1, 11, "BRL", default), default);

        await pricing.DeleteAsync(Given.Pricing, "supplier", PricingRuleKind.Lists, "Vip", default);
        var queued = Assert.Single(given.Stores.Purges);
        var first = await purger.PurgeAsync(queued, default);
        var second = await purger.PurgeAsync(given.Stores.Purges[^1], default);
        var third = await purger.PurgeAsync(given.Stores.Purges[^1], default);

        Assert.Equal(new PriceListPurge("supplier", "vip"), queued);
        Assert.Equal((PriceListPurger.PerMessage, 500, 0), (first, second, third));
        Assert.Equal(2, given.Stores.Purges.Count); // the first message queued the rest; the second finished
        Assert.Equal(["atacado", "base"], given.Stores.Prices.Select(p => p.PriceListId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_list_created_again_before_its_purge_keeps_its_prices_and_the_base_list_is_never_purged()
    {
        var (given, _) = await SupplierAsync();
        var pricing = given.PricingService;
        var purger = new PriceListPurger(given.Stores, given.Stores, given.Stores, NullLogger<PriceListPurger>.Instance);
        var vip = new PriceListInput("VIP", "category:retail", "BRL", null, null, 1, true);
        await pricing.PutListAsync(Given.Pricing, "supplier", "vip", vip, ifMatch: null, default);
        await pricing.PutListAsync(Given.Pricing, "supplier", "base", new PriceListInput("Geral", "all", "BRL", null, null, 0, true), ifMatch: null, default);
        await ((IPriceStore)given.Stores).UpsertAsync(new PriceEntry("supplier", "vip", "P0001", "UN", 1, 10, "BRL", default), default);
        await ((IPriceStore)given.Stores).UpsertAsync(new PriceEntry("supplier", PriceEntry.BaseList, "P0001", "UN", 1, 11, "BRL", default), default);

        await pricing.DeleteAsync(Given.Pricing, "supplier", PricingRuleKind.Lists, "vip", default);
        await pricing.PutListAsync(Given.Pricing, "supplier", "vip", vip, ifMatch: null, default);
        await pricing.DeleteAsync(Given.Pricing, "supplier", PricingRuleKind.Lists, "base", default);
        var removed = await purger.PurgeAsync(Assert.Single(given.Stores.Purges), default);
        var baseRemoved = await purger.PurgeAsync(new PriceListPurge("supplier", PriceEntry.BaseList), default);
        var missing = await Assert.ThrowsAsync<DomainException>(() => pricing.DeleteAsync(Given.Pricing, "supplier", PricingRuleKind.Lists, "gone", default));

        Assert.Equal((0, 0), (removed, baseRemoved));
        Assert.Equal(2, given.Stores.Prices.Count);
        Assert.Equal(FailureKind.NotFound, missing.Kind);
        Assert.Single(given.Stores.Purges); // a list that does not exist queues no purge
    }

    [Fact]
    public async Task Deleting_a_list_that_does_not_exist_is_404_and_purges_nothing_staged_under_its_id()
    {
        var (given, _) = await SupplierAsync();
        var pricing = given.PricingService;
        await ((IPriceStore)given.Stores).UpsertAsync(new PriceEntry("supplier", "futura", "P0001", "UN", 1, 10, "BRL", default), default);

        var missing = await Assert.ThrowsAsync<DomainException>(() => pricing.DeleteAsync(Given.Pricing, "supplier", PricingRuleKind.Lists, "Futura", default));

        Assert.Equal(FailureKind.NotFound, missing.Kind);
        Assert.Empty(given.Stores.Purges);
        Assert.Single(given.Stores.Prices, p => p.PriceListId == "futura");
    }

    [Fact]
    public async Task When_the_purge_cannot_be_queued_the_list_is_put_back_so_a_retry_deletes_and_purges_it()
    {
        var (given, _) = await SupplierAsync();
        var pricing = given.PricingService;
        await pricing.PutListAsync(Given.Pricing, "supplier", "vip", new PriceListInput("VIP", "category:retail", "BRL", null, null, 1, true), ifMatch: null, default);
        given.Stores.PurgeQueueFails = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() => pricing.DeleteAsync(Given.Pricing, "supplier", PricingRuleKind.Lists, "vip", default));
        var kept = await ((IPricingStore)given.Stores).FindAsync("supplier", PricingRuleKind.Lists, "vip", default);
        given.Stores.PurgeQueueFails = false;
        await pricing.DeleteAsync(Given.Pricing, "supplier", PricingRuleKind.Lists, "vip", default);

        Assert.NotNull(kept);
        Assert.Equal(new PriceListPurge("supplier", "vip"), Assert.Single(given.Stores.Purges));
    }
}
