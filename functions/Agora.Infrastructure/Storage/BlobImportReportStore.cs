using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Imports;
using Azure.Storage.Blobs.Models;

namespace Agora.Infrastructure.Storage;

public sealed class BlobImportReportStore(StorageClients storage) : IImportReportStore
{
    public static string PathOf(string supplierId, string kind, string file) => $"{supplierId}/{kind}/{file}.json";

    public async Task WriteAsync(ImportReport report, CancellationToken cancellationToken)
    {
        var blob = storage.Blobs.GetBlobContainerClient(StorageNames.ImportResultsContainer).GetBlobClient(PathOf(report.SupplierId, report.Kind, report.File));
        await blob.UploadAsync(
            BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(report, Json.Options)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);
    }
}
