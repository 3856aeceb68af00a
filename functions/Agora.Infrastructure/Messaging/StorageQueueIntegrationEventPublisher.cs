using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Infrastructure.Storage;

namespace Agora.Infrastructure.Messaging;

/// <summary>Publishes integration events to the storage queue <see cref="StorageNames.IntegrationEventsQueue"/>, where no
/// Service Bus namespace is configured (locally, against Azurite). Each message (base64, as queue triggers expect) is the
/// envelope <c>{ id, type, tenant, subject, occurredAt, data }</c>, data being the event's JSON as it is.</summary>
public sealed class StorageQueueIntegrationEventPublisher(StorageClients storage) : IIntegrationEventPublisher
{
    public async Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var queue = storage.Queues.GetQueueClient(StorageNames.IntegrationEventsQueue);
        foreach (var e in events)
        {
            await queue.SendMessageAsync(new BinaryData(Envelope(e)), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The message text of <paramref name="e"/>.</summary>
    public static byte[] Envelope(IntegrationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("id", e.Id);
            writer.WriteString("type", e.Type);
            writer.WriteString("tenant", e.Tenant);
            writer.WriteString("subject", e.Subject);
            writer.WriteString("occurredAt", e.OccurredAt);
            writer.WritePropertyName("data");
            writer.WriteRawValue(e.Data); // validated: malformed data fails here, not at the subscriber
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
