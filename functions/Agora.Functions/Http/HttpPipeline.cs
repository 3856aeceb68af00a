using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using Agora.Core.Common;
using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Agora.Functions.Http;

/// <summary>What runs around every HTTP function, under the Functions host (<see cref="Worker.AgoraWorkerMiddleware"/>) and
/// the local runtime alike: correlation id, authentication, idempotency, errors as problem+json, and one log line per
/// request with its Cosmos cost.</summary>
public sealed partial class HttpPipeline(JwtAuthenticator authenticator, IdempotentRequests idempotency, ILogger<HttpPipeline> logger)
{
    public const string CorrelationHeader = "x-correlation-id";
    internal const string CorrelationItem = "agora.correlationId";

    /// <summary>Each function's markers, read by reflection once rather than on every request.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, (bool Anonymous, bool Idempotent)> Markers = new();

    private static readonly Func<ILogger, string, IDisposable?> CorrelationScope = LoggerMessage.DefineScope<string>("CorrelationId:{CorrelationId}");

    public async Task<IActionResult> RunAsync(HttpContext http, MethodInfo function, Func<Task<IActionResult?>> invoke)
    {
        var correlationId = CorrelationIdOf(http.Request);
        http.Items[CorrelationItem] = correlationId;
        http.Response.Headers[CorrelationHeader] = correlationId;
        using var scope = CorrelationScope(logger, correlationId);
        using var cosmos = CosmosRequestMeter.Start();
        var watch = Stopwatch.StartNew();
        IActionResult result;
        try
        {
            result = await AuthenticatedAsync(http, function, invoke).ConfigureAwait(false);
        }
        catch (DomainException e)
        {
            if (e.RetryAfter is { } retryAfter)
            {
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            result = Problems.Create(http, Problems.StatusOf(e.Kind), e.Message, e.Errors);
        }
        catch (RequestRejectedException e)
        {
            result = Problems.Create(http, e.Status, e.Message, e.Errors);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            result = new StatusCodeResult(499); // the client went away; nobody reads this
        }
#pragma warning disable CA1031 // Anything else is a bug: log it whole, tell the client nothing about its internals.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(logger, e, http.Request.Method, http.Request.Path.Value ?? string.Empty);
            result = Problems.Create(http, StatusCodes.Status500InternalServerError, $"The request failed; quote correlation id {correlationId} when reporting it.");
        }

        var status = StatusOf(result);
        var path = http.Request.Path.Value ?? string.Empty;
        LogRequest(logger, http.Request.Method, path, status, watch.ElapsedMilliseconds, cosmos.Requests, cosmos.RequestUnits);
        return result;
    }

    private async Task<IActionResult> AuthenticatedAsync(HttpContext http, MethodInfo function, Func<Task<IActionResult?>> invoke)
    {
        var markers = Markers.GetOrAdd(function, static f => (f.GetCustomAttribute<AllowAnonymousAttribute>() is not null, f.GetCustomAttribute<IdempotentAttribute>() is not null));
        if (!markers.Anonymous)
        {
            var outcome = await authenticator.AuthenticateAsync(http.Request.Headers.Authorization.ToString()).ConfigureAwait(false);
            if (!outcome.Succeeded)
            {
                http.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{outcome.Error!.Replace("\"", "'", StringComparison.Ordinal)}\"";
                return Problems.Create(http, StatusCodes.Status401Unauthorized, outcome.Error!);
            }

            http.Features.Set(outcome.Caller);
        }

        if (markers.Idempotent && http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } key)
        {
            return await idempotency.RunAsync(http, key, invoke).ConfigureAwait(false);
        }

        return await invoke().ConfigureAwait(false) ?? new NoContentResult();
    }

    /// <summary>The client's correlation id when it sent a usable one, else a new one.</summary>
    private static string CorrelationIdOf(HttpRequest request)
    {
        var sent = request.Headers[CorrelationHeader].ToString();
        return sent.Length is > 0 and <= 64 && sent.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? sent
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    }

    private static int StatusOf(IActionResult result) => result switch
    {
        IStatusCodeActionResult { StatusCode: { } status } => status,
        _ => 200,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} {Path} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Path} answered {Status} in {ElapsedMs} ms; Cosmos: {CosmosRequests} requests, {RequestUnits} RU")]
    private static partial void LogRequest(ILogger logger, string method, string path, int status, long elapsedMs, long cosmosRequests, double requestUnits);
}
