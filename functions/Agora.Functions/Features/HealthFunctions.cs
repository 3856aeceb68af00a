using Agora.Core.Common;
using Agora.Functions.Http;
using Agora.Functions.OpenApi;
using Agora.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Operational endpoints: health and the API description. Anonymous.</summary>
public sealed class HealthFunctions(DependencyHealth health, OpenApiDocument openApi, ApiReference reference)
{
    [Function(nameof(GetLiveness))]
    [AllowAnonymous]
    [ApiOperation("Operations", "Liveness: the worker answers", Description = "200 as long as the worker runs; asks no dependency (readiness is GET /api/health).",
        Response = typeof(LivenessReport), RoleRestricted = false)]
    public IActionResult GetLiveness(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/live")] HttpRequest req) =>
        new JsonResult(new LivenessReport("alive"), Json.Options);

    [Function(nameof(GetHealth))]
    [AllowAnonymous]
    [ApiOperation("Operations", "Readiness: the API and each dependency", Description = "200 when Cosmos DB, blob storage and queue storage all answer, else 503 naming " +
        "the one that did not, in words. Checked at most every 5 seconds whatever the probe rate (one point read and two property reads; no metadata call).",
        Response = typeof(HealthReport), RoleRestricted = false)]
    public async Task<IActionResult> GetHealth(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req, CancellationToken cancellationToken)
    {
        var checks = await health.CheckAsync(cancellationToken).ConfigureAwait(false);
        var healthy = checks.All(c => c.Healthy);
        var report = new HealthReport(healthy ? "healthy" : "unhealthy", checks.ToDictionary(c => c.Name, c => new DependencyReport(c.Healthy ? "healthy" : "unhealthy", c.DurationMs, c.Error)));
        return new JsonResult(report, Json.Options) { StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable };
    }

    [Function(nameof(GetOpenApi))]
    [AllowAnonymous]
    [ApiOperation("Operations", "This API's OpenAPI 3.1 document", RoleRestricted = false)]
    public IActionResult GetOpenApi(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req) =>
        new ContentResult { Content = openApi.Json, ContentType = "application/json", StatusCode = 200 };

    [Function(nameof(GetApiReference))]
    [AllowAnonymous]
    [ApiOperation("Operations", "This API's reference, to browse and try (an HTML page)", Description = "Reads /api/openapi.json; \"Test request\" calls this runtime with the bearer token entered on the page.",
        RoleRestricted = false)]
    public IActionResult GetApiReference(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs")] HttpRequest req)
    {
        // An HTML page on the API's own origin: never framed by another site (a token typed into it is the caller's), no
        // referrer to the links it shows, no content sniffing.
        var headers = req.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = "frame-ancestors 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return new ContentResult { Content = ApiReference.Html, ContentType = "text/html; charset=utf-8", StatusCode = 200 };
    }

    [Function(nameof(GetApiReferenceScript))]
    [AllowAnonymous]
    [ApiOperation("Operations", "The script of the API reference page (Scalar, served by this app: no CDN)", RoleRestricted = false)]
    public IActionResult GetApiReferenceScript(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "docs/scalar.js")] HttpRequest req)
    {
        // The same bytes for every request of a build: cached for a day.
        req.HttpContext.Response.Headers.CacheControl = "public, max-age=86400";
        req.HttpContext.Response.Headers.Vary = "Accept-Encoding";
        // gzip when the client accepts it (gzip or *, with a quality above 0: "gzip;q=0" refuses it).
        var gzip = req.GetTypedHeaders().AcceptEncoding.Any(v =>
            (v.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || v.Value.Equals("*", StringComparison.Ordinal)) && (v.Quality ?? 1) > 0);
        if (gzip)
        {
            req.HttpContext.Response.Headers.ContentEncoding = "gzip";
        }

        return new FileContentResult(gzip ? reference.GzippedScript : reference.Script, "text/javascript; charset=utf-8");
    }

    public sealed record HealthReport(string Status, IReadOnlyDictionary<string, DependencyReport> Dependencies);

    public sealed record DependencyReport(string Status, long DurationMs, string? Error);

    public sealed record LivenessReport(string Status);
}
