using System.Text.Json;

using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

using Microsoft.Extensions.Logging;

namespace Agora.LocalHost.Runtime;

/// <summary>A storage queue trigger with the host's QueueListener semantics (host.json extensions.queues): messages are
/// base64 by default; success deletes; failure makes the message visible again after visibilityTimeout, doubled at each
/// failure (<see cref="QueueOptions.RetryDelay"/>; the host waits the same visibilityTimeout each time); a message that
/// failed maxDequeueCount times, or cannot be decoded, is copied as-is to &lt;queue&gt;-poison and deleted. Polling backs off
/// exponentially while the queue is empty and returns to fast polling after a hit.</summary>
internal sealed partial class QueueTriggerHost : ITriggerListener
{
    /// <summary>How long a received message stays invisible while its function runs (the host uses 10 minutes too).</summary>
    private static readonly TimeSpan ProcessingVisibility = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MinimumPollingInterval = TimeSpan.FromMilliseconds(100);
    private static readonly JsonSerializerOptions PocoJson = new() { PropertyNameCaseInsensitive = true };

    private readonly FunctionRegistration _registration;
    private readonly FunctionExecutor _executor;
    private readonly QueueOptions _options;
    private readonly ILogger _logger;
    private readonly QueueClient _queue;
    private readonly QueueClient _poisonQueue;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _inFlight = [];
    private readonly SemaphoreSlim _slotFreed = new(0);
    private Task _loop = Task.CompletedTask;

    public QueueTriggerHost(FunctionDescriptor function, FunctionExecutor executor, StorageAccounts storage, QueueOptions options, ILogger logger)
    {
        _executor = executor;
        _options = options;
        _logger = logger;
        var queueName = function.Trigger["queueName"] is { Length: > 0 } name
            ? name.ToLowerInvariant()
            : throw new FunctionIndexingException(function.Name, "the queue trigger has no queueName.");
        var queues = storage.RawQueues(storage.ConnectionString(function, function.Trigger["connection"]));
        _queue = queues.GetQueueClient(queueName);
        _poisonQueue = queues.GetQueueClient($"{queueName}-poison");
        _registration = new FunctionRegistration(function, ParameterBinder.Bind(function, new TriggerParameterRules
        {
            BindTrigger = BindMessage,
            BindingDataNames = ["queueTrigger", "id", "dequeueCount", "insertionTime", "expirationTime", "nextVisibleTime", "popReceipt"],
            Supported = "string, byte[], BinaryData, ReadOnlyMemory<byte>, QueueMessage or a JSON-deserializable class",
        }));
    }

    public FunctionDescriptor Function => _registration.Descriptor;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(() => PollAsync(_stopping.Token), CancellationToken.None);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task[] inFlight;
        lock (_inFlight)
        {
            inFlight = [.. _inFlight];
        }

