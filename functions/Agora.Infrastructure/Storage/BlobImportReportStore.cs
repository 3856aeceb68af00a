using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Imports;
using Azure.Storage.Blobs.Models;

namespace Agora.Infrastructure.Storage;

/// <summary>Each finished import as JSON next to its file: <c>imports-results/{supplierId}/{kind}/{file}.json</c>.</summary>
public sealed class BlobImportReportStore(StorageClients storage) : IImportReportStore
{
    public static string PathOf(string supplierId, ImportKind kind, string file) => $"{supplierId}/{ImportJob.FolderOf(kind)}/{file}.json";

    public async Task WriteAsync(ImportJob job, CancellationToken cancellationToken)
    {
        var blob = storage.Blobs.GetBlobContainerClient(StorageNames.ImportResultsContainer).GetBlobClient(PathOf(job.SupplierId, job.Kind, job.File));
        await blob.UploadAsync(
            BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(job, Json.Options)),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);
    }
}
