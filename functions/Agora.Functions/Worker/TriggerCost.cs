using Agora.Infrastructure.Cosmos;
using Microsoft.Extensions.Logging;

namespace Agora.Functions.Worker;

/// <summary>Logs each queue, blob and timer invocation with the Cosmos requests and request units it cost, under the
/// Functions host (<see cref="AgoraWorkerMiddleware"/>) and the local runtime alike. HTTP functions get the same figures
/// from <see cref="Http.HttpPipeline"/>.</summary>
public static partial class TriggerCost
{
    public static async Task<T> MeasureAsync<T>(ILogger logger, string functionName, string invocationId, Func<Task<T>> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        using var cosmos = CosmosRequestMeter.Start();
        var result = await next().ConfigureAwait(false);
        LogTrigger(logger, functionName, invocationId, cosmos.Requests, cosmos.RequestUnits);
        return result;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{FunctionName} ({InvocationId}) succeeded; Cosmos: {CosmosRequests} requests, {RequestUnits} RU")]
    private static partial void LogTrigger(ILogger logger, string functionName, string invocationId, long cosmosRequests, double requestUnits);
}
