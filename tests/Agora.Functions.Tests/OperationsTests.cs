using System.Net;
using System.Text.Json.Nodes;
using Agora.LocalHost;
using Agora.LocalHost.Emulators;
using Agora.Testing;
using Microsoft.OpenApi;

namespace Agora.Functions.Tests;

[Collection(BackendCollection.Name)]
public sealed class OperationsTests(BackendFixture backend)
{
    [Fact]
    public async Task Health_reports_each_dependency_and_answers_200_when_all_answer()
    {
        var response = await backend.Anonymous().GetAsync("/api/health");
        var report = await BackendFixture.Json(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("healthy", (string?)report["status"]);
        foreach (var dependency in new[] { "cosmos", "blobs", "queues" })
        {
            Assert.Equal("healthy", (string?)report["dependencies"]![dependency]!["status"]);
        }

        // A probe every second costs no more: the answer of the last few seconds is reused (the test clock stands still).
        var again = await backend.Anonymous().GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(0, BackendFixture.CosmosRequestsOf(again));
    }

    [Fact]
    public async Task Health_answers_503_and_names_the_dependency_that_is_down()
    {
        var port = LocalEmulators.FreePort();
        var settings = BackendFixture.Settings(backend.Emulators, port);
        settings["CosmosDb:Endpoint"] = $"http://127.0.0.1:{LocalEmulators.FreePort()}/"; // nothing listens there
        settings["CosmosDb:Database"] = "unreachable";
        await using var broken = await StartWithoutResourcesAsync(settings, port);

        var response = await new HttpClient { BaseAddress = broken.BaseAddress }.GetAsync("/api/health");
        var report = await BackendFixture.Json(response);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", (string?)report["dependencies"]!["cosmos"]!["status"]);
        Assert.Equal("healthy", (string?)report["dependencies"]!["blobs"]!["status"]);
        var error = (string)report["dependencies"]!["cosmos"]!["error"]!;
        Assert.DoesNotContain("127.0.0.1", error, StringComparison.Ordinal); // said in words, not the exception's text
        Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);

        // Liveness asks nothing: the worker answers although Cosmos DB does not.
        var live = await new HttpClient { BaseAddress = broken.BaseAddress }.GetAsync("/api/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("alive", (string?)(await BackendFixture.Json(live))["status"]);
    }

    [Fact]
    public async Task The_openapi_document_is_valid_and_lists_exactly_the_http_functions()
    {
        var json = await backend.Anonymous().GetStringAsync("/api/openapi.json");
        var read = OpenApiDocument.Parse(json, "json");
        var documented = JsonNode.Parse(json)!["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(op => $"{op.Key.ToUpperInvariant()} {p.Key}"))
            .Order(StringComparer.Ordinal);
        var functions = BackendFixture.HttpRoutes().Select(r => $"{r.Method} {r.Route}").Order(StringComparer.Ordinal);

        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.Equal("3.1.0", (string?)JsonNode.Parse(json)!["openapi"]);
        Assert.Equal(functions, documented);
    }

    private static Task<LocalBackend> StartWithoutResourcesAsync(Dictionary<string, string?> settings, int port) =>
        LocalBackend.StartAsync(new LocalBackendOptions { Settings = settings, Urls = $"http://127.0.0.1:{port}", EnsureResources = false, HostId = "agora-health-test" });
}
