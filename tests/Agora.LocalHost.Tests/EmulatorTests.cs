using Agora.Testing;
using Azure.Storage.Queues;

namespace Agora.LocalHost.Tests;

public sealed class EmulatorTests
{
    [Fact]
    public async Task Azurite_started_by_the_fixture_accepts_queue_messages_from_the_current_SDK()
    {
        var endpoints = await SharedEmulators.GetAsync();
        var queue = new QueueClient(endpoints.StorageConnectionString, SharedEmulators.Unique("q"), new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();

        await queue.SendMessageAsync("hello");

        var received = await queue.ReceiveMessageAsync();
        Assert.Equal("hello", received.Value.MessageText);
    }
}
