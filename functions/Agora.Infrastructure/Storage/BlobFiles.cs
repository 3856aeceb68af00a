using Agora.Core.Imports;
using Agora.Core.Inventory;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;

namespace Agora.Infrastructure.Storage;

/// <summary>Supplier files in <c>imports/{supplierId}/{kind}/{file}</c>, read at the exact version an import started with.</summary>
public sealed class BlobImportFiles(StorageClients storage) : IImportFiles
{
    public static string PathOf(string supplierId, ImportKind kind, string file) => $"{supplierId}/{ImportJob.FolderOf(kind)}/{file}";

    /// <summary>The blob metadata entry naming who uploaded a file over the API (absent on files dropped in storage).</summary>
    public const string UploadedByMetadata = "uploadedby";

    /// <summary>What the blob trigger hands the import: the blob's properties, read before any of its bytes.</summary>
    public static ImportFileVersion VersionOf(BlobProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return new ImportFileVersion(properties.ETag.ToString(), properties.LastModified, properties.ContentLength,
            properties.Metadata.TryGetValue(UploadedByMetadata, out var uploadedBy) && uploadedBy.Length > 0 ? uploadedBy : null);
    }

    public async Task<(string Version, DateTimeOffset LastModified)> SaveAsync(string supplierId, ImportKind kind, string file, Stream content, string uploadedBy, CancellationToken cancellationToken)
    {
        var blob = storage.Blobs.GetBlobContainerClient(StorageNames.ImportsContainer).GetBlobClient(PathOf(supplierId, kind, file));
        var uploaded = await blob.UploadAsync(content, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = file.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase) ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv" },
            Metadata = new Dictionary<string, string> { [UploadedByMetadata] = uploadedBy },
            TransferOptions = new Azure.Storage.StorageTransferOptions { MaximumConcurrency = 2 },
        }, cancellationToken).ConfigureAwait(false);
        return (uploaded.Value.ETag.ToString(), uploaded.Value.LastModified);
    }

    public async Task<Stream?> OpenAsync(string supplierId, ImportKind kind, string file, string version, CancellationToken cancellationToken)
    {
        var blob = storage.Blobs.GetBlobContainerClient(StorageNames.ImportsContainer).GetBlobClient(PathOf(supplierId, kind, file));
        try
        {
            var download = await blob.DownloadStreamingAsync(new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = new ETag(version) } }, cancellationToken).ConfigureAwait(false);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            return null;
        }
    }
}

/// <summary>Reports written as they are produced (block upload), so a large report needs no memory.</summary>
public sealed class BlobReportFiles(StorageClients storage) : IReportFiles
{
    public async Task<Stream> CreateAsync(string path, string contentType, CancellationToken cancellationToken) =>
        await storage.Blobs.GetBlobContainerClient(StorageNames.ReportsContainer).GetBlockBlobClient(path)
            .OpenWriteAsync(overwrite: true, new BlockBlobOpenWriteOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } }, cancellationToken).ConfigureAwait(false);
}
