using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

using Agora.Testing;

using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;

namespace Agora.LocalHost.Tests.Runtime;

public sealed record BlobSeen(string SupplierId, string Name, string BlobTrigger, Uri Uri, string Content);

public sealed class BlobFunctions(Probe probe)
{
    public void Import(string blob, string supplierId, string name, string blobTrigger, Uri uri) =>
        probe.Record("blob", new BlobSeen(supplierId, name, blobTrigger, uri, blob));

    public async Task Streamed(Stream blob, string name, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(blob);
        probe.Record("blob", $"{name}:{await reader.ReadToEndAsync(cancellationToken)}");
    }

    public async Task Client(BlockBlobClient blob, Uri uri)
    {
        var content = await blob.DownloadContentAsync();
        probe.Record("blob", $"{blob.Name}:{content.Value.Content}:{uri == blob.Uri}");
    }

    public void AlwaysFails(byte[] blob, string name)
    {
        probe.Record("attempt", name);
        throw new InvalidOperationException("cannot import");
    }
}

public sealed class BlobTriggerTests
{
    [Fact]
    public async Task A_blob_is_processed_once_with_its_path_parameters_and_binding_data()
    {
        var container = await ContainerAsync();
        await using var host = await TestHost.StartAsync([Import(container)]);

        var blob = container.GetBlobClient("sup-1/2025/prices.csv");
        await blob.UploadAsync(BinaryData.FromString("sku;price"));
        var seen = (BlobSeen)(await host.Probe.WaitForAsync("blob"))[0]!;

        Assert.Equal(new BlobSeen("sup-1", "2025/prices.csv", $"{container.Name}/sup-1/2025/prices.csv", blob.Uri, "sku;price"), seen);
        var etag = (await blob.GetPropertiesAsync()).Value.ETag.ToString();
        var receipt = container.GetParentBlobServiceClient().GetBlobContainerClient("azure-webjobs-hosts")
            .GetBlobClient($"blobreceipts/{host.HostId}/Host.Functions.Import/{etag}/{container.Name}/sup-1/2025/prices.csv");
        await Eventually.TrueAsync(() => receipt.Exists().Value && !receipt.GetProperties().Value.Metadata.ContainsKey("Incomplete"), "the receipt to be completed");
    }

    [Fact]
    public async Task A_processed_blob_is_not_processed_again_after_a_restart_but_is_when_its_content_changes()
    {
        var container = await ContainerAsync();
        var hostId = SharedEmulators.Unique("blobhost");
        var probe = new Probe();
        await using (var first = await TestHost.StartAsync([Import(container)], hostId: hostId, probe: probe))
        {
            await container.GetBlobClient("sup-1/a.csv").UploadAsync(BinaryData.FromString("v1"));
            await probe.WaitForAsync("blob", 1);
        }

        await using var second = await TestHost.StartAsync([Import(container)], hostId: hostId, probe: probe);
        await container.GetBlobClient("sup-1/m1.csv").UploadAsync(BinaryData.FromString("marker"));
        await probe.WaitForAsync("blob", 2);
        // A second marker is seen by a later scan than the first, so by now a.csv was looked at at least once.
        await container.GetBlobClient("sup-1/m2.csv").UploadAsync(BinaryData.FromString("marker"));
        await probe.WaitForAsync("blob", 3);
        await container.GetBlobClient("sup-1/a.csv").UploadAsync(BinaryData.FromString("v2"), overwrite: true);
        await probe.WaitForAsync("blob", 4);

        Assert.Equal(["v1", "marker", "marker", "v2"], probe.Values("blob").Cast<BlobSeen>().Select(b => b.Content));
    }

