using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Agora.Testing;

namespace Agora.Client.Tests;

/// <summary>The client is generated at build time from the checked-in openapi.json, so the build needs no running backend;
/// this test keeps that copy equal to what the backend serves, so the client cannot drift from the API.</summary>
[Collection(BackendCollection.Name)]
public sealed class OpenApiCopyTests(BackendFixture backend)
{
    [Fact]
    public async Task The_checked_in_document_the_client_is_generated_from_is_the_one_the_backend_serves()
    {
        using var client = backend.Anonymous();
        var served = await client.GetStringAsync(new Uri("/api/openapi.json", UriKind.Relative));
        var copy = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "openapi.json"));
        if (!JsonNode.DeepEquals(JsonNode.Parse(served), JsonNode.Parse(copy)))
        {
            var received = Path.Combine(SourceDirectory(), "openapi.received.json");
            await File.WriteAllTextAsync(received, served);
            Assert.Fail($"tests/Agora.Client.Tests/openapi.json is not what GET /api/openapi.json serves. The served document is in {received}: " +
                "move it over openapi.json and rebuild to regenerate the client.");
        }
    }

    private static string SourceDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
