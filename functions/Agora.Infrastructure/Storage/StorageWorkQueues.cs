using Agora.Core.Notifications;
using Agora.Core.Ordering;
using Agora.Core.Pricing;

namespace Agora.Infrastructure.Storage;

/// <summary>The internal work queues: each message is the API's JSON of one item, read back by its queue trigger, led by
/// the trace it was sent in (<see cref="MessageTrace"/>), so the work a request causes links back to that request.</summary>
public sealed class StorageWorkQueues(StorageClients storage) : INotificationQueue, IPriceListPurgeQueue, ISalesQueue
{
    public Task SendAsync(Notification notification, CancellationToken cancellationToken) =>
        SendAsync(StorageNames.NotificationsQueue, notification, cancellationToken);

    public Task SendAsync(PriceListPurge purge, CancellationToken cancellationToken) =>
        SendAsync(StorageNames.PriceListPurgesQueue, purge, cancellationToken);

    public async Task SendAsync(SalesWork work, CancellationToken cancellationToken, TimeSpan? delay = null) =>
        await storage.Queues.GetQueueClient(StorageNames.SalesQueue).SendMessageAsync(MessageTrace.Serialize(work), delay, cancellationToken: cancellationToken).ConfigureAwait(false);

    private async Task SendAsync<T>(string queue, T message, CancellationToken cancellationToken) =>
        await storage.Queues.GetQueueClient(queue).SendMessageAsync(MessageTrace.Serialize(message), cancellationToken).ConfigureAwait(false);
}
