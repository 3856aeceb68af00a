using System.Net;
using System.Net.Http.Json;

using Agora.Testing;

using Azure.Storage.Blobs;
using Azure.Storage.Queues.Models;

using Microsoft.Extensions.Time.Testing;

namespace Agora.LocalHost.Tests.Runtime;

public sealed class AdminEndpointTests
{
    [Fact]
    public async Task Admin_invoke_runs_a_queue_function_with_the_input_as_message_text()
    {
        await using var host = await TestHost.StartAsync([Meta.Queue<QueueFunctions>("Raw", nameof(QueueFunctions.Raw), SharedEmulators.Unique("q"))]);

        var response = await InvokeAsync(host, "Raw", "hand-made message");
        var message = (QueueMessage)(await host.Probe.WaitForAsync("raw"))[0]!;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("hand-made message", message.Body.ToString());
        Assert.Equal(0, message.DequeueCount);
    }

    [Fact]
    public async Task Admin_invoke_runs_a_timer_function_off_schedule()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 1, 6, 0, 0, 0, TimeSpan.Zero));
        await using var host = await TestHost.StartAsync([Meta.Timer<TimerFunctions>("Nightly", nameof(TimerFunctions.Tick), "0 0 2 * * *")], clock: clock);

        var response = await InvokeAsync(host, "nightly", "ignored");
        var tick = (Tick)(await host.Probe.WaitForAsync("tick"))[0]!;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(clock.GetUtcNow(), tick.At);
        Assert.False(tick.Timer.IsPastDue);
    }

    [Fact]
    public async Task Admin_invoke_runs_a_blob_function_on_the_blob_named_by_the_input()
    {
        var endpoints = await SharedEmulators.GetAsync();
        var container = new BlobContainerClient(endpoints.StorageConnectionString, SharedEmulators.Unique("imports"));
        await using var host = await TestHost.StartAsync(
            [Meta.Blob<BlobFunctions>("Import", nameof(BlobFunctions.Import), $"{container.Name}/{{supplierId}}/{{name}}")],
            blobPollingInterval: TimeSpan.FromHours(1));
        await container.GetBlobClient("sup-9/list.csv").UploadAsync(BinaryData.FromString("a;b"));

        var response = await InvokeAsync(host, "Import", $"{container.Name}/sup-9/list.csv");
        var seen = (BlobSeen)(await host.Probe.WaitForAsync("blob"))[0]!;

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(("sup-9", "list.csv", "a;b"), (seen.SupplierId, seen.Name, seen.Content));
    }

    [Theory]
    [InlineData("Raw", null, HttpStatusCode.Unauthorized)]
    [InlineData("Raw", TestHost.FunctionKey, HttpStatusCode.Unauthorized)]
    [InlineData("NoSuchFunction", TestHost.MasterKey, HttpStatusCode.NotFound)]
    [InlineData("Poco", TestHost.MasterKey, HttpStatusCode.BadRequest)]
    public async Task Admin_invoke_needs_the_master_key_and_a_known_non_http_function(string name, string? key, HttpStatusCode expected)
    {
        await using var host = await TestHost.StartAsync(
        [
            Meta.Queue<QueueFunctions>("Raw", nameof(QueueFunctions.Raw), SharedEmulators.Unique("q")),
            Meta.Http<HttpFunctions>("Poco", nameof(HttpFunctions.Poco)),
        ]);

        var response = await InvokeAsync(host, name, "x", key);

        Assert.Equal(expected, response.StatusCode);
        Assert.Empty(host.Probe.Values("raw"));
    }

    private static Task<HttpResponseMessage> InvokeAsync(TestHost host, string name, string input, string? key = TestHost.MasterKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/functions/{name}") { Content = JsonContent.Create(new { input }) };
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return host.Client.SendAsync(request);
    }
}
