using System.Text.Json;
using Agora.Core.Integration;
using Agora.Infrastructure.Messaging;
using Agora.Infrastructure.Storage;
using Agora.Testing;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agora.Infrastructure.Tests;

/// <summary>There is no Service Bus emulator here (DESIGN.md section 2): the Service Bus publisher is checked on the
/// messages it builds and the batches it sends to a stand-in sender; the storage-queue publisher against Azurite.</summary>
public sealed class IntegrationEventPublisherTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private static readonly DateTimeOffset At = new(2026, 11, 20, 14, 30, 5, TimeSpan.FromHours(-3));

    private static IntegrationEvent Event(string id, string data = """{"orderId":"o-1","city":"São Paulo","total":1899.9}""") =>
        new(id, "order.placed", "construtora-horizonte", "order:o-1", At, data);

    [Fact]
    public void The_service_bus_message_carries_the_event_id_for_duplicate_detection_and_what_subscribers_filter_on()
    {
        var e = Event("evt-01J9ZQ");

        var message = ServiceBusIntegrationEventPublisher.ToMessage(e);

        Assert.Equal("evt-01J9ZQ", message.MessageId);
        Assert.Equal("order.placed", message.Subject);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(e.Data, message.Body.ToString());
        Assert.Equal(
            new Dictionary<string, object>
            {
                ["type"] = "order.placed",
                ["tenant"] = "construtora-horizonte",
                ["subject"] = "order:o-1",
                ["occurredAt"] = "2026-11-20T14:30:05.0000000-03:00",
            },
            message.ApplicationProperties);
    }

    [Fact]
    public void Publishing_the_same_event_again_builds_a_message_with_the_same_id()
    {
        var first = ServiceBusIntegrationEventPublisher.ToMessage(Event("evt-1"));
        var again = ServiceBusIntegrationEventPublisher.ToMessage(Event("evt-1"));

        Assert.Equal(first.MessageId, again.MessageId);
        Assert.Equal(first.Body.ToString(), again.Body.ToString());
    }

    [Fact]
    public async Task Events_go_to_the_configured_topic_in_order_in_as_few_batches_as_fit()
    {
        var client = new RecordingServiceBusClient(messagesPerBatch: 2);
        await using var publisher = new ServiceBusIntegrationEventPublisher(client, Options.Create(new ServiceBusOptions { Topic = "erp-events" }));

        await publisher.PublishAsync([Event("e1"), Event("e2"), Event("e3"), Event("e4"), Event("e5")], default);

        Assert.Equal("erp-events", client.Topic);
        Assert.Equal([["e1", "e2"], ["e3", "e4"], ["e5"]], client.Sender.Batches);
    }

    [Fact]
    public async Task An_event_larger_than_a_message_can_be_fails_naming_the_event()
    {
        var client = new RecordingServiceBusClient(messagesPerBatch: 0);
        await using var publisher = new ServiceBusIntegrationEventPublisher(client, Options.Create(new ServiceBusOptions()));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => publisher.PublishAsync([Event("huge")], default));

        Assert.Contains("'huge'", error.Message, StringComparison.Ordinal);
        Assert.Equal("integration-events", client.Topic);
        Assert.Empty(client.Sender.Batches);
    }

    [Fact]
    public async Task The_storage_queue_publisher_sends_each_event_as_an_envelope_with_its_data_as_is()
    {
        var publisher = new StorageQueueIntegrationEventPublisher(fixture.Get<StorageClients>());
        var ids = new[] { SharedEmulators.Unique("evt"), SharedEmulators.Unique("evt") };

        await publisher.PublishAsync([Event(ids[0]), Event(ids[1], """{"n":2}""")], default);

        var queue = fixture.Get<StorageClients>().Queues.GetQueueClient(StorageNames.IntegrationEventsQueue);
        var received = (await queue.ReceiveMessagesAsync(32)).Value
            .Select(m => JsonDocument.Parse(m.Body).RootElement)
            .Where(m => ids.Contains(m.GetProperty("id").GetString()))
            .ToArray();
        Assert.Equal(ids, received.Select(m => m.GetProperty("id").GetString()));
        var first = received[0];
        Assert.Equal("order.placed", first.GetProperty("type").GetString());
        Assert.Equal("construtora-horizonte", first.GetProperty("tenant").GetString());
        Assert.Equal("order:o-1", first.GetProperty("subject").GetString());
        Assert.Equal(At, first.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal("São Paulo", first.GetProperty("data").GetProperty("city").GetString());
        Assert.Equal(2, received[1].GetProperty("data").GetProperty("n").GetInt32());
    }

    [Fact]
    public async Task An_event_larger_than_a_queue_message_is_sent_with_its_data_in_a_blob()
    {
        // The events of a 1,000-line order are about 110 KB; Service Bus takes them, a storage queue message (64 KB) does not.
        var storage = fixture.Get<StorageClients>();
        var publisher = new StorageQueueIntegrationEventPublisher(storage);
        var id = SharedEmulators.Unique("evt");
        var data = JsonSerializer.Serialize(new { lines = Enumerable.Range(1, 1000).Select(i => new { line = i, sku = $"FER-{i:D6}-FURADEIRA-650W", unit = "UN", quantity = 2.5m, unitPrice = 1899.9m, lineTotal = 4749.75m }) });
        Assert.True(data.Length > 100_000);

        await publisher.PublishAsync([Event(id, data)], default);

        var queue = storage.Queues.GetQueueClient(StorageNames.IntegrationEventsQueue);
        var message = (await queue.ReceiveMessagesAsync(32)).Value.Select(m => JsonDocument.Parse(m.Body).RootElement).Single(m => m.GetProperty("id").GetString() == id);
        Assert.Equal("order.placed", message.GetProperty("type").GetString());
        Assert.False(message.TryGetProperty("data", out _));
        var blob = message.GetProperty("dataBlob").GetString()!.Split('/', 2);
        var stored = await storage.Blobs.GetBlobContainerClient(blob[0]).GetBlobClient(blob[1]).DownloadContentAsync();
        Assert.Equal(data, stored.Value.Content.ToString());
    }

    [Fact]
    public async Task The_storage_queue_publisher_refuses_data_that_is_not_json()
    {
        var publisher = new StorageQueueIntegrationEventPublisher(fixture.Get<StorageClients>());

        await Assert.ThrowsAnyAsync<JsonException>(() => publisher.PublishAsync([Event("bad", "{not json")], default));
    }

    [Theory]
    [InlineData("sb-agora.servicebus.windows.net", typeof(ServiceBusIntegrationEventPublisher))]
    [InlineData(null, typeof(StorageQueueIntegrationEventPublisher))]
    [InlineData("", typeof(StorageQueueIntegrationEventPublisher))]
    public async Task A_configured_namespace_chooses_service_bus_and_its_absence_the_storage_queue(string? serviceBusNamespace, Type expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["ServiceBus:FullyQualifiedNamespace"] = serviceBusNamespace,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddAgoraInfrastructure(configuration);
        await using var provider = services.BuildServiceProvider();

        Assert.IsType(expected, provider.GetRequiredService<IIntegrationEventPublisher>());
    }

    /// <summary>A client whose sender records the ids of each batch it is asked to send (the Azure SDK's mocking support:
    /// protected constructors, virtual members and ServiceBusModelFactory).</summary>
    private sealed class RecordingServiceBusClient(int messagesPerBatch) : ServiceBusClient
    {
        public string? Topic { get; private set; }

        public RecordingSender Sender { get; } = new(messagesPerBatch);

        public override ServiceBusSender CreateSender(string queueOrTopicName)
        {
            Topic = queueOrTopicName;
            return Sender;
        }
    }

    private sealed class RecordingSender(int messagesPerBatch) : ServiceBusSender
    {
        private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _contents = [];

        public List<string[]> Batches { get; } = [];

        public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
            CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

        public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
        {
            var store = new List<ServiceBusMessage>();
            var batch = ServiceBusModelFactory.ServiceBusMessageBatch(256 * 1024, store, options, _ => store.Count < messagesPerBatch);
            _contents[batch] = store;
            return ValueTask.FromResult(batch);
        }

        public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
        {
            Batches.Add(_contents[messageBatch].Select(m => m.MessageId).ToArray());
            return Task.CompletedTask;
        }

        /// <summary>Nothing to close: there is no connection.</summary>
        public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
