using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Testing;
using Azure.Storage.Blobs;

namespace Agora.Functions.Tests;

/// <summary>Supplier files end to end: dropped in blob storage or uploaded, imported by the blob trigger, followed over HTTP.</summary>
[Collection(BackendCollection.Name)]
public sealed class ImportTests(BackendFixture backend)
{
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private BlobContainerClient Container(string name) => new BlobServiceClient(backend.Emulators.StorageConnectionString).GetBlobContainerClient(name);

    private async Task<(string Supplier, HttpClient Admin)> SupplierAsync()
    {
        var supplier = await backend.OrganizationAsync("imp-admin", ["supplier"], ("imp-wh", ["warehouse"]));
        var admin = backend.As("imp-admin", "imp-admin@test.example");
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/warehouses/sp", new { name = "São Paulo" }));
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/warehouses/rj", new { name = "Rio" }));
        return (supplier, admin);
    }

    [Fact]
    public async Task A_brazilian_windows_1252_catalog_dropped_in_storage_imports_its_good_rows_and_reports_the_bad_ones()
    {
        var (supplier, admin) = await SupplierAsync();
        var buyer = await backend.OrganizationAsync("imp-buyer", ["buyer"]);
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers", new { buyerId = buyer, category = "varejo", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 10 }));
        var csv = "Código;Descrição;Categoria;Marca;Unidade;Embalagens\n" +
                  "AC-1;Açúcar Cristal 5kg;Alimentos > Açúcar;União;UN;FD=10|PAL=1.200\n" +
                  "CF-1;Café Torrado 500g;Alimentos > Café;Pilão;UN;\"CX=20\"\n" +
                  "SEM SKU;Linha inválida;Alimentos;X;UN;\n" +
                  "FJ-1;Feijão;;Camil;UN;CX=dez\n";

        await Container("imports").GetBlobClient($"{supplier}/catalog/produtos-2026-11.csv").UploadAsync(new BinaryData(Windows1252.GetBytes(csv)), overwrite: true);
        JsonNode? job = null;
        await BackendFixture.EventuallyAsync(async () =>
        {
            var page = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{supplier}/imports"));
            job = page["items"]!.AsArray().FirstOrDefault(j => (string?)j!["status"] == "completed");
            return job is not null;
        }, "the catalog import to complete");
        var report = JsonNode.Parse((await Container("imports-results").GetBlobClient($"{supplier}/catalog/produtos-2026-11.csv.json").DownloadContentAsync()).Value.Content.ToString())!;
        using var buyerClient = backend.As("imp-buyer", "imp-buyer@test.example");
        var sugar = await BackendFixture.Json(await buyerClient.GetAsync($"/api/orgs/{buyer}/suppliers/{supplier}/products/AC-1"));

        Assert.Equal((4, 2, 2), ((int)job!["rowsRead"]!, (int)job["applied"]!, (int)job["rejected"]!));
        var errors = job["errors"]!.AsArray().Select(e => ((long)e!["line"]!, (string?)e["column"])).ToArray();
        Assert.Contains((4L, "Código"), errors);
        Assert.Contains((5L, "Categoria"), errors);
        Assert.Contains((5L, "Embalagens"), errors);
        Assert.Equal((string?)job["id"], (string?)report["id"]);
        Assert.Equal("Açúcar Cristal 5kg", (string?)sugar["name"]);
        Assert.Equal(1200m, (decimal)sugar["saleUnits"]!.AsArray().Single(u => (string?)u!["code"] == "PAL")!["factor"]!);
    }

