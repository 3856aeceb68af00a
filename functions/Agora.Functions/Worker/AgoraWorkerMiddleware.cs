using Agora.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.Functions.Worker;

/// <summary>Runs <see cref="HttpPipeline"/> around HTTP functions under the Azure Functions host, and logs the Cosmos cost
/// of the other triggers (<see cref="TriggerCost"/>). The local runtime does the same through its invocation filter, so
/// both hosts authenticate, report errors and log alike.</summary>
public sealed class AgoraWorkerMiddleware(ILogger<AgoraWorkerMiddleware> logger) : IFunctionsWorkerMiddleware
{
    private static readonly IReadOnlyDictionary<string, object?> NoBindingData = new Dictionary<string, object?>();

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is null)
        {
            await TriggerCost.MeasureAsync(logger, context.FunctionDefinition.Name, context.InvocationId, context.BindingContext?.BindingData ?? NoBindingData, async () =>
            {
                await next(context).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
            return;
        }

        var pipeline = context.InstanceServices.GetRequiredService<HttpPipeline>();
        var result = await pipeline.RunAsync(http, FunctionMethods.Resolve(context.FunctionDefinition.EntryPoint), async () =>
        {
            await next(context).ConfigureAwait(false);
            return context.GetInvocationResult().Value as IActionResult;
        }).ConfigureAwait(false);
        context.GetInvocationResult().Value = result;
    }
}