    [Fact]
    public async Task An_incomplete_receipt_left_by_a_crash_is_processed_again_and_a_complete_one_is_not()
    {
        var container = await ContainerAsync();
        var hostId = SharedEmulators.Unique("blobhost");
        var hosts = container.GetParentBlobServiceClient().GetBlobContainerClient("azure-webjobs-hosts");
        await hosts.CreateIfNotExistsAsync();
        await container.CreateIfNotExistsAsync();
        foreach (var (name, incomplete) in new[] { ("sup-1/crashed.csv", true), ("sup-1/done.csv", false) })
        {
            var blob = container.GetBlobClient(name);
            await blob.UploadAsync(BinaryData.FromString(name));
            var etag = (await blob.GetPropertiesAsync()).Value.ETag.ToString();
            await hosts.GetBlobClient($"blobreceipts/{hostId}/Host.Functions.Import/{etag}/{container.Name}/{name}").UploadAsync(BinaryData.Empty,
                new BlobUploadOptions { Metadata = incomplete ? new Dictionary<string, string> { ["Incomplete"] = "true" } : null });
        }

        await using var host = await TestHost.StartAsync([Import(container)], hostId: hostId);
        await container.GetBlobClient("sup-1/m1.csv").UploadAsync(BinaryData.FromString("marker"));
        await host.Probe.WaitForAsync("blob", 2);
        await container.GetBlobClient("sup-1/m2.csv").UploadAsync(BinaryData.FromString("marker"));
        await host.Probe.WaitForAsync("blob", 3);

        Assert.Equal(["crashed.csv", "m1.csv", "m2.csv"], host.Probe.Values("blob").Cast<BlobSeen>().Select(b => b.Name).Order());
    }

