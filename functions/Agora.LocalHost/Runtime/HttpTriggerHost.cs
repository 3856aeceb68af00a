using System.Text.Json;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Agora.LocalHost.Runtime;

/// <summary>HTTP-triggered functions as ASP.NET endpoints: route template and methods from metadata under the host.json
/// route prefix, the binding's authLevel checked first, the result written as the worker's ASP.NET integration does.</summary>
internal sealed class HttpTriggerHost
{
    private readonly FunctionRegistration _registration;
    private readonly RoutePattern _pattern;
    private readonly string[]? _methods;
    private readonly AuthLevel _authLevel;

    public HttpTriggerHost(FunctionDescriptor function, string routePrefix)
    {
        var route = function.Trigger["route"] is { Length: > 0 } r ? r.Trim('/') : function.Name;
        var template = routePrefix.Length == 0 ? route : $"{routePrefix}/{route}";
        try
        {
            _pattern = RoutePatternFactory.Parse(template);
        }
        catch (RoutePatternException e)
        {
            throw new FunctionIndexingException(function.Name, $"the route '{template}' is not a valid route template: {e.Message}");
        }

        _methods = function.Trigger["methods"] is { } methods ? JsonSerializer.Deserialize<string[]?>(methods) : null;
        if (_methods is { Length: 0 })
        {
            _methods = null;
        }

        _authLevel = KeyAuthorizer.ParseLevel(function, function.Trigger["authLevel"]);
        var routeParameters = _pattern.Parameters.Select(p => p.Name).ToArray();
        _registration = new FunctionRegistration(function, ParameterBinder.Bind(function, new TriggerParameterRules
        {
            BindTrigger = BindByType,
            BindOther = p => BindByType(p.ParameterType),
            BindingDataNames = routeParameters,
            Supported = "HttpRequest, HttpContext",
        }));
    }

    public FunctionDescriptor Function => _registration.Descriptor;

    public string Describe(Uri baseAddress) =>
        $"[{(_methods is null ? "ALL" : string.Join(",", _methods).ToUpperInvariant())}] {new Uri(baseAddress, _pattern.RawText)}";

    public void Map(WebApplication app, FunctionExecutor executor, KeyAuthorizer keys, CancellationToken stopping)
    {
        RequestDelegate handler = http => HandleAsync(http, executor, keys, stopping);
        var endpoint = _methods is null ? app.Map(_pattern, handler) : app.MapMethods(_pattern.RawText!, _methods, handler);
        endpoint.WithDisplayName(Function.Name).WithMetadata(Function);
    }

    /// <summary>The host answers a known route with an unsupported method with 404, not ASP.NET's 405: mirror it so
    /// clients see the same status locally and in Azure.</summary>
    public static void UseHostNotFoundForWrongMethod(WebApplication app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.DisplayName?.StartsWith("405 ", StringComparison.Ordinal) == true)
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await next(http).ConfigureAwait(false);
    });

    private async Task HandleAsync(HttpContext http, FunctionExecutor executor, KeyAuthorizer keys, CancellationToken stopping)
    {
        if (!keys.IsAuthorized(http.Request, _authLevel))
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, stopping);
        var input = new InvocationInput
        {
            TriggerValue = http,
            HttpContext = http,
            BindingData = http.Request.RouteValues.ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase),
            CancellationToken = cancellation.Token,
        };

        try
        {
            await executor.ExecuteAsync(_registration, input, "This function was triggered by an HTTP request.",
                (_, result) => WriteResultAsync(http, result)).ConfigureAwait(false);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client is gone: nobody to answer.
        }
        catch (Exception)
        {
            // Already logged by the executor. The host answers an unhandled exception with an empty 500.
            if (http.Response.HasStarted)
            {
                http.Abort();
                return;
            }

            http.Response.Clear();
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    /// <summary>IActionResult and IResult are executed as the worker's ASP.NET integration does. A null (or void) result
    /// leaves the response as the function left it: 200 with an empty body unless it wrote one. Any other value is
    /// written as JSON with the app's MVC JSON options (System.Text.Json web defaults).</summary>
    private static async Task WriteResultAsync(HttpContext http, object? result)
    {
        switch (result)
        {
            case null:
                return;
            case IActionResult actionResult:
                await actionResult.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
                return;
            case IResult httpResult:
                await httpResult.ExecuteAsync(http).ConfigureAwait(false);
                return;
            default:
                await new ObjectResult(result) { StatusCode = StatusCodes.Status200OK }
                    .ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
                return;
        }
    }

    private static ArgumentSource? BindByType(Type type) =>
        type == typeof(HttpRequest) ? static input => ValueTask.FromResult<object?>(input.HttpContext!.Request)
        : type == typeof(HttpContext) ? static input => ValueTask.FromResult<object?>(input.HttpContext)
        : null;
}
