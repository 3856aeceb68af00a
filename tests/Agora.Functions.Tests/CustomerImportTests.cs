using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Testing;
using Azure.Storage.Blobs;

namespace Agora.Functions.Tests;

/// <summary>A supplier drops a customer-account file into imports/{supplierId}/customers/: the blob trigger applies the good
/// rows, reports the bad ones next to the file, and a second drop of the same content changes nothing.</summary>
[Collection(BackendCollection.Name)]
public sealed class CustomerImportTests(BackendFixture backend)
{
    [Fact]
    public async Task A_dropped_file_applies_good_rows_and_reports_bad_ones_and_a_redrop_changes_nothing()
    {
        var supplier = await backend.OrganizationAsync("imp-admin", ["supplier"]);
        var buyer = await backend.OrganizationAsync("imp-buyer", ["buyer"]);
        var blobs = new BlobServiceClient(backend.Emulators.StorageConnectionString);
        var file = blobs.GetBlobContainerClient("imports").GetBlobClient($"{supplier}/customers/clientes.csv");
        var report = blobs.GetBlobContainerClient("imports-results").GetBlobClient($"{supplier}/customers/clientes.csv.json");
        var csv = $"comprador;categoria;prazo;frete;limiteCredito\n{buyer};atacado;30/60;CIF;\"1.500,75\"\nghost-buyer;atacado;30;FOB;10\n";

        await file.UploadAsync(BinaryData.FromString(csv), overwrite: true);
        var first = await ReportAsync(report, etag: null);
        using var admin = backend.As("imp-admin", "imp-admin@test.example");
        var account = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{supplier}/customers/{buyer}"));
        await file.UploadAsync(BinaryData.FromString(csv), overwrite: true);
        var second = await ReportAsync(report, etag: (string?)first["version"]);

        Assert.Equal("completed", (string?)first["status"]);
        Assert.Equal(1, (int)first["applied"]!);
        Assert.Equal(1, (int)first["rejected"]!);
        Assert.Equal(3, (int)first["errors"]![0]!["line"]!);
        Assert.Equal("comprador", (string?)first["errors"]![0]!["column"]);
        Assert.Equal(1500.75m, (decimal)account["creditLimit"]!);
        Assert.Equal("30/60", string.Join('/', account["paymentTerms"]!["installmentDays"]!.AsArray().Select(d => (int)d!)));
        Assert.Equal(0, (int)second["applied"]!);
        Assert.Equal(1, (int)second["unchanged"]!);
    }

    /// <summary>The report for the blob version other than <paramref name="etag"/>.</summary>
    private static async Task<JsonNode> ReportAsync(BlobClient report, string? etag)
    {
        JsonNode? found = null;
        await BackendFixture.EventuallyAsync(async () =>
        {
            if (!(await report.ExistsAsync()).Value)
            {
                return false;
            }

            found = JsonNode.Parse((await report.DownloadContentAsync()).Value.Content.ToString());
            return (string?)found!["version"] != etag;
        }, $"a report at {report.Name}");
        return found!;
    }
}
