using System.Collections.Concurrent;

using Azure.Storage.Blobs;
using Azure.Storage.Queues;

using Microsoft.Extensions.Configuration;

namespace Agora.LocalHost.Runtime;

/// <summary>Storage clients for the connections named by bindings. A connection is an app setting holding a connection
/// string (Azurite locally), looked up as the host does: the name itself, then AzureWebJobs{name}.</summary>
internal sealed class StorageAccounts(IConfiguration configuration)
{
    public const string DefaultConnection = "AzureWebJobsStorage";

    /// <summary>Where the host keeps its own state: timer status and blob receipts.</summary>
    public const string HostsContainer = "azure-webjobs-hosts";

    private readonly ConcurrentDictionary<string, BlobServiceClient> _blobs = new();
    private readonly ConcurrentDictionary<string, QueueServiceClient> _rawQueues = new();

    /// <summary>The connection string for a binding's connection, or a start-up error naming the function and setting.</summary>
    public string ConnectionString(FunctionDescriptor function, string? connection)
    {
        var name = string.IsNullOrEmpty(connection) ? DefaultConnection : connection;
        return MetadataReader.GetSetting(configuration, name)
            ?? MetadataReader.GetSetting(configuration, $"AzureWebJobs{name}")
            ?? throw new FunctionIndexingException(function.Name,
                $"the storage connection setting '{name}' is not set (a connection string; locally Azurite's). " +
                "Every trigger other than httpTrigger needs storage.");
    }

    public BlobServiceClient Blobs(string connectionString) =>
        _blobs.GetOrAdd(connectionString, static c => new BlobServiceClient(c));

    /// <summary>A client that neither encodes nor decodes: the queue host decodes base64 itself, so that a message that
    /// is not base64 can be moved to the poison queue exactly as it arrived.</summary>
    public QueueServiceClient RawQueues(string connectionString) =>
        _rawQueues.GetOrAdd(connectionString, static c => new QueueServiceClient(c, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.None }));
}
