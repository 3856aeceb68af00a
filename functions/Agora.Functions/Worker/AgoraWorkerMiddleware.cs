using Agora.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Worker;

/// <summary>Runs <see cref="HttpPipeline"/> around HTTP functions under the Azure Functions host. The local runtime runs the
/// same pipeline through its invocation filter, so both hosts authenticate and report errors alike.</summary>
public sealed class AgoraWorkerMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context).ConfigureAwait(false);
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
