using System.Net;
using System.Security.Cryptography;
using System.Text;
using Agora.Functions.Http;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>Idempotency keys survive what goes wrong around a request: a client that gives up after the work was done,
/// and a request that never finished because its instance died.</summary>
[Collection(BackendCollection.Name)]
public sealed class IdempotencyTests(BackendFixture backend)
{
    [Fact]
    public async Task A_client_that_gave_up_after_the_work_was_done_gets_the_stored_response_on_retry_not_a_second_execution()
    {
        var idempotency = backend.Backend.Services.GetRequiredService<IdempotentRequests>();
        var key = Guid.NewGuid().ToString();
        var executions = 0;
        using var gone = new CancellationTokenSource();

        var first = await idempotency.RunAsync(Request(gone.Token), key, () =>
        {
            executions++;
            gone.Cancel(); // the work committed, then the client timed out and closed the connection
            return Task.FromResult<IActionResult?>(new JsonResult(new { id = "order-1" }) { StatusCode = 201 });
        });
        var retryContext = Request(CancellationToken.None);
        var retry = await idempotency.RunAsync(retryContext, key, () =>
        {
            executions++;
            return Task.FromResult<IActionResult?>(new JsonResult(new { id = "order-2" }) { StatusCode = 201 });
        });

        Assert.Equal(201, ((JsonResult)first).StatusCode);
        Assert.Equal(1, executions);
        var replayed = Assert.IsType<ContentResult>(retry);
        Assert.Equal(201, replayed.StatusCode);
        Assert.Contains("order-1", replayed.Content, StringComparison.Ordinal);
        Assert.Equal("true", retryContext.Response.Headers[IdempotentRequests.ReplayedHeader].ToString());
    }

    [Fact]
    public async Task A_key_left_unfinished_by_a_crash_answers_409_with_retry_after_during_its_lease_and_is_taken_over_after_it()
    {
        var store = backend.Backend.Services.GetRequiredService<CosmosIdempotencyStore>();
        using var client = backend.As("idem-crash", "idem-crash@test.example");
        var now = backend.Clock.GetUtcNow();
        var recent = Guid.NewGuid().ToString();
        var stale = Guid.NewGuid().ToString();
        var body = """{"name":"Crash Org","country":"BR","defaultCurrency":"BRL","capabilities":["buyer"]}""";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        // Two requests that claimed their keys and died before answering: 30 seconds ago, and past the lease.
        await store.TryBeginAsync(CosmosIdempotencyStore.IdOf("idem-crash", "POST", "/api/orgs", recent), hash, now.AddSeconds(-30), default);
        await store.TryBeginAsync(CosmosIdempotencyStore.IdOf("idem-crash", "POST", "/api/orgs", stale), hash, now - CosmosIdempotencyStore.Lease - TimeSpan.FromSeconds(1), default);

        var during = await Send(recent);
        var after = await Send(stale);
        var retried = await Send(stale);

        Assert.Equal(HttpStatusCode.Conflict, during.StatusCode);
        var wait = during.Headers.RetryAfter?.Delta ?? TimeSpan.Zero;
        Assert.InRange(wait, TimeSpan.FromSeconds(80), CosmosIdempotencyStore.Lease);
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal("true", retried.Headers.GetValues(IdempotentRequests.ReplayedHeader).Single());
        Assert.Equal(after.Headers.Location, retried.Headers.Location);

        Task<HttpResponseMessage> Send(string key)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/orgs") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", key);
            return client.SendAsync(request);
        }
    }

    private static DefaultHttpContext Request(CancellationToken aborted)
    {
        var body = Encoding.UTF8.GetBytes("""{"sku":"P-1"}""");
        var http = new DefaultHttpContext { RequestAborted = aborted };
        http.Request.Method = "POST";
        http.Request.Path = "/api/orgs/idem-test/orders";
        http.Request.ContentType = "application/json";
        http.Request.ContentLength = body.Length;
        http.Request.Body = new MemoryStream(body);
        return http;
    }
}
