using System.Text;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Imports;
using Agora.Core.Tests.Files;

namespace Agora.Core.Tests.Imports;

public sealed class ImportServiceTests
{
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private static string Catalog(int rows, string nameSuffix = "") =>
        "sku;nome;categoria;marca;unidade;embalagens\n" +
        string.Concat(Enumerable.Range(1, rows).Select(i => $"P{i:0000};Produto {i}{nameSuffix};Ferramentas > Manuais;Tramontina;UN;CX=12\n"));

    [Fact]
    public async Task A_brazilian_catalog_in_windows_1252_imports_its_good_rows_and_reports_each_bad_one()
    {
        var given = await new Given().MarketplaceAsync();
        const string file = "Código;Descrição;Categoria;Marca;Unidade;Embalagens;EAN;attr.Voltagem\n" +
                            "AC-1;Açúcar Cristal 5kg;Alimentos > Açúcar;União;UN;\"FD=10|PAL=1.200\";7891000315507;\n" +
                            "FR-1;Furadeira;Ferramentas > Elétricas;Bosch;UN;CX=2,5;;220V\n" +
                            "BAD 1;Sem categoria;;X;UN;;;\n" +
                            "FR-2;Furadeira 2;Ferramentas;Bosch;UN;CX=doze;7891000315508;\n";

        var job = await given.ImportAsync("supplier", ImportKind.Catalog, "produtos.csv", Windows1252.GetBytes(file));

        Assert.Equal(ImportStatus.Completed, job.Status);
        Assert.Equal((4L, 2L, 2L), (job.RowsRead, job.Applied, job.Rejected));
        Assert.Contains(job.Errors, e => e is { Line: 4, Column: "Código" });
        Assert.Contains(job.Errors, e => e is { Line: 4, Column: "Categoria" });
        Assert.Contains(job.Errors, e => e is { Line: 5, Column: "Embalagens" });
        Assert.Contains(job.Errors, e => e is { Line: 5, Column: "EAN" });
        var sugar = given.Stores.Product("supplier", "AC-1")!.Value;
        Assert.Equal("Açúcar Cristal 5kg", sugar.Name);
        Assert.Equal(["Alimentos", "Açúcar"], sugar.Category);
        Assert.Equal(1200m, sugar.UnitOf("PAL")!.Factor);
        Assert.Equal(2.5m, given.Stores.Product("supplier", "FR-1")!.Value.UnitOf("CX")!.Factor);
        Assert.Equal("220V", given.Stores.Product("supplier", "FR-1")!.Value.Attributes["Voltagem"]);
    }

