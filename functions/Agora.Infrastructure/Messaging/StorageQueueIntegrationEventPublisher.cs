using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Infrastructure.Storage;

namespace Agora.Infrastructure.Messaging;

/// <summary>Publishes integration events to the storage queue <see cref="StorageNames.IntegrationEventsQueue"/>, where no
/// Service Bus namespace is configured (locally, against Azurite). Each message (base64, as queue triggers expect) is the
/// envelope <c>{ id, type, tenant, subject, occurredAt, data }</c>, data being the event's JSON as it is. A queue message
/// holds at most 64 KB (48 KB before base64) where the Service Bus topic it stands in for takes 256 KB, and the events of
/// a 1,000-line order are about 110 KB: an envelope past <see cref="MaxMessageBytes"/> keeps its data in the blob
/// container of the same name (created when first needed; locally only) and names it, <c>{ ..., dataBlob:
/// "integration-events/{id}.json" }</c>, so every event the application raises is published here too.</summary>
public sealed class StorageQueueIntegrationEventPublisher(StorageClients storage) : IIntegrationEventPublisher
{
    /// <summary>The largest envelope sent in the message itself (a queue message's 64 KB, less the base64 growth).</summary>
    public const int MaxMessageBytes = 48 * 1024;

    public async Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var queue = storage.Queues.GetQueueClient(StorageNames.IntegrationEventsQueue);
        foreach (var e in events)
        {
            var envelope = Envelope(e);
            if (envelope.Length > MaxMessageBytes)
            {
                var container = storage.Blobs.GetBlobContainerClient(StorageNames.IntegrationEventsQueue);
                await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var name = $"{e.Id}.json";
                await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(e.Data), overwrite: true, cancellationToken).ConfigureAwait(false);
                envelope = Envelope(e, $"{StorageNames.IntegrationEventsQueue}/{name}");
            }

            await queue.SendMessageAsync(new BinaryData(envelope), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The message text of <paramref name="e"/>: with its data, or naming the blob that holds it.</summary>
    public static byte[] Envelope(IntegrationEvent e, string? dataBlob = null)
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
            if (dataBlob is null)
            {
                writer.WritePropertyName("data");
                writer.WriteRawValue(e.Data); // validated: malformed data fails here, not at the subscriber
            }
            else
            {
                writer.WriteString("dataBlob", dataBlob);
            }
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
