using System.Globalization;
using System.Text;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Imports;
using Agora.Core.Pricing;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Infrastructure.Tests;

/// <summary>What an import costs in Cosmos requests, through the real adapters against the emulator (issue 11): a
/// re-import reads each batch's stored state in one query per kind, so its requests per 1,000 rows stay the same however
/// many prices the supplier has stored.</summary>
public sealed class ImportCostTests(InfrastructureFixture fixture, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private const int Skus = 200;

    [Fact]
    public async Task An_import_whose_every_write_is_throttled_once_waits_and_stores_every_row_once()
    {
        // The emulator answers every write to a partition named throttled-* once with 429 and a retry-after (decision
        // 0017a): 32 writes in flight, all of them throttled, as on an account past its throughput.
        var supplier = SharedEmulators.Unique("throttled-");
        var imports = await SupplierAsync(supplier);

        var job = await RunAsync(imports, supplier, ImportKind.Prices, "throttled.csv", PriceFile("base", tiers: 5));
        var again = await RunAsync(imports, supplier, ImportKind.Prices, "throttled.csv", PriceFile("base", tiers: 5));

        Assert.Equal((ImportStatus.Completed, 1000L, 0L), (job.Status, job.Applied, job.Rejected));
        Assert.Equal((ImportStatus.Completed, 0L, 1000L), (again.Status, again.Applied, again.Unchanged));
        var stored = await fixture.Get<IPriceStore>().ListAsync(supplier, "base", "C-007", null, 100, default);
        Assert.Equal(Enumerable.Range(1, 5).Select(t => t * 10), stored.Items.Select(p => p.MinQuantity));
    }

    [Fact]
    public async Task A_re_import_costs_the_same_requests_per_thousand_rows_with_five_times_the_prices_stored()
    {
        var supplier = SharedEmulators.Unique("sup");
        var imports = await SupplierAsync(supplier);
        var measured = PriceFile("base", tiers: 5); // 1,000 rows

        var first = await RunAsync(imports, supplier, ImportKind.Prices, "measured.csv", measured);
        var (small, smallJob) = await MeasureAsync(() => RunAsync(imports, supplier, ImportKind.Prices, "measured.csv", measured));
        var others = await RunAsync(imports, supplier, ImportKind.Prices, "others.csv", PriceFile("atacado", tiers: 20)); // 4,000 more stored
        var (large, largeJob) = await MeasureAsync(() => RunAsync(imports, supplier, ImportKind.Prices, "measured.csv", measured));

        Assert.Equal((ImportStatus.Completed, 1000L), (first.Status, first.Applied));
        Assert.Equal((ImportStatus.Completed, 4000L), (others.Status, others.Applied));
        Assert.Equal((0L, 1000L), (smallJob.Applied, smallJob.Unchanged));
        Assert.Equal((0L, 1000L), (largeJob.Applied, largeJob.Unchanged));
        output.WriteLine($"Re-import of 1,000 rows: {small} Cosmos requests with 1,000 prices stored, {large} with 5,000.");
        Assert.Equal(small, large);
        // The job's own reads and writes, and per batch of 1,000 rows one query of products and one of prices.
        Assert.InRange(large, 2, 12);
    }

    /// <summary>A supplier with <see cref="Skus"/> products in UN and CX, and the import service on the real adapters.</summary>
    private async Task<ImportService> SupplierAsync(string supplier)
    {
        var organizations = fixture.Get<IOrganizationStore>();
        var now = DateTimeOffset.UtcNow;
        await organizations.CreateAsync(new Organization
        {
            Id = supplier,
            Name = "Cost Ltda",
            Country = "BR",
            DefaultCurrency = "BRL",
            Capabilities = [Capability.Supplier],
            Members = [new Member("u1", "u1@cost.test", "U1", [Role.SupplierAdmin], now)],
            CreatedAt = now,
            UpdatedAt = now,
        }, default);
        var products = fixture.Get<IProductStore>();
        var imports = new ImportService(
            [new CatalogImport(products, TimeProvider.System), new PriceImport(products, fixture.Get<IPriceStore>(), TimeProvider.System)],
            organizations, fixture.Get<IImportJobStore>(), fixture.Get<IImportReportStore>(), fixture.Get<IImportFiles>(), new AccessControl(organizations),
            TimeProvider.System, new ImportOptions(), NullLogger<ImportService>.Instance);
        Assert.Equal(ImportStatus.Completed, (await RunAsync(imports, supplier, ImportKind.Catalog, "catalog.csv",
            "sku;nome;categoria;unidade;embalagens\n" + string.Concat(Enumerable.Range(0, Skus).Select(i => $"C-{i:000};Produto {i};Ferramentas;UN;CX=12\n")))).Status);
        return imports;
    }

    private static string PriceFile(string list, int tiers) =>
        "sku;unidade;preco;apartirde;tabela\n" + string.Concat(
            from sku in Enumerable.Range(0, Skus)
            from tier in Enumerable.Range(1, tiers)
            select string.Create(CultureInfo.InvariantCulture, $"C-{sku:000};UN;{100 - tier},{sku % 100:00};{tier * 10};{list}\n"));

    private static async Task<(long Requests, ImportJob Job)> MeasureAsync(Func<Task<ImportJob>> run)
    {
        using var measurement = CosmosRequestMeter.Start();
        var job = await run();
        return (measurement.Requests, job);
    }

    private async Task<ImportJob> RunAsync(ImportService imports, string supplier, ImportKind kind, string file, string content)
    {
        var (version, time) = await fixture.Get<IImportFiles>().SaveAsync(supplier, kind, file, new MemoryStream(Encoding.UTF8.GetBytes(content)), "u1", default);
        return await imports.RunAsync(supplier, ImportJob.FolderOf(kind), file, version, time, default);
    }
}
