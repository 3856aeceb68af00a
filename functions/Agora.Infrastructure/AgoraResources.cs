using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace Agora.Infrastructure;

/// <summary>Creates the database, containers, queues and blob containers the application uses when they are missing. The
/// local runtime and test fixtures call it at start-up; in Azure, Bicep creates them and the app's identity has no right to.</summary>
public sealed class AgoraResources(CosmosClient cosmos, IOptions<CosmosOptions> cosmosOptions, StorageClients storage)
{
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default)
    {
        var database = (await cosmos.CreateDatabaseIfNotExistsAsync(cosmosOptions.Value.Database, cancellationToken: cancellationToken).ConfigureAwait(false)).Database;
        foreach (var name in Containers.All)
        {
            await database.CreateContainerIfNotExistsAsync(new ContainerProperties(name, Containers.PartitionKeyPath) { DefaultTimeToLive = -1 }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var queue in StorageNames.Queues.Concat(StorageNames.LocalQueues))
        {
            await storage.Queues.GetQueueClient(queue).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        foreach (var container in StorageNames.BlobContainers)
        {
            await storage.Blobs.GetBlobContainerClient(container).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
