using System.Diagnostics;
using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Storage;
using Microsoft.Extensions.Logging;

namespace Agora.Functions.Worker;

/// <summary>Traces and logs each queue, blob and timer invocation with the Cosmos requests and request units it cost, under
/// the Functions host (<see cref="AgoraWorkerMiddleware"/>) and the local runtime alike. HTTP functions get the same
/// figures from <see cref="Http.HttpPipeline"/>. The span is a consumer span (it handles a message, a blob event or a
/// timer tick) whose correlation id is the invocation id, the id the host logs for the run.</summary>
public static partial class TriggerCost
{
    /// <param name="bindingData">The trigger's binding data: a queue message's id goes on the span, so that an operator
    /// holding a message (in its poison queue, say) finds the trace of each attempt; its text's leading trace context
    /// (<see cref="MessageTrace"/>) becomes the span's link to the request that sent it, and that request's correlation id
    /// a tag and a log scope.</param>
    public static async Task<T> MeasureAsync<T>(ILogger logger, string functionName, string invocationId, IReadOnlyDictionary<string, object?> bindingData, Func<Task<T>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(bindingData);
        // A queue message sent by the app names the span that sent it (MessageTrace): the invocation links to it.
        var origin = MessageTrace.Read(ValueOf(bindingData, "queueTrigger")?.ToString());
        using var activity = AgoraTelemetry.StartInvocation(functionName, ActivityKind.Consumer, invocationId, origin is null ? null : [new ActivityLink(origin.Context)]);
        activity?.SetTag("faas.invocation_id", invocationId);
        if (activity is not null)
        {
            activity.SetTag(AgoraTelemetry.MessageIdTag, ValueOf(bindingData, "id")?.ToString());
            activity.SetTag("messaging.delivery_count", ValueOf(bindingData, "dequeueCount")?.ToString());
            activity.SetTag(AgoraTelemetry.OriginCorrelationIdTag, origin?.CorrelationId);
        }

        using var scope = origin?.CorrelationId is { } originId ? OriginScope(logger, originId) : null;
        using var cosmos = CosmosRequestMeter.Start();
        try
        {
            var result = await next().ConfigureAwait(false);
            LogTrigger(logger, functionName, invocationId, cosmos.Requests, cosmos.RequestUnits);
            return result;
        }
        catch (Exception e)
        {
            // The host retries it (then the poison queue): the span says it failed and why, the exception goes on.
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            AgoraTelemetry.Finish(activity, functionName, cosmos);
        }
    }

    private static readonly Func<ILogger, string, IDisposable?> OriginScope = LoggerMessage.DefineScope<string>("OriginCorrelationId:{OriginCorrelationId}");

    /// <summary>A binding-data value: the worker gets the host's names ("QueueTrigger", "Id", "DequeueCount"), the local
    /// runtime lower-case ones, so the name is matched either way.</summary>
    private static object? ValueOf(IReadOnlyDictionary<string, object?> bindingData, string name) =>
        bindingData.FirstOrDefault(d => string.Equals(d.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    [LoggerMessage(Level = LogLevel.Information, Message = "{FunctionName} ({InvocationId}) succeeded; Cosmos: {CosmosRequests} requests, {RequestUnits} RU")]
    private static partial void LogTrigger(ILogger logger, string functionName, string invocationId, long cosmosRequests, double requestUnits);
}
