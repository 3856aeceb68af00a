using System.IO.Compression;

namespace Agora.Functions.OpenApi;

/// <summary>The browsable API reference at <c>/api/docs</c>: Scalar's standalone viewer reading <c>/api/openapi.json</c>, so
/// the page and the document can never disagree. Scalar's own ASP.NET integration maps minimal-API endpoints, which an
/// Azure Functions HTTP trigger has no place for; its assembly does carry the viewer's script (pre-gzipped, as an embedded
/// resource), and that is what is served here, from the app itself: the page loads nothing from a CDN and works offline
/// (decision 0022b).</summary>
public sealed class ApiReference
{
    /// <summary>The name of the script inside Scalar.AspNetCore; a package update that renames it fails
    /// ApiReferenceTests before it ships a page without its viewer.</summary>
    internal const string ScriptResource = "ScalarStaticAssets.scalar.js";

    private readonly Lazy<byte[]> _gzipped = new(ReadScript);
    private readonly Lazy<byte[]> _plain;

    /// <summary>Reads the script lazily: most instances never serve the page.</summary>
    public ApiReference() => _plain = new(() => Decompress(_gzipped.Value));

    /// <summary>The page. Relative addresses (<c>docs/scalar.js</c>, <c>openapi.json</c>) resolve under <c>/api/</c>, whatever
    /// host and route prefix serve it. The servers are the page's own origin, so "Test request" with a bearer token calls the
    /// runtime that served the page (locally: a token from <c>POST /dev/token/{userId}</c>). Fonts, telemetry and Scalar's
    /// hosted agent are off: each would call scalar.com.</summary>
    public static string Html { get; } = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <title>Agora API reference</title>
        </head>
        <body>
          <div id="app"></div>
          <script src="docs/scalar.js"></script>
          <script>
            Scalar.createApiReference('#app', {
              url: 'openapi.json',
              baseServerURL: window.location.origin,
              servers: [{ url: window.location.origin, description: 'This runtime' }],
              authentication: { preferredSecurityScheme: 'bearer' },
              persistAuth: true,
              withDefaultFonts: false,
              telemetry: false,
              agent: { disabled: true },
              mcp: { disabled: true },
              hideClientButton: true,
              showDeveloperTools: 'never',
              defaultOpenAllTags: false,
            });
          </script>
        </body>
        </html>
        """;

    /// <summary>The script as shipped (gzip), for a client that accepts gzip: 1.4 MB instead of 4.9 MB.</summary>
    public byte[] GzippedScript => _gzipped.Value;

    /// <summary>The script uncompressed, for a client that does not.</summary>
    public byte[] Script => _plain.Value;

    private static byte[] ReadScript()
    {
        var assembly = typeof(Scalar.AspNetCore.ScalarOptions).Assembly;
        using var stream = assembly.GetManifestResourceStream(ScriptResource)
            ?? throw new InvalidOperationException($"{assembly.GetName()} has no resource {ScriptResource}; the API reference cannot be served.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static byte[] Decompress(byte[] gzipped)
    {
        using var input = new GZipStream(new MemoryStream(gzipped), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }
}
