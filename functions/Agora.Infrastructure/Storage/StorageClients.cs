using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Agora.Infrastructure.Storage;

/// <summary>Blob and queue clients for the storage account named by <c>AzureWebJobsStorage</c>, the setting the Functions
/// host itself uses: a connection string locally, or <c>AzureWebJobsStorage__blobServiceUri</c> and
/// <c>__queueServiceUri</c> with a managed identity in Azure.</summary>
public sealed class StorageClients
{
    public const string Setting = "AzureWebJobsStorage";

    public StorageClients(IConfiguration configuration, TokenCredential credential)
    {
        var connectionString = configuration[Setting];
        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            Blobs = new BlobServiceClient(connectionString);
            Queues = new QueueServiceClient(connectionString, queueOptions);
            RawQueues = new QueueServiceClient(connectionString);
            return;
        }

        var section = configuration.GetSection(Setting);
        var blobUri = section["blobServiceUri"] ?? (section["accountName"] is { } account ? $"https://{account}.blob.core.windows.net" : null);
        var queueUri = section["queueServiceUri"] ?? (section["accountName"] is { } name ? $"https://{name}.queue.core.windows.net" : null);
        if (blobUri is null || queueUri is null)
        {
            throw new InvalidOperationException($"Set '{Setting}' (a connection string) or '{Setting}__accountName' / '{Setting}__blobServiceUri' and '{Setting}__queueServiceUri'.");
        }

        Blobs = new BlobServiceClient(new Uri(blobUri), credential);
        Queues = new QueueServiceClient(new Uri(queueUri), credential, queueOptions);
        RawQueues = new QueueServiceClient(new Uri(queueUri), credential);
    }

    public BlobServiceClient Blobs { get; }

    /// <summary>Sends base64-encoded messages, the encoding queue triggers expect.</summary>
    public QueueServiceClient Queues { get; }

    /// <summary>Reads and sends message text as it is (no encoding): for moving messages between queues unchanged.</summary>
    public QueueServiceClient RawQueues { get; }
}
