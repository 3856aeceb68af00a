using System.Diagnostics;
using Agora.Infrastructure.Cosmos;
using Microsoft.Extensions.Logging;

namespace Agora.Functions.Worker;

/// <summary>Traces and logs each queue, blob and timer invocation with the Cosmos requests and request units it cost, under
/// the Functions host (<see cref="AgoraWorkerMiddleware"/>) and the local runtime alike. HTTP functions get the same
/// figures from <see cref="Http.HttpPipeline"/>. The span is a consumer span (it handles a message, a blob event or a
/// timer tick) whose correlation id is the invocation id, the id the host logs for the run.</summary>
public static partial class TriggerCost
{
    /// <param name="bindingData">The trigger's binding data: a queue message's id goes on the span, so that an operator
    /// holding a message (in its poison queue, say) finds the trace of each attempt.</param>
    public static async Task<T> MeasureAsync<T>(ILogger logger, string functionName, string invocationId, IReadOnlyDictionary<string, object?> bindingData, Func<Task<T>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(bindingData);
        using var activity = AgoraTelemetry.StartInvocation(functionName, ActivityKind.Consumer, invocationId);
        activity?.SetTag("faas.invocation_id", invocationId);
        if (activity is not null)
        {
            // The worker gets the host's names ("Id", "DequeueCount"), the local runtime lower-case ones: matched either way.
            foreach (var (name, value) in bindingData)
            {
                if (string.Equals(name, "id", StringComparison.OrdinalIgnoreCase))
                {
                    activity.SetTag(AgoraTelemetry.MessageIdTag, value?.ToString());
                }
                else if (string.Equals(name, "dequeueCount", StringComparison.OrdinalIgnoreCase))
                {
                    activity.SetTag("messaging.delivery_count", value?.ToString());
                }
            }
        }

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

    [LoggerMessage(Level = LogLevel.Information, Message = "{FunctionName} ({InvocationId}) succeeded; Cosmos: {CosmosRequests} requests, {RequestUnits} RU")]
    private static partial void LogTrigger(ILogger logger, string functionName, string invocationId, long cosmosRequests, double requestUnits);
}
