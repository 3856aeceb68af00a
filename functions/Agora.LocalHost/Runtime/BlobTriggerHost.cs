using System.Collections.Concurrent;
using System.Text.Json;

using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;

using Microsoft.Extensions.Logging;

namespace Agora.LocalHost.Runtime;

/// <summary>An Event Grid-sourced blob trigger. In Azure, Event Grid posts BlobCreated to the host's webhook; Azurite
/// sends no events, so locally the container is also polled. Either way each blob version (ETag) runs once, remembered
/// in receipts that survive restarts. A version that fails maxDequeueCount times is reported on
/// webjobs-blobtrigger-poison with the host's message and not tried again.</summary>
internal sealed partial class BlobTriggerHost : ITriggerListener
{
    public const string PoisonQueueName = "webjobs-blobtrigger-poison";

    private readonly FunctionRegistration _registration;
    private readonly FunctionExecutor _executor;
    private readonly QueueOptions _options;
    private readonly TimeSpan _pollingInterval;
    private readonly ILogger _logger;
    private readonly BlobPathPattern _path;
    private readonly BlobContainerClient _container;
    private readonly BlobReceipts _receipts;
    private readonly QueueClient _poisonQueue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, byte> _done = new();
    private readonly ConcurrentDictionary<string, Task> _active = new();
    private Task _loop = Task.CompletedTask;

