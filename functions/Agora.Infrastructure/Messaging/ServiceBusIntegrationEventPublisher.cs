using System.Globalization;
using Agora.Core.Integration;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Options;

namespace Agora.Infrastructure.Messaging;

/// <summary>Publishes integration events to the Service Bus topic <see cref="ServiceBusOptions.Topic"/>. The message id is
/// the event id, so the topic's duplicate detection drops an event an outbox publishes twice; subscribers filter on the
/// subject (the event type) and the application properties.</summary>
public sealed class ServiceBusIntegrationEventPublisher(ServiceBusClient client, IOptions<ServiceBusOptions> options) : IIntegrationEventPublisher, IAsyncDisposable
{
    public const string ContentType = "application/json";

    private readonly ServiceBusSender _sender = client.CreateSender(options.Value.Topic);

    /// <summary>The message for <paramref name="e"/>: body = <see cref="IntegrationEvent.Data"/>, MessageId = the event id,
    /// Subject = the event type, application properties <c>type</c>, <c>tenant</c>, <c>subject</c>, <c>occurredAt</c>.</summary>
    public static ServiceBusMessage ToMessage(IntegrationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var message = new ServiceBusMessage(BinaryData.FromString(e.Data))
        {
            MessageId = e.Id,
            Subject = e.Type,
            ContentType = ContentType,
        };
        message.ApplicationProperties["type"] = e.Type;
        message.ApplicationProperties["tenant"] = e.Tenant;
        message.ApplicationProperties["subject"] = e.Subject;
        message.ApplicationProperties["occurredAt"] = e.OccurredAt.ToString("O", CultureInfo.InvariantCulture);
        return message;
    }

    public async Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var next = 0;
        while (next < events.Count)
        {
            // As many as fit in one batch (one send, in order); an event too large for an empty batch cannot be sent.
            using var batch = await _sender.CreateMessageBatchAsync(cancellationToken).ConfigureAwait(false);
            while (next < events.Count && batch.TryAddMessage(ToMessage(events[next])))
            {
                next++;
            }

            if (batch.Count == 0)
            {
                throw new InvalidOperationException($"Integration event '{events[next].Id}' ({events[next].Type}) is larger than a Service Bus message can be ({batch.MaxSizeInBytes} bytes).");
            }

            await _sender.SendMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => _sender.DisposeAsync();
}