    [Fact]
    public async Task A_catalog_naming_a_column_twice_fails_at_once_with_the_two_columns_instead_of_running_forever()
    {
        var (supplier, admin) = await SupplierAsync();

        var job = await BackendFixture.ImportAsync(admin, supplier, "catalog", "cores.csv", "sku;nome;categoria;unidade;attr.Cor;ATTR.Cor\nP1;Produto;Ferramentas;UN;azul;verde\n");

        Assert.Equal("failed", (string?)job["status"]);
        Assert.Equal(1, (int?)job["attempts"]);
        Assert.Equal(0, (int?)job["applied"] ?? 0);
        Assert.Contains("'attr.Cor'", (string?)job["failure"], StringComparison.Ordinal);
        Assert.Contains("'ATTR.Cor'", (string?)job["failure"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/orgs/{supplier}/products/P1")).StatusCode);
    }

    [Fact]
    public async Task An_uploaded_price_list_is_followed_to_completion_and_uploading_it_again_writes_nothing()
    {
        var (supplier, admin) = await SupplierAsync();
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/products/P1", new { name = "Parafuso", category = "Fixação", baseUnit = "UN", saleUnits = new[] { new { code = "CX", factor = 100 } } }));
        var prices = "sku,unit,price,currency,minQuantity,priceList\nP1,UN,0.35,BRL,,\nP1,CX,30.00,BRL,10,atacado\nP1,KG,1,BRL,,\n";

        async Task<JsonNode> UploadAsync()
        {
            using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(prices));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            var response = await admin.PostAsync($"/api/orgs/{supplier}/imports?kind=prices&file=tabela.csv", content);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var queued = await BackendFixture.Json(response);
            Assert.Equal($"/api/orgs/{supplier}/imports/{(string?)queued["id"]}", response.Headers.Location?.ToString());
            return await BackendFixture.ImportFinishedAsync(admin, supplier, (string)queued["id"]!);
        }

        var first = await UploadAsync();
        var second = await UploadAsync();

        Assert.Equal(("completed", 2, 1), ((string?)first["status"], (int)first["applied"]!, (int)first["rejected"]!));
        Assert.Equal("unit", (string?)first["errors"]![0]!["column"]);
        Assert.Equal(("completed", 0, 2), ((string?)second["status"], (int)second["applied"]!, (int)second["unchanged"]!));
    }

    [Fact]
    public async Task Uploads_of_an_unknown_kind_without_a_file_name_or_by_the_wrong_role_are_refused()
    {
        var (supplier, admin) = await SupplierAsync();
        using var warehouse = backend.As("imp-wh", "imp-wh@test.example");
        using var body = new StringContent("sku\n");

        var unknown = await admin.PostAsync($"/api/orgs/{supplier}/imports?kind=spaceships&file=x.csv", body);
        var noName = await admin.PostAsync($"/api/orgs/{supplier}/imports?kind=prices", body);
        var wrongRole = await warehouse.PostAsync($"/api/orgs/{supplier}/imports?kind=prices&file=x.csv", body);

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.True((await BackendFixture.Json(unknown))["errors"]!.AsObject().ContainsKey("kind"));
        Assert.Equal(HttpStatusCode.BadRequest, noName.StatusCode);
        Assert.True((await BackendFixture.Json(noName))["errors"]!.AsObject().ContainsKey("file"));
        Assert.Equal(HttpStatusCode.Forbidden, wrongRole.StatusCode);
    }

    [Fact]
    public async Task The_nightly_reconciliation_corrects_drift_keeps_reservations_emails_the_warehouse_and_changes_nothing_when_run_again()
    {
        var (supplier, admin) = await SupplierAsync();
        foreach (var sku in new[] { "A", "B" })
        {
            await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/products/{sku}", new { name = sku, category = "X", baseUnit = "UN" }));
        }

        var before = DateTimeOffset.UtcNow.AddHours(-2); // before the snapshot file is written (blob times are wall-clock)
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/stock", new
        {
            items = new object[] { new { sku = "A", warehouseId = "sp", onHand = 100, asOf = before }, new { sku = "B", warehouseId = "sp", onHand = 5, asOf = before } },
        }));
        using var erp = backend.As("imp-wh", "imp-wh@test.example");
        using var snapshot = new StringContent("sku;deposito;saldo\nA;sp;90\nB;sp;5\nB;rj;12\n", Encoding.UTF8, "text/csv");
        var queued = await BackendFixture.Json(await erp.PostAsync($"/api/orgs/{supplier}/imports?kind=stock&file=estoque-{DateTimeOffset.UtcNow:yyyy-MM-dd'T'HHmmss}Z.csv", snapshot));
        Assert.Equal("completed", (string?)(await BackendFixture.ImportFinishedAsync(erp, supplier, (string)queued["id"]!))["status"]);

