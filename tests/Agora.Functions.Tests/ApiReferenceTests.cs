using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Agora.Testing;

namespace Agora.Functions.Tests;

/// <summary>The browsable API reference at /api/docs: served by the app itself (no CDN), read from the same OpenAPI
/// document, and looked at in a real browser, whose screenshot is the one in the docs (docs/images/api-docs.png).</summary>
[Collection(BackendCollection.Name)]
public sealed class ApiReferenceTests(BackendFixture backend)
{
    [Fact]
    public async Task The_page_and_its_script_come_from_the_app_and_read_the_openapi_document()
    {
        using var client = backend.Anonymous();

        var page = await client.GetAsync("/api/docs");
        var html = await page.Content.ReadAsStringAsync();
        var script = await client.GetAsync("/api/docs/scalar.js");
        var js = await script.Content.ReadAsStringAsync();
        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, "/api/docs/scalar.js");
        gzipRequest.Headers.AcceptEncoding.ParseAdd("gzip");
        var gzipped = await client.SendAsync(gzipRequest);
        using var refusing = new HttpRequestMessage(HttpMethod.Get, "/api/docs/scalar.js");
        refusing.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip;q=0, br");
        var plain = await client.SendAsync(refusing);

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"docs/scalar.js\"></script>", html, StringComparison.Ordinal);
        Assert.Contains("url: 'openapi.json'", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=\"http", html, StringComparison.Ordinal); // nothing from a CDN
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("createApiReference", js, StringComparison.Ordinal);
        Assert.Equal(["gzip"], gzipped.Content.Headers.ContentEncoding);
        Assert.True((await gzipped.Content.ReadAsByteArrayAsync()).Length < js.Length / 2);
        Assert.Empty(plain.Content.Headers.ContentEncoding); // gzip;q=0 refuses gzip
        Assert.Equal(js, await plain.Content.ReadAsStringAsync());
        Assert.Equal("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single()); // not framed by another site
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Headless_chromium_shows_the_operations_offline_and_takes_the_screenshot_of_the_docs()
    {
        var root = RepositoryRoot();
        var png = Path.Combine(root, "docs", "images", "api-docs.png");
        var checkoutPng = Path.Combine(root, "docs", "images", "api-docs-checkout.png");
        var before = File.Exists(png) ? File.GetLastWriteTimeUtc(png) : DateTime.MinValue;
        var checkoutBefore = File.Exists(checkoutPng) ? File.GetLastWriteTimeUtc(checkoutPng) : DateTime.MinValue;

        var token = TestTokens.For("docs-reader", "docs-reader@test.example");

        var (exit, output, error) = await RunAsync(root, token, "node", Path.Combine(root, "tools", "api-docs-screenshot.mjs"), backend.BaseAddress.ToString(), png);

        Assert.True(exit == 0, $"node tools/api-docs-screenshot.mjs exited {exit} (Debian's chromium at /usr/bin/chromium and the npm packages of package.json are needed; .ci/run installs both): {error}");
        var result = JsonNode.Parse(output.Trim().Split('\n')[^1])!;
        Assert.Equal(200, (int)result["status"]!);
        Assert.Equal("Agora API reference", (string?)result["title"]);
        Assert.True((bool)result["showsDescription"]!, output);
        Assert.Equal(["Orders", "Pricing", "Catalog", "Billing"], result["tags"]!.AsArray().Select(t => (string)t!));
        Assert.True((bool?)result["curlCarriesToken"], output + error);
        Assert.True((bool?)result["showsRoles"], output); // GET /api/me: "Roles: anyone signed in (no organization needed)."
        Assert.True((bool?)result["showsExample"], output); // POST /api/orgs: the example organization, Distribuidora Paraná
        Assert.True((bool?)result["showsCheckout"], output); // checkout opened: "Roles: buyer admin, purchaser." and its example PO number
        Assert.True((bool)result["offersBearer"]!, output);
        Assert.Empty(result["outside"]!.AsArray()); // offline: not a font, not a telemetry call
        Assert.Empty(result["errors"]!.AsArray());
        Assert.True(File.GetLastWriteTimeUtc(png) > before);
        Assert.True(new FileInfo(png).Length > 10_000);
        Assert.True(File.GetLastWriteTimeUtc(checkoutPng) > checkoutBefore);
        Assert.True(new FileInfo(checkoutPng).Length > 10_000);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AgoraFunctions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (AgoraFunctions.sln) is not above the test's folder.");
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(string workingDirectory, string token, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["TOKEN"] = token;
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