    [Fact]
    public async Task Dropping_the_same_catalog_again_writes_nothing_and_a_changed_one_writes_only_what_changed()
    {
        var given = await new Given().MarketplaceAsync();
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(250)));
        var afterFirst = given.Stores.ProductWrites;

        var same = await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(250)));
        var afterSame = given.Stores.ProductWrites;
        var changed = Catalog(250).Replace("P0007;Produto 7;", "P0007;Produto Sete;", StringComparison.Ordinal);
        var oneChange = await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(changed));

        Assert.Equal(250, afterFirst);
        Assert.Equal((250L, 0L), (same.Unchanged, same.Applied));
        Assert.Equal(afterFirst, afterSame);
        Assert.Equal(1, oneChange.Applied);
        Assert.Equal(afterFirst + 1, given.Stores.ProductWrites);
    }

    [Fact]
    public async Task A_run_that_crashes_mid_file_resumes_after_its_checkpoint_without_writing_twice()
    {
        var given = await new Given(new ImportOptions { BatchSize = 100 }).MarketplaceAsync();
        given.Imports.ProgressEveryRows = 100;
        var version = given.Stores.Drop("supplier", ImportKind.Catalog, "big.csv", Encoding.UTF8.GetBytes(Catalog(450)));
        given.Stores.CrashAfterProgressSaves = 2;

        await Assert.ThrowsAsync<IOException>(() => given.Imports.RunAsync("supplier", "catalog", "big.csv", version, given.Clock.GetUtcNow(), default));
        var writesBeforeResume = given.Stores.ProductWrites;
        var job = await given.Imports.RunAsync("supplier", "catalog", "big.csv", version, given.Clock.GetUtcNow(), default);

        Assert.Equal(ImportStatus.Completed, job.Status);
        Assert.Equal(450, job.RowsRead);
        Assert.Equal(450, job.Applied + job.Unchanged);
        Assert.Equal(450, given.Stores.ProductWrites);
        Assert.True(writesBeforeResume >= 200, $"{writesBeforeResume} writes before the crash");
    }

    [Fact]
    public async Task A_trigger_that_starts_while_the_upload_saves_its_job_runs_it_at_once()
    {
        var given = await new Given().MarketplaceAsync();
        var version = given.Stores.Drop("supplier", ImportKind.Catalog, "race.csv", Encoding.UTF8.GetBytes(Catalog(3)));
        var id = ImportJob.IdOf("supplier", ImportKind.Catalog, "race.csv", version);
        var now = given.Clock.GetUtcNow();
        given.Stores.BeforeNextJobCreate = () => given.Stores.SaveAsync(
            new ImportJob { Id = id, SupplierId = "supplier", Kind = ImportKind.Catalog, File = "race.csv", Version = version, Status = ImportStatus.Queued, StartedAt = now, UpdatedAt = now },
            null, default).GetAwaiter().GetResult();

        var job = await given.Imports.RunAsync("supplier", "catalog", "race.csv", version, now, default);

        Assert.Equal((ImportStatus.Completed, 3L, 1), (job.Status, job.Applied, job.Attempts));
    }

    [Fact]
    public async Task An_older_version_of_a_file_is_superseded_by_a_newer_one()
    {
        var given = await new Given().MarketplaceAsync();
        var old = given.Stores.Drop("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(3)));
        var oldTime = given.Clock.GetUtcNow();
        given.Clock.Advance(TimeSpan.FromMinutes(1));
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(3, " v2")));

        var late = await given.Imports.RunAsync("supplier", "catalog", "c.csv", old, oldTime, default);

        Assert.Equal(ImportStatus.Superseded, late.Status);
        Assert.Equal("Produto 1 v2", given.Stores.Product("supplier", "P0001")!.Value.Name);
    }

    [Fact]
    public async Task An_unknown_kind_or_an_unreadable_file_fails_with_its_reason()
    {
        var given = await new Given().MarketplaceAsync();
        var version = given.Stores.Drop("supplier", ImportKind.Catalog, "x.bin", [0x00, 0xFF, 0x10]);

        var unknownKind = await given.Imports.RunAsync("supplier", "spaceships", "x.csv", "v1", given.Clock.GetUtcNow(), default);
        var binary = await given.Imports.RunAsync("supplier", "catalog", "x.bin", version, given.Clock.GetUtcNow(), default);

        Assert.Equal(ImportStatus.Failed, unknownKind.Status);
        Assert.Contains("catalog, prices, stock, customers", unknownKind.Failure, StringComparison.Ordinal);
        Assert.Equal(ImportStatus.Failed, binary.Status);
        Assert.False(string.IsNullOrEmpty(binary.Failure));
    }

    [Fact]
    public async Task Prices_need_a_catalog_sku_and_one_of_its_units_and_an_identical_list_writes_nothing()
    {
        var given = await new Given().MarketplaceAsync();
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(2)));
        var prices = Windows1252.GetBytes("SKU;Unidade;Preço;Moeda;A partir de;Tabela\n" +
                                          "P0001;UN;12,50;BRL;;\n" +
                                          "P0001;CX;140,00;BRL;;\n" +
                                          "P0001;CX;130,00;BRL;10;atacado\n" +
                                          "P0001;PAL;1,00;BRL;;\n" +
                                          "P9999;UN;1,00;BRL;;\n" +
                                          "P0002;UN;1,001;BRL;;\n");

        var first = await given.ImportAsync("supplier", ImportKind.Prices, "precos.csv", prices);
        var writes = given.Stores.PriceWrites;
        var again = await given.ImportAsync("supplier", ImportKind.Prices, "precos.csv", prices);

        Assert.Equal((3L, 3L), (first.Applied, first.Rejected));
        Assert.Contains(first.Errors, e => e is { Line: 5, Column: "Unidade" });
        Assert.Contains(first.Errors, e => e is { Line: 6, Column: "SKU" });
        Assert.Contains(first.Errors, e => e is { Line: 7, Column: "Preço" });
        Assert.Contains(given.Stores.Prices, p => p is { PriceListId: "atacado", Unit: "CX", MinQuantity: 10, Price: 130.00m });
        Assert.Equal((0L, 3L), (again.Applied, again.Unchanged));
        Assert.Equal(writes, given.Stores.PriceWrites);
    }

    [Fact]
    public async Task A_price_list_in_xlsx_imports_like_its_csv_with_sheet_row_numbers_in_the_report()
    {
        var given = await new Given().MarketplaceAsync();
        await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(2)));
        var sheet = Xlsx.Create(
            (1, ["SKU", "Unidade", "Preço", "Moeda"]),
            (2, ["P0001", "UN", 12.5, "BRL"]),
            (3, ["P0002", "CX", 99.9, "BRL"]),
            (4, ["P0002", "UN", "caro", "BRL"]));

        var job = await given.ImportAsync("supplier", ImportKind.Prices, "precos.xlsx", sheet);

        Assert.Equal((ImportStatus.Completed, 2L, 1L), (job.Status, job.Applied, job.Rejected));
        Assert.Equal(new ImportRowError(4, "Preço", job.Errors[0].Reason), job.Errors[0]);
        Assert.Contains(given.Stores.Prices, p => p is { Sku: "P0001", Unit: "UN", Price: 12.5m });
    }

    [Fact]
    public async Task A_price_file_whose_shared_strings_inflate_to_300_MB_fails_its_import_with_the_limit_it_broke()
    {
        var given = await new Given().MarketplaceAsync();
        var bomb = XlsxBomb.SharedStrings(300L * 1024 * 1024);

        var job = await given.ImportAsync("supplier", ImportKind.Prices, "precos.xlsx", bomb);

        Assert.True(bomb.Length < 1024 * 1024, $"the bomb is {bomb.Length:N0} bytes");
        Assert.Equal(ImportStatus.Failed, job.Status);
        Assert.Contains("shared strings hold more than 32 Mi characters", job.Failure, StringComparison.Ordinal);
        Assert.Equal(0, job.RowsRead);
    }

    [Fact]
    public async Task A_dropped_blob_larger_than_the_upload_limit_fails_from_its_properties_without_being_read()
    {
        var given = await new Given().MarketplaceAsync();
        var version = given.Stores.Drop("supplier", ImportKind.Catalog, "enorme.csv", Encoding.UTF8.GetBytes("not read"));

        var job = await given.Imports.RunAsync("supplier", "catalog", "enorme.csv", new ImportFileVersion(version, given.Clock.GetUtcNow(), ImportService.MaxUploadBytes + 1), default);

        Assert.Equal(ImportStatus.Failed, job.Status);
        Assert.Contains("files up to 100 MB are imported", job.Failure, StringComparison.Ordinal);
        Assert.Null(job.Format); // never opened
    }

    [Fact]
    public async Task A_catalog_whose_header_names_an_attribute_twice_fails_on_its_first_attempt_saying_which_columns()
    {
        var given = await new Given().MarketplaceAsync();
        const string file = "sku;nome;categoria;unidade;attr.Cor;ATTR.Cor\nP1;Produto;Ferramentas;UN;azul;verde\n";

        var job = await given.ImportAsync("supplier", ImportKind.Catalog, "cores.csv", Encoding.UTF8.GetBytes(file));

        Assert.Equal(ImportStatus.Failed, job.Status);
        Assert.Equal(1, job.Attempts);
        Assert.Contains("'attr.Cor'", job.Failure, StringComparison.Ordinal);
        Assert.Contains("'ATTR.Cor'", job.Failure, StringComparison.Ordinal);
        Assert.Null(given.Stores.Product("supplier", "P1"));
        Assert.Contains(given.Stores.Reports, r => r.Id == job.Id && r.Status == ImportStatus.Failed);
    }

    [Fact]
    public async Task An_import_that_keeps_failing_on_our_side_fails_its_job_with_a_reason_on_its_last_attempt()
    {
        var given = await new Given().MarketplaceAsync();
        var version = given.Stores.Drop("supplier", ImportKind.Catalog, "c.csv", Encoding.UTF8.GetBytes(Catalog(3)));
        given.Stores.FailingSkus.Add("P0002");

        for (var attempt = 1; attempt < ImportService.MaxAttempts; attempt++)
        {
            // Thrown, so that the trigger runs it again.
            await Assert.ThrowsAsync<IOException>(() => given.Imports.RunAsync("supplier", "catalog", "c.csv", version, given.Clock.GetUtcNow(), default));
            Assert.Equal(ImportStatus.Running, (await given.Imports.GetAsync(Given.SupplierAdmin, "supplier", ImportJob.IdOf("supplier", ImportKind.Catalog, "c.csv", version), default)).Status);
        }

        var last = await given.Imports.RunAsync("supplier", "catalog", "c.csv", version, given.Clock.GetUtcNow(), default);
        var again = await given.Imports.RunAsync("supplier", "catalog", "c.csv", version, given.Clock.GetUtcNow(), default);

        Assert.Equal(ImportStatus.Failed, last.Status);
        Assert.Equal(ImportService.MaxAttempts, last.Attempts);
        Assert.Contains($"{ImportService.MaxAttempts} times", last.Failure, StringComparison.Ordinal);
        Assert.DoesNotContain("unreachable", last.Failure, StringComparison.Ordinal); // the internal error stays in the log
        Assert.NotNull(last.FinishedAt);
        Assert.Contains(given.Stores.Reports, r => r.Id == last.Id && r.Status == ImportStatus.Failed);
        Assert.Equal(ImportStatus.Failed, again.Status);
        Assert.Equal(ImportService.MaxAttempts, again.Attempts);
    }
}
