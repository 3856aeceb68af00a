using System.Text;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Pricing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Core.Tests.Imports;

/// <summary>Imports keep several writes in flight (issue 11) and still end as a sequential run would: the later of two rows
/// of one item wins, one write per item per batch, no more writes in flight than configured.</summary>
public sealed class ParallelWritesTests
{
    private static string Catalog(int rows) =>
        "sku;nome;categoria;marca;unidade;embalagens\n" +
        string.Concat(Enumerable.Range(1, rows).Select(i => $"P{i:0000};Produto {i};Ferramentas;Tramontina;UN;CX=12\n"));

    [Fact]
    public async Task Writes_overlap_up_to_the_configured_number_and_every_row_lands()
    {
        var given = await new Given().MarketplaceAsync();
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(300)));
        var slow = new SlowPrices(given.Stores, TimeSpan.FromMilliseconds(5));
        var imports = new ImportService(
            [new PriceImport(given.Stores, slow, given.Clock)], given.Stores, given.Stores, given.Stores, given.Stores, given.Access, given.Clock,
            new ImportOptions { BatchSize = 250, WritesInFlight = 8 }, NullLogger<ImportService>.Instance);
        var file = "sku;unidade;preco\n" + string.Concat(Enumerable.Range(1, 300).Select(i => $"P{i:0000};UN;{i},50\n"));
        var version = given.Stores.Drop("supplier", ImportKind.Prices, "p.csv", Encoding.UTF8.GetBytes(file));

        var job = await imports.RunAsync("supplier", "prices", "p.csv", version, given.Clock.GetUtcNow(), default);

        Assert.Equal((ImportStatus.Completed, 300L, 0L), (job.Status, job.Applied, job.Rejected));
        Assert.Equal(300, slow.Upserts);
        Assert.Equal(8, slow.MaxInFlight);
        Assert.Equal(Enumerable.Range(1, 300).Select(i => i + 0.5m), given.Stores.Prices.OrderBy(p => p.Sku, StringComparer.Ordinal).Select(p => p.Price));
    }

    [Fact]
    public async Task Two_rows_of_one_price_in_a_batch_end_as_the_later_says_with_one_write()
    {
        var given = await new Given().MarketplaceAsync();
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(2)));
        await given.ImportAsync("supplier", ImportKind.Prices, "p.csv", Encoding.UTF8.GetBytes("sku;unidade;preco\nP0002;UN;7,00\n"));
        var before = given.Stores.PriceWrites;

        var job = await given.ImportAsync("supplier", ImportKind.Prices, "q.csv", Encoding.UTF8.GetBytes(
            "sku;unidade;preco;acao\nP0001;UN;10,00;\nP0001;UN;11,00;\nP0002;UN;;excluir\nP0002;UN;8,00;\nP0002;UN;8,00;\n"));

        Assert.Equal((4L, 1L), (job.Applied, job.Unchanged));
        Assert.Equal([("P0001", 11.00m), ("P0002", 8.00m)], given.Stores.Prices.OrderBy(p => p.Sku, StringComparer.Ordinal).Select(p => (p.Sku, p.Price)));
        Assert.Equal(before + 2, given.Stores.PriceWrites);
    }

    [Fact]
    public async Task A_product_and_its_unit_rows_in_one_batch_are_one_write()
    {
        var given = await new Given().MarketplaceAsync();
        var erp = "codigo;descricao;categoria;unidade;fator\n" + string.Concat(Enumerable.Range(1, 40).Select(i => $"P{i:0000};Produto {i};Ferramentas;CX;12\nP{i:0000};Produto {i};Ferramentas;UN;1\nP{i:0000};Produto {i};Ferramentas;PAL;480\n"));

        var job = await given.ImportAsync("supplier", ImportKind.Catalog, "erp.csv", Encoding.UTF8.GetBytes(erp));
        var again = await given.ImportAsync("supplier", ImportKind.Catalog, "erp2.csv", Encoding.UTF8.GetBytes(erp));

        Assert.True(job.Rejected == 0, string.Join(" / ", job.Errors.Take(3).Select(e => $"{e.Line} {e.Column} {e.Reason}")));
        Assert.Equal(120L, job.Applied);
        Assert.Equal(40, given.Stores.ProductWrites);
        Assert.Equal((0L, 120L), (again.Applied, again.Unchanged));
        Assert.Equal(["UN:1", "CX:12", "PAL:480"], given.Stores.Product("supplier", "P0007")!.Value.SaleUnits.Select(u => $"{u.Code}:{u.Factor:0.######}"));
    }

    /// <summary>Prices that take <paramref name="latency"/> per write, counting how many writes overlap.</summary>
    private sealed class SlowPrices(IPriceStore inner, TimeSpan latency) : IPriceStore
    {
        private int _inFlight;
        private int _maxInFlight;
        private int _upserts;

        public int MaxInFlight => Volatile.Read(ref _maxInFlight);

        public int Upserts => Volatile.Read(ref _upserts);

        public Task<IReadOnlyList<PriceEntry>> FindManyAsync(string supplierId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
            inner.FindManyAsync(supplierId, keys, cancellationToken);

        public async Task UpsertAsync(PriceEntry entry, CancellationToken cancellationToken)
        {
            var now = Interlocked.Increment(ref _inFlight);
            for (var max = Volatile.Read(ref _maxInFlight); now > max && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max; max = Volatile.Read(ref _maxInFlight))
            {
            }

            await Task.Delay(latency, cancellationToken);
            await inner.UpsertAsync(entry, cancellationToken);
            Interlocked.Increment(ref _upserts);
            Interlocked.Decrement(ref _inFlight);
        }

        public Task<bool> DeleteAsync(string supplierId, string key, CancellationToken cancellationToken) => inner.DeleteAsync(supplierId, key, cancellationToken);

        public Task<Page<PriceEntry>> ListAsync(string supplierId, string listId, string? sku, string? after, int limit, CancellationToken cancellationToken) =>
            inner.ListAsync(supplierId, listId, sku, after, limit, cancellationToken);
    }
}