        await backend.RunFunctionAsync("ReconcileStock");
        await BackendFixture.EventuallyAsync(async () =>
            (decimal?)(await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{supplier}/products/A")))["stock"]!["sp"]!["onHand"] == 90, "A corrected to 90");
        var mail = await backend.MailToAsync("imp-wh@test.example");
        var b = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{supplier}/products/B"));
        var etagA = (await admin.GetAsync($"/api/orgs/{supplier}/products/A")).Headers.ETag;
        await backend.RunFunctionAsync("ReconcileStock"); // awaited: a second run that changed anything would show below
        var etagAfterSecondRun = (await admin.GetAsync($"/api/orgs/{supplier}/products/A")).Headers.ETag;
        var reports = new List<string>();
        await foreach (var blob in Container("reports").GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{supplier}/stock-reconciliation/", default))
        {
            reports.Add((await Container("reports").GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString());
        }

        Assert.Equal(12m, (decimal)b["stock"]!["rj"]!["onHand"]!);
        Assert.Contains("2 stock discrepancies", (string?)mail["subject"], StringComparison.Ordinal);
        Assert.Equal(etagA, etagAfterSecondRun);
        var report = Assert.Single(reports);
        Assert.Contains("A;sp;90;100;-10;0", report, StringComparison.Ordinal);
        Assert.Contains("B;rj;12;0;12;0", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_windows_1252_catalog_with_one_row_per_unit_makes_one_product_with_both_units_and_a_price_in_the_base_unit_is_accepted()
    {
        var (supplier, admin) = await SupplierAsync();
        var csv = "Código;Descrição;Categoria;Unidade;Fator;EAN\n" +
                  "PNE-1;Pneu Aro 13 Radial;Pneus > Passeio;UN;1;7891000315507\n" +
                  "PNE-1;Pneu Aro 13 Radial caixa;Pneus > Passeio;CX;4;\n";

        var catalog = await UploadAsync(admin, supplier, "catalog", "produtos-erp.csv", Windows1252.GetBytes(csv));
        var prices = await UploadAsync(admin, supplier, "prices", "precos.csv", Windows1252.GetBytes("Código;Unidade;Preço\nPNE-1;UN;399,90\nPNE-1;CX;1.499,00\n"));
        var tyre = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{supplier}/products/PNE-1"));

        Assert.Equal(("completed", 2, 0), ((string?)catalog["status"], (int)catalog["applied"]!, (int)catalog["rejected"]!));
        Assert.Equal(("Pneu Aro 13 Radial", "7891000315507", "UN"), ((string?)tyre["name"], (string?)tyre["gtin"], (string?)tyre["baseUnit"]));
        Assert.Equal(["UN=1", "CX=4"], tyre["saleUnits"]!.AsArray().Select(u => $"{(string?)u!["code"]}={(decimal)u["factor"]!}"));
        Assert.Equal(("completed", 2, 0), ((string?)prices["status"], (int)prices["applied"]!, (int)prices["rejected"]!));
    }

    [Fact]
    public async Task A_sales_managers_customer_file_changes_only_their_portfolio_and_reports_the_other_rows()
    {
        var supplier = await backend.OrganizationAsync("imp-admin", ["supplier"], ("imp-sm", ["salesManager"]), ("imp-sm2", ["salesManager"]));
        var mine = await backend.OrganizationAsync("imp-buyer", ["buyer"]);
        var theirs = await backend.OrganizationAsync("imp-buyer", ["buyer"]);
        using var admin = backend.As("imp-admin", "imp-admin@test.example");
        foreach (var (buyer, manager) in new[] { (mine, "imp-sm"), (theirs, "imp-sm2") })
        {
            await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers",
                new { buyerId = buyer, category = "varejo", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 10, salesManagerId = manager }));
        }

        using var sales = backend.As("imp-sm", "imp-sm@test.example");
        var job = await UploadAsync(sales, supplier, "customers", "carteira.csv",
            Encoding.UTF8.GetBytes($"comprador;categoria;prazo;frete;limite\n{mine};varejo;30;FOB;500\n{theirs};varejo;30;FOB;99999\n"));
        var other = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{supplier}/customers/{theirs}"));
        var own = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{supplier}/customers/{mine}"));

        Assert.Equal(("completed", 1, 1), ((string?)job["status"], (int)job["applied"]!, (int)job["rejected"]!));
        Assert.Equal("imp-sm", (string?)job["uploadedBy"]);
        Assert.Equal(3L, (long)job["errors"]![0]!["line"]!);
        Assert.Contains("assigned to 'imp-sm2'", (string?)job["errors"]![0]!["reason"], StringComparison.Ordinal);
        Assert.Equal((500m, 10m), ((decimal)own["creditLimit"]!, (decimal)other["creditLimit"]!));
    }

    [Fact]
    public async Task A_stock_push_without_asOf_is_a_400_naming_the_item_and_an_undated_or_old_snapshot_file_fails_with_its_reason()
    {
        var (supplier, admin) = await SupplierAsync();
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/products/A", new { name = "A", category = "X", baseUnit = "UN" }));
        using var erp = backend.As("imp-wh", "imp-wh@test.example");

        var push = await erp.PostAsJsonAsync($"/api/orgs/{supplier}/stock", new { items = new object[] { new { sku = "A", warehouseId = "sp", onHand = 1, asOf = DateTimeOffset.UtcNow }, new { sku = "A", warehouseId = "rj", onHand = 2 } } });
        var problem = await BackendFixture.Json(push);
        var rows = Encoding.UTF8.GetBytes("sku;deposito;saldo\nA;sp;5\n");
        var undated = await UploadAsync(erp, supplier, "stock", "estoque.csv", rows);
        var today = await UploadAsync(erp, supplier, "stock", $"estoque-{DateTimeOffset.UtcNow.AddMinutes(-1):yyyy-MM-dd'T'HHmm}.csv", rows);
        var yesterday = await UploadAsync(erp, supplier, "stock", $"estoque-{DateTimeOffset.UtcNow.AddDays(-1):yyyy-MM-dd'T'HHmm}.csv", rows);

        Assert.Equal(HttpStatusCode.BadRequest, push.StatusCode);
        Assert.Equal(["items[1].asOf"], problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Equal("failed", (string?)undated["status"]);
        Assert.Contains("does not say when the stock was counted", (string?)undated["failure"], StringComparison.Ordinal);
        Assert.Equal("completed", (string?)today["status"]);
        Assert.Equal("failed", (string?)yesterday["status"]);
        Assert.Contains("older than the one already applied", (string?)yesterday["failure"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_uploaded_xlsx_whose_shared_strings_inflate_to_300_MB_fails_with_the_limit_it_broke()
    {
        var (supplier, admin) = await SupplierAsync();

        var job = await UploadAsync(admin, supplier, "prices", "precos.xlsx", Agora.Core.Tests.Files.XlsxBomb.SharedStrings(300L * 1024 * 1024));

        Assert.Equal("failed", (string?)job["status"]);
        Assert.Contains("shared strings hold more than 32 Mi characters", (string?)job["failure"], StringComparison.Ordinal);
    }

    /// <summary>Uploads a file over the API and waits for its import to end.</summary>
    private static async Task<JsonNode> UploadAsync(HttpClient client, string supplier, string kind, string file, byte[] bytes)
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(file.EndsWith(".xlsx", StringComparison.Ordinal) ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv");
        var response = await client.PostAsync($"/api/orgs/{supplier}/imports?kind={kind}&file={Uri.EscapeDataString(file)}", content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return await BackendFixture.ImportFinishedAsync(client, supplier, (string)(await BackendFixture.Json(response))["id"]!);
    }
}
