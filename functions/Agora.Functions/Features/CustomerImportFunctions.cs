using Agora.Core.Accounts;
using Agora.Infrastructure.Storage;
using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Applies customer-account files dropped at imports/{supplierId}/customers/{file} and writes a report to
/// imports-results/{supplierId}/customers/{file}.json.</summary>
public sealed class CustomerImportFunctions(CustomerAccountImport import)
{
    [Function(nameof(ImportCustomerAccounts))]
    public async Task ImportCustomerAccounts(
        [BlobTrigger(StorageNames.CustomerImportPath, Source = BlobTriggerSource.EventGrid)] BlobClient blob, string supplierId, string file, CancellationToken cancellationToken)
    {
        var download = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var content = download.Value.Content;
        await import.RunAsync(supplierId, file, download.Value.Details.ETag.ToString(), content, cancellationToken).ConfigureAwait(false);
    }
}
