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
public sealed class HealthFunctions(DependencyHealth health, OpenApiDocument openApi)
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

    public sealed record LivenessReport(string Status);

    public sealed record HealthReport(string Status, IReadOnlyDictionary<string, DependencyReport> Dependencies);

    public sealed record DependencyReport(string Status, long DurationMs, string? Error);
}
