using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.LocalHost.Tests.Runtime;

public sealed record Item(string Name, int Quantity);

/// <summary>HTTP functions as an app would write them: trigger input, route values, a CancellationToken.</summary>
public sealed partial class HttpFunctions(Probe probe, ScopedThing scoped, IConfiguration configuration)
{
    public static IActionResult GetItem(HttpRequest req, int id, CancellationToken cancellationToken) =>
        new OkObjectResult(new { id, method = req.Method, cancellable = cancellationToken.CanBeCanceled });

    public static IResult Files(HttpRequest req, string rest) => Results.Text($"rest={rest}");

    public static IResult Optional(HttpContext context, Guid? tag) => Results.Text(tag?.ToString() ?? "none");

    public static Item Poco(HttpRequest req) => new("widget", 3);

    public void Void(HttpRequest req) => probe.Record("void");

    public static Task<IActionResult> Throws(HttpRequest req) => throw new InvalidOperationException("boom");

    public IActionResult Scoped(HttpRequest req)
    {
        probe.Record("function", scoped.Id);
        probe.Record("request-services", req.HttpContext.RequestServices.GetRequiredService<ScopedThing>().Id);
        return new OkObjectResult(scoped.Id);
    }

    public IResult Config(HttpRequest req) => Results.Json(new
    {
        fromLocal = configuration["Feature:Flag"],
        overridden = configuration["Feature:Overridden"],
        fromEnvironment = configuration[$"{EnvironmentVariable}"],
    });

    public async Task<IResult> Slow(HttpRequest req, CancellationToken cancellationToken)
    {
        probe.Record("slow-started");
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            probe.Record("slow-cancelled");
            throw;
        }

        return Results.Ok();
    }

    public static void Logs(HttpRequest req) => LogHello(req.HttpContext.RequestServices.GetRequiredService<ILogger<HttpFunctions>>());

    public static string EnvironmentVariable { get; } = $"AGORA_RUNTIME_TEST_{Guid.NewGuid():N}";

    [LoggerMessage(LogLevel.Warning, "hello from the function")]
    private static partial void LogHello(ILogger logger);
}