    [Fact]
    public async Task The_event_grid_webhook_answers_the_validation_handshake_and_processes_BlobCreated()
    {
        var container = await ContainerAsync();
        await using var host = await TestHost.StartAsync(
            [Meta.Blob<BlobFunctions>("Streamed", nameof(BlobFunctions.Streamed), $"{container.Name}/{{name}}")],
            blobPollingInterval: TimeSpan.FromHours(1));
        var webhook = $"/runtime/webhooks/blobs?functionName=Host.Functions.Streamed&code={TestHost.MasterKey}";

        using var validation = new HttpRequestMessage(HttpMethod.Post, webhook) { Content = JsonContent.Create(new[] { new { id = "1", eventType = "Microsoft.EventGrid.SubscriptionValidationEvent", data = new { validationCode = "abc-123" } } }) };
        validation.Headers.Add("aeg-event-type", "SubscriptionValidation");
        var handshake = await host.Client.SendAsync(validation);

        var blob = container.GetBlobClient("dropped.txt");
        await blob.UploadAsync(BinaryData.FromString("hello"));
        var properties = (await blob.GetPropertiesAsync()).Value;
        using var notification = new HttpRequestMessage(HttpMethod.Post, webhook)
        {
            Content = JsonContent.Create(new[]
            {
                new { id = "2", eventType = "Microsoft.Storage.BlobCreated", subject = $"/blobServices/default/containers/{container.Name}/blobs/dropped.txt", data = new { url = blob.Uri.ToString(), eTag = properties.ETag.ToString().Trim('"'), blobType = "BlockBlob" } },
            }),
        };
        notification.Headers.Add("aeg-event-type", "Notification");
        var accepted = await host.Client.SendAsync(notification);

        Assert.Equal(HttpStatusCode.OK, handshake.StatusCode);
        Assert.Equal("abc-123", (await handshake.Content.ReadFromJsonAsync<JsonObject>())!["validationResponse"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(["dropped.txt:hello"], await host.Probe.WaitForAsync("blob"));
    }

    [Fact]
    public async Task The_webhook_also_takes_a_cloud_event()
    {
        var container = await ContainerAsync();
        await using var host = await TestHost.StartAsync(
            [Meta.Blob<BlobFunctions>("Streamed", nameof(BlobFunctions.Streamed), $"{container.Name}/{{name}}")],
            blobPollingInterval: TimeSpan.FromHours(1));
        var blob = container.GetBlobClient("cloud.txt");
        await container.CreateIfNotExistsAsync();
        await blob.UploadAsync(BinaryData.FromString("event"));
        using var notification = new HttpRequestMessage(HttpMethod.Post, "/runtime/webhooks/blobs?functionName=Host.Functions.Streamed")
        {
            Content = JsonContent.Create(new { specversion = "1.0", id = "3", type = "Microsoft.Storage.BlobCreated", source = "/storage", data = new { url = blob.Uri.ToString() } }),
        };
        notification.Headers.Add("aeg-event-type", "Notification");
        notification.Headers.Add("x-functions-key", TestHost.MasterKey);

        var accepted = await host.Client.SendAsync(notification);

        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(["cloud.txt:event"], await host.Probe.WaitForAsync("blob"));
    }

    [Theory]
    [InlineData("Host.Functions.Streamed", null, HttpStatusCode.Unauthorized)]
    [InlineData("Host.Functions.Streamed", TestHost.FunctionKey, HttpStatusCode.Unauthorized)]
    [InlineData("Host.Functions.Missing", TestHost.MasterKey, HttpStatusCode.NotFound)]
    public async Task The_webhook_needs_the_master_key_and_a_known_function(string functionName, string? key, HttpStatusCode expected)
    {
        var container = await ContainerAsync();
        await using var host = await TestHost.StartAsync([Meta.Blob<BlobFunctions>("Streamed", nameof(BlobFunctions.Streamed), $"{container.Name}/{{name}}")]);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/runtime/webhooks/blobs?functionName={functionName}&code={key}") { Content = JsonContent.Create(Array.Empty<object>()) };
        request.Headers.Add("aeg-event-type", "Notification");

        Assert.Equal(expected, (await host.Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_blob_that_always_fails_is_tried_five_times_then_reported_on_the_host_poison_queue()
    {
        var container = await ContainerAsync();
        await using var host = await TestHost.StartAsync(
            [Meta.Blob<BlobFunctions>("FailingImport", nameof(BlobFunctions.AlwaysFails), $"{container.Name}/{{name}}")], Meta.FastQueues());
        var poison = new QueueClient(host.StorageConnectionString, "webjobs-blobtrigger-poison", new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

        var blob = container.GetBlobClient("bad.csv");
        await blob.UploadAsync(BinaryData.FromString("garbage"));
        var etag = (await blob.GetPropertiesAsync()).Value.ETag.ToString();
        var message = await Eventually.ValueAsync(async () =>
        {
            if (!(await poison.ExistsAsync()).Value)
            {
                return null;
            }

            return (await poison.PeekMessagesAsync(32)).Value
                .Select(m => JsonNode.Parse(m.Body.ToString())!.AsObject())
                .FirstOrDefault(m => m["ContainerName"]?.GetValue<string>() == container.Name);
        }, "the poison message");

        Assert.Equal(5, host.Probe.Values("attempt").Count);
        Assert.Equal("BlobTrigger", message["Type"]!.GetValue<string>());
        Assert.Equal("Host.Functions.FailingImport", message["FunctionId"]!.GetValue<string>());
        Assert.Equal("BlockBlob", message["BlobType"]!.GetValue<string>());
        Assert.Equal("bad.csv", message["BlobName"]!.GetValue<string>());
        Assert.Equal(etag, message["ETag"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_blob_trigger_binds_to_a_BlockBlobClient()
    {
        var container = await ContainerAsync();
        await using var host = await TestHost.StartAsync([Meta.Blob<BlobFunctions>("Client", nameof(BlobFunctions.Client), $"{container.Name}/in/{{name}}")]);

        await container.GetBlobClient("out/ignored.txt").UploadAsync(BinaryData.FromString("no"));
        await container.GetBlobClient("in/x.txt").UploadAsync(BinaryData.FromString("yes"));

        Assert.Equal(["in/x.txt:yes:True"], await host.Probe.WaitForAsync("blob"));
    }

    private static JsonObject Import(BlobContainerClient container) =>
        Meta.Blob<BlobFunctions>("Import", nameof(BlobFunctions.Import), $"{container.Name}/{{supplierId}}/{{name}}");

    private static async Task<BlobContainerClient> ContainerAsync()
    {
        var endpoints = await SharedEmulators.GetAsync();
        return new BlobContainerClient(endpoints.StorageConnectionString, SharedEmulators.Unique("imports"));
    }
}