        await Task.WhenAll(inFlight).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _slotFreed.Dispose();
    }

    /// <summary>The host's direct invocation: a message made from the input (no id, dequeue count 0), outside the queue.</summary>
    public Task InvokeFromAdminAsync(string? input, CancellationToken cancellationToken)
    {
        var message = QueuesModelFactory.QueueMessage(null, null, BinaryData.FromString(input ?? string.Empty), 0);
        return _executor.ExecuteAsync(_registration, Input(message, _stopping.Token), "This function was programmatically called via the host APIs.");
    }

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        var delay = MinimumPollingInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Refill only once in-flight work dropped to newBatchThreshold, and never beyond batchSize in flight.
                var free = await WaitForFreeSlotsAsync(cancellationToken).ConfigureAwait(false);
                var messages = (await _queue.ReceiveMessagesAsync(free, ProcessingVisibility, cancellationToken).ConfigureAwait(false)).Value;
                foreach (var message in messages)
                {
                    Track(ProcessAsync(message, cancellationToken));
                }

                if (messages.Length > 0)
                {
                    delay = MinimumPollingInterval;
                    continue;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RequestFailedException e)
            {
                Log.PollFailed(_logger, Function.Name, _queue.Name, e);
            }

            try
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Randomized exponential back-off while the queue stays empty, as the host's polling strategy.
            var next = delay.TotalMilliseconds * 2 * (0.8 + (Random.Shared.NextDouble() * 0.4));
            delay = TimeSpan.FromMilliseconds(Math.Min(next, Math.Max(_options.MaxPollingInterval.TotalMilliseconds, MinimumPollingInterval.TotalMilliseconds)));
        }
    }

    private async Task<int> WaitForFreeSlotsAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            int count;
            lock (_inFlight)
            {
                _inFlight.RemoveAll(t => t.IsCompleted);
                count = _inFlight.Count;
            }

            if (count < _options.BatchSize && count <= _options.NewBatchThreshold)
            {
                return Math.Min(_options.BatchSize - count, 32);
            }

            await _slotFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Track(Task processing)
    {
        lock (_inFlight)
        {
            _inFlight.Add(processing);
        }

        _ = processing.ContinueWith(_ => SignalSlotFreed(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void SignalSlotFreed()
    {
        try
        {
            _slotFreed.Release();
        }
        catch (ObjectDisposedException)
        {
            // A stop that gave up waiting disposed the listener before this invocation ended: nobody is polling any more.
        }
    }

    private async Task ProcessAsync(QueueMessage raw, CancellationToken cancellationToken)
    {
        try
        {
            if (!TryDecode(raw, out var message))
            {
                Log.UndecodableMessage(_logger, Function.Name, raw.MessageId, _poisonQueue.Name);
                await MoveToPoisonAsync(raw).ConfigureAwait(false);
                return;
            }

            if (raw.DequeueCount > _options.MaxDequeueCount)
            {
                await MoveToPoisonAsync(raw).ConfigureAwait(false);
                return;
            }

            bool succeeded;
            try
            {
                await _executor.ExecuteAsync(_registration, Input(message, cancellationToken), $"New queue message detected on '{_queue.Name}'.")
                    .ConfigureAwait(false);
                succeeded = true;
            }
            catch (Exception)
            {
                // Logged by the executor.
                succeeded = false;
            }

            // Completing the message is not cancelled by shutdown: a graceful stop lets it settle.
            if (succeeded)
            {
                await _queue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt, CancellationToken.None).ConfigureAwait(false);
            }
            else if (raw.DequeueCount >= _options.MaxDequeueCount)
            {
                Log.MaxDequeueCount(_logger, Function.Name, raw.MessageId, _options.MaxDequeueCount, _poisonQueue.Name);
                await MoveToPoisonAsync(raw).ConfigureAwait(false);
            }
            else
            {
                await _queue.UpdateMessageAsync(raw.MessageId, raw.PopReceipt, visibilityTimeout: _options.RetryDelay(raw.DequeueCount), cancellationToken: CancellationToken.None)
                    .ConfigureAwait(false);
            }
        }
        catch (RequestFailedException e) when (e.Status is 404 or 400)
        {
            // The message was deleted or taken over meanwhile (pop receipt mismatch): nothing left to settle.
            Log.SettleFailed(_logger, Function.Name, raw.MessageId, e);
        }
    }

    /// <summary>The poison queue gets the message text exactly as it was in the queue: same content, same encoding.</summary>
    private async Task MoveToPoisonAsync(QueueMessage raw)
    {
        await _poisonQueue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        await _poisonQueue.SendMessageAsync(raw.MessageText, CancellationToken.None).ConfigureAwait(false);
        await _queue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt, CancellationToken.None).ConfigureAwait(false);
    }

    private bool TryDecode(QueueMessage raw, out QueueMessage decoded)
    {
        var body = raw.Body;
        if (_options.Base64Encoding)
        {
            var text = raw.MessageText;
            var buffer = new byte[((text.Length * 3) / 4) + 3];
            if (!Convert.TryFromBase64String(text, buffer, out var written))
            {
                decoded = raw;
                return false;
            }

            body = BinaryData.FromBytes(buffer.AsMemory(0, written));
        }

        decoded = QueuesModelFactory.QueueMessage(raw.MessageId, raw.PopReceipt, body, raw.DequeueCount, raw.NextVisibleOn, raw.InsertedOn, raw.ExpiresOn);
        return true;
    }

    private static InvocationInput Input(QueueMessage message, CancellationToken cancellationToken) => new()
    {
        TriggerValue = message,
        CancellationToken = cancellationToken,
        BindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["queueTrigger"] = message.Body.ToString(),
            ["id"] = message.MessageId,
            ["dequeueCount"] = message.DequeueCount,
            ["insertionTime"] = message.InsertedOn,
            ["expirationTime"] = message.ExpiresOn,
            ["nextVisibleTime"] = message.NextVisibleOn,
            ["popReceipt"] = message.PopReceipt,
        },
    };

    private static ArgumentSource? BindMessage(Type type)
    {
        if (type == typeof(QueueMessage))
        {
            return static input => ValueTask.FromResult<object?>(input.TriggerValue);
        }

        if (type == typeof(string))
        {
            return static input => ValueTask.FromResult<object?>(((QueueMessage)input.TriggerValue).Body.ToString());
        }

        if (type == typeof(byte[]))
        {
            return static input => ValueTask.FromResult<object?>(((QueueMessage)input.TriggerValue).Body.ToArray());
        }

        if (type == typeof(BinaryData))
        {
            return static input => ValueTask.FromResult<object?>(((QueueMessage)input.TriggerValue).Body);
        }

        if (type == typeof(ReadOnlyMemory<byte>))
        {
            return static input => ValueTask.FromResult<object?>(((QueueMessage)input.TriggerValue).Body.ToMemory());
        }

        if (type.IsInterface || type.IsAbstract || type.IsPrimitive || type == typeof(object) || ValueConverter.IsSimple(type))
        {
            return null;
        }

        return input =>
        {
            var body = ((QueueMessage)input.TriggerValue).Body;
            try
            {
                return ValueTask.FromResult(JsonSerializer.Deserialize(body.ToString(), type, PocoJson));
            }
            catch (JsonException e)
            {
                throw new FunctionBindingException($"The queue message is not JSON for {type.Name}: {e.Message}", e);
            }
        };
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Warning, "Function '{FunctionName}': message {MessageId} is not valid base64; moving it to '{PoisonQueue}'.")]
        public static partial void UndecodableMessage(ILogger logger, string functionName, string messageId, string poisonQueue);

        [LoggerMessage(21, LogLevel.Warning, "Function '{FunctionName}': message {MessageId} has reached MaxDequeueCount of {MaxDequeueCount}. Moving message to queue '{PoisonQueue}'.")]
        public static partial void MaxDequeueCount(ILogger logger, string functionName, string messageId, int maxDequeueCount, string poisonQueue);

        [LoggerMessage(22, LogLevel.Warning, "Function '{FunctionName}': polling queue '{Queue}' failed.")]
        public static partial void PollFailed(ILogger logger, string functionName, string queue, Exception exception);

        [LoggerMessage(23, LogLevel.Debug, "Function '{FunctionName}': message {MessageId} could not be settled.")]
        public static partial void SettleFailed(ILogger logger, string functionName, string messageId, Exception exception);
    }
}
