using Agora.Functions.Http;
using Agora.Functions.Worker;
using Agora.LocalHost.Runtime;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.LocalHost;

/// <summary>Runs the application's <see cref="HttpPipeline"/> around HTTP functions, as <c>AgoraWorkerMiddleware</c> does under
/// the Functions host, and logs each trigger invocation with its Cosmos cost.</summary>
internal sealed class AgoraInvocationFilter(ILogger<AgoraInvocationFilter> logger) : IFunctionInvocationFilter
{
    public async Task<object?> InvokeAsync(FunctionInvocationContext context, Func<Task<object?>> next)
    {
        if (context.HttpContext is { } http)
        {
            var pipeline = context.InstanceServices.GetRequiredService<HttpPipeline>();
            return await pipeline.RunAsync(http, context.Method, async () => await next().ConfigureAwait(false) as IActionResult).ConfigureAwait(false);
        }

        return await TriggerCost.MeasureAsync(logger, context.FunctionName, context.InvocationId, context.BindingData, next).ConfigureAwait(false);
    }
}
