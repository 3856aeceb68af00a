using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Notifications;

namespace Agora.Infrastructure.Storage;

public sealed class StorageNotificationQueue(StorageClients storage) : INotificationQueue
{
    public async Task SendAsync(Notification notification, CancellationToken cancellationToken) =>
        await storage.Queues.GetQueueClient(StorageNames.NotificationsQueue)
            .SendMessageAsync(JsonSerializer.Serialize(notification, Json.Options), cancellationToken).ConfigureAwait(false);
}