    public BlobTriggerHost(FunctionDescriptor function, FunctionExecutor executor, StorageAccounts storage, QueueOptions options,
        string hostId, TimeSpan pollingInterval, ILogger logger)
    {
        _executor = executor;
        _options = options;
        _pollingInterval = pollingInterval;
        _logger = logger;
        _path = BlobPathPattern.Parse(function, function.Trigger["path"]);
        _container = storage.Blobs(storage.ConnectionString(function, function.Trigger["connection"])).GetBlobContainerClient(_path.Container);

        // Receipts and poison messages live in the host's own storage, like the host's.
        var hostStorage = storage.ConnectionString(function, StorageAccounts.DefaultConnection);
        _receipts = new BlobReceipts(storage.Blobs(hostStorage).GetBlobContainerClient(StorageAccounts.HostsContainer), hostId, function.FullName);
        _poisonQueue = new QueueClient(hostStorage, PoisonQueueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        _registration = new FunctionRegistration(function, ParameterBinder.Bind(function, new TriggerParameterRules
        {
            BindTrigger = BindBlob,
            BindingDataNames = [.. _path.Parameters, "blobTrigger", "uri"],
            Supported = "Stream, string, byte[], BinaryData, ReadOnlyMemory<byte>, BlobClient, BlockBlobClient, BlobBaseClient",
        }));
    }

    public FunctionDescriptor Function => _registration.Descriptor;

    public string ContainerName => _path.Container;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => PollAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(_active.Values).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _stopping.Dispose();

    /// <summary>An Event Grid BlobCreated for this function: process the blob's current version if it matches the path.</summary>
    public async Task NotifyAsync(string containerName, string blobName)
    {
        var cancellationToken = _stopping.Token;
        if (!string.Equals(containerName, _path.Container, StringComparison.Ordinal) || _path.Match(blobName) is null)
        {
            Log.NotMatching(_logger, Function.Name, $"{containerName}/{blobName}");
            return;
        }

        try
        {
            var properties = await _container.GetBlobClient(blobName).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await ProcessVersionAsync(blobName, QuotedETag(properties.Value.ETag), properties.Value.BlobType, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Deleted since the event was sent: nothing to trigger on, as the host does.
        }
    }

    /// <summary>The admin API's input is "container/blob path"; the function runs once on it, without receipts.</summary>
    public async Task InvokeFromAdminAsync(string? input, CancellationToken cancellationToken)
    {
        var slash = input?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (slash <= 0 || !string.Equals(input![..slash], _path.Container, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The input must be a blob path in the container '{_path.Container}', as in '{_path.Container}/<blob name>'.", nameof(input));
        }

        var blobName = input[(slash + 1)..];
        var blob = _container.GetBlobClient(blobName);
        await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await _executor.ExecuteAsync(_registration, Input(blob, _path.Match(blobName) ?? [], _stopping.Token),
            "This function was programmatically called via the host APIs.").ConfigureAwait(false);
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var pending = new List<Task>();
                await foreach (var item in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, _path.Prefix.Length > 0 ? _path.Prefix : null, cancellationToken).ConfigureAwait(false))
                {
                    var etag = QuotedETag(item.Properties.ETag);
                    if (_path.Match(item.Name) is not null && !_done.ContainsKey(Key(item.Name, etag)))
                    {
                        pending.Add(ProcessVersionAsync(item.Name, etag, item.Properties.BlobType ?? BlobType.Block, cancellationToken));
                    }
                }

                // A scan ends when its blobs are settled, so one scan never races the next over the same version.
                await Task.WhenAll(pending).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException e)
            {
                Log.ScanFailed(_logger, Function.Name, _path.Container, e);
            }

            try
            {
                await Task.Delay(_pollingInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs a blob version at most once per process at a time; a second caller (poll and webhook together) waits
    /// for the first.</summary>
    private Task ProcessVersionAsync(string blobName, string etag, BlobType blobType, CancellationToken cancellationToken)
    {
        var key = Key(blobName, etag);
        if (_done.ContainsKey(key))
        {
            return Task.CompletedTask;
        }

        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var active = _active.GetOrAdd(key, created.Task);
        if (!ReferenceEquals(active, created.Task))
        {
            return active;
        }

        _ = RunAsync();
        return created.Task;

        async Task RunAsync()
        {
            try
            {
                await ProcessOnceAsync(blobName, etag, blobType, cancellationToken).ConfigureAwait(false);
                _done.TryAdd(key, 0);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Shutdown: the receipt stays incomplete and the next start processes the version again.
            }
            catch (Exception e)
            {
                // Storage trouble: the receipt stays incomplete and a later scan (or restart) tries again.
                Log.ProcessingFailed(_logger, Function.Name, blobName, e);
            }
            finally
            {
                _active.TryRemove(key, out _);
                created.TrySetResult();
            }
        }
    }

    private async Task ProcessOnceAsync(string blobName, string etag, BlobType blobType, CancellationToken cancellationToken)
    {
        var containerName = _path.Container;
        if (await _receipts.ReadAsync(containerName, blobName, etag, cancellationToken).ConfigureAwait(false) == BlobReceipts.State.Complete)
        {
            return;
        }

        await _receipts.ClaimAsync(containerName, blobName, etag, cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(blobName);
        var input = Input(blob, _path.Match(blobName)!, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _executor.ExecuteAsync(_registration, input, $"New blob detected({blobType}Blob): {containerName}/{blobName}").ConfigureAwait(false);
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Logged by the executor. Retried like the host's blob trigger queue message: maxDequeueCount attempts.
                if (attempt >= _options.MaxDequeueCount)
                {
                    Log.Poisoned(_logger, Function.Name, blobName, attempt, PoisonQueueName);
                    await SendPoisonMessageAsync(blobName, etag, blobType).ConfigureAwait(false);
                    break;
                }

                await Task.Delay(_options.RetryDelay(attempt), cancellationToken).ConfigureAwait(false);
            }
        }

        await _receipts.CompleteAsync(containerName, blobName, etag, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The host's BlobTriggerMessage, so tools that read the host's poison queue read this one.</summary>
    private async Task SendPoisonMessageAsync(string blobName, string etag, BlobType blobType)
    {
        var message = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["Type"] = "BlobTrigger",
            ["FunctionId"] = Function.FullName,
            ["BlobType"] = $"{blobType}Blob",
            ["ContainerName"] = _path.Container,
            ["BlobName"] = blobName,
            ["ETag"] = etag,
        });
        await _poisonQueue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        await _poisonQueue.SendMessageAsync(message, CancellationToken.None).ConfigureAwait(false);
    }

    private InvocationInput Input(BlobClient blob, Dictionary<string, object?> pathParameters, CancellationToken cancellationToken)
    {
        var bindingData = new Dictionary<string, object?>(pathParameters, StringComparer.OrdinalIgnoreCase)
        {
            ["blobTrigger"] = $"{_path.Container}/{blob.Name}",
            ["uri"] = blob.Uri,
        };
        return new InvocationInput { TriggerValue = blob, BindingData = bindingData, CancellationToken = cancellationToken };
    }

    private static string Key(string blobName, string etag) => $"{etag}/{blobName}";

    /// <summary>ETags as the blob's properties (an HTTP header) give them, quotes included, which is how the host names
    /// receipts. Listings return the same ETag without quotes.</summary>
    private static string QuotedETag(ETag? etag) => $"\"{etag?.ToString().Trim('"')}\"";

    private static ArgumentSource? BindBlob(Type type)
    {
        if (type == typeof(BlobClient) || type == typeof(BlobBaseClient))
        {
            return static input => ValueTask.FromResult<object?>(input.TriggerValue);
        }

        if (type == typeof(BlockBlobClient))
        {
            return static input =>
            {
                var blob = (BlobClient)input.TriggerValue;
                return ValueTask.FromResult<object?>(blob.GetParentBlobContainerClient().GetBlockBlobClient(blob.Name));
            };
        }

        if (type == typeof(Stream))
        {
            return static async input => await ((BlobClient)input.TriggerValue).OpenReadAsync(cancellationToken: input.CancellationToken).ConfigureAwait(false);
        }

        Func<BinaryData, object?>? convert =
            type == typeof(string) ? static content => content.ToString()
            : type == typeof(byte[]) ? static content => content.ToArray()
            : type == typeof(BinaryData) ? static content => content
            : type == typeof(ReadOnlyMemory<byte>) ? static content => content.ToMemory()
            : null;
        if (convert is null)
        {
            return null;
        }

        return async input =>
        {
            var content = await ((BlobClient)input.TriggerValue).DownloadContentAsync(input.CancellationToken).ConfigureAwait(false);
            return convert(content.Value.Content);
        };
    }

    private static partial class Log
    {
        [LoggerMessage(30, LogLevel.Debug, "Function '{FunctionName}': blob '{Blob}' does not match its path; ignored.")]
        public static partial void NotMatching(ILogger logger, string functionName, string blob);

        [LoggerMessage(31, LogLevel.Warning, "Function '{FunctionName}': listing container '{Container}' failed.")]
        public static partial void ScanFailed(ILogger logger, string functionName, string container, Exception exception);

        [LoggerMessage(32, LogLevel.Warning, "Function '{FunctionName}': blob '{Blob}' could not be processed; a later scan retries it.")]
        public static partial void ProcessingFailed(ILogger logger, string functionName, string blob, Exception exception);

        [LoggerMessage(33, LogLevel.Error, "Function '{FunctionName}': blob '{Blob}' failed {Attempts} times; a message was put on '{PoisonQueue}'.")]
        public static partial void Poisoned(ILogger logger, string functionName, string blob, int attempts, string poisonQueue);
    }
}
