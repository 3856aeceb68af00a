using System.Reflection;
using Agora.Core.Common;
using Agora.Functions.Http;
using Agora.Testing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>What a client is told when its change kept losing the optimistic-concurrency race.</summary>
[Collection(BackendCollection.Name)]
public sealed class ConcurrencyTests(BackendFixture backend)
{
    [Fact]
    public async Task A_change_that_ran_out_of_attempts_answers_409_with_retry_after_and_no_talk_of_etags()
    {
        var pipeline = backend.Backend.Services.GetRequiredService<HttpPipeline>();
        var http = new DefaultHttpContext();
        http.Request.Method = "PUT";
        http.Request.Path = "/api/orgs/acme/warehouses/sp";
        var attempts = 0;
        var function = typeof(ConcurrencyTests).GetMethod(nameof(AnonymousFunction), BindingFlags.NonPublic | BindingFlags.Static)!;

        var result = await pipeline.RunAsync(http, function, () => Concurrency.RetryAsync<IActionResult?>("The warehouses of 'acme'", _ =>
        {
            attempts++;
            throw DomainException.PreconditionFailed("Warehouses"); // another writer got in first, every time
        }));

        var problem = Assert.IsType<JsonResult>(result);
        Assert.Equal(StatusCodes.Status409Conflict, problem.StatusCode);
        Assert.Equal("1", http.Response.Headers.RetryAfter.ToString());
        var details = Assert.IsType<ProblemDetails>(problem.Value);
        Assert.DoesNotContain("ETag", details.Detail, StringComparison.Ordinal);
        Assert.Contains("again", details.Detail, StringComparison.Ordinal);
        Assert.Equal(Concurrency.MaxAttempts, attempts);
    }

    [AllowAnonymous]
    private static void AnonymousFunction()
    {
    }
}
