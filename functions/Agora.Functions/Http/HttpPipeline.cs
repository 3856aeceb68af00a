using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using Agora.Core.Accounts;
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
public sealed partial class HttpPipeline(JwtAuthenticator authenticator, IdempotentRequests idempotency, AccessControl access, ILogger<HttpPipeline> logger)
{
    public const string CorrelationHeader = "x-correlation-id";

    /// <summary>The Cosmos DB requests the HTTP request made (its queued work is counted by its own trigger).</summary>
    public const string CosmosRequestsHeader = "x-cosmos-requests";
    internal const string CorrelationItem = "agora.correlationId";

    /// <summary>Each function's markers, read by reflection once rather than on every request.</summary>
    private static readonly ConcurrentDictionary<MethodInfo, FunctionMarkers> Markers = new();

    /// <summary>Statuses that answer what the request says rather than who sent it; a stranger must never see them.</summary>
    private static readonly HashSet<int> InputStatuses = [StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity];

    private sealed record FunctionMarkers(bool Anonymous, bool Idempotent, bool OrgScoped);

    private static readonly Func<ILogger, string, IDisposable?> CorrelationScope = LoggerMessage.DefineScope<string>("CorrelationId:{CorrelationId}");

    public async Task<IActionResult> RunAsync(HttpContext http, MethodInfo function, Func<Task<IActionResult?>> invoke)
    {
        var correlationId = CorrelationIdOf(http.Request);
        http.Items[CorrelationItem] = correlationId;
        http.Response.Headers[CorrelationHeader] = correlationId;
        using var scope = CorrelationScope(logger, correlationId);
        using var activity = Worker.AgoraTelemetry.StartInvocation(function.Name, ActivityKind.Internal, correlationId);
        activity?.SetTag("http.request.method", http.Request.Method);
        activity?.SetTag("url.path", http.Request.Path.Value);
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
        catch (BadHttpRequestException e)
        {
            // The server refused the body (its size limit, a broken chunked encoding): the client's fault, said as such.
            result = Problems.Create(http, e.StatusCode, e.Message);
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
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            result = Problems.Create(http, StatusCodes.Status500InternalServerError, $"The request failed; quote correlation id {correlationId} when reporting it.");
        }

        var status = StatusOf(result);
        if (InputStatuses.Contains(status) && await IsStrangerAsync(http, function).ConfigureAwait(false))
        {
            result = Problems.Create(http, StatusCodes.Status404NotFound, DomainException.NotFound("Organization", OrgIdOf(http) ?? string.Empty).Message);
            status = StatusCodes.Status404NotFound;
        }

        var path = http.Request.Path.Value ?? string.Empty;

        // What the request cost in Cosmos DB, for operators and load tests (as Cosmos itself answers x-ms-request-charge).
        // The work it queued (the sales outbox) is counted by its own trigger.
        http.Response.Headers[CosmosRequestsHeader] = cosmos.Requests.ToString(System.Globalization.CultureInfo.InvariantCulture);
        LogRequest(logger, http.Request.Method, path, status, watch.ElapsedMilliseconds, cosmos.Requests, cosmos.RequestUnits);
        activity?.SetTag("http.response.status_code", status);
        Worker.AgoraTelemetry.Finish(activity, function.Name, cosmos);
        return result;
    }

    private async Task<IActionResult> AuthenticatedAsync(HttpContext http, MethodInfo function, Func<Task<IActionResult?>> invoke)
    {
        var markers = MarkersOf(function);
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

    private static FunctionMarkers MarkersOf(MethodInfo function) => Markers.GetOrAdd(function, static f => new FunctionMarkers(
        f.GetCustomAttribute<AllowAnonymousAttribute>() is not null,
        f.GetCustomAttribute<IdempotentAttribute>() is not null,
        f.GetCustomAttribute<ForNonMembersAttribute>() is null
            && f.GetParameters().Select(p => p.GetCustomAttribute<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>()).FirstOrDefault(t => t is not null)?.Route is { } route
            && route.StartsWith("orgs/{", StringComparison.Ordinal)));

    /// <summary>Authorization before validation: a request about an organization that the caller is not a member of answers
    /// 404 (as the use case would), even when its body, query or size was wrong, so that no answer tells a stranger more.
    /// Asked only on those failures, so it costs nothing on the paths that succeed; decided by Core's
    /// <see cref="AccessControl"/>.</summary>
    private async Task<bool> IsStrangerAsync(HttpContext http, MethodInfo function)
    {
        if (!MarkersOf(function).OrgScoped || http.Features.Get<Caller>() is not { } caller || OrgIdOf(http) is not { } orgId)
        {
            return false;
        }

        try
        {
            _ = await access.MemberAsync(caller, orgId, CancellationToken.None).ConfigureAwait(false);
            return false;
        }
        catch (DomainException e) when (e.Kind == FailureKind.NotFound)
        {
            return true;
        }
    }

    /// <summary>The organization an org-scoped route is about: the path segment after <c>orgs</c>.</summary>
    private static string? OrgIdOf(HttpContext http)
    {
        var segments = (http.Request.Path.Value ?? string.Empty).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var at = Array.IndexOf(segments, "orgs");
        return at >= 0 && at + 1 < segments.Length ? Uri.UnescapeDataString(segments[at + 1]) : null;
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
