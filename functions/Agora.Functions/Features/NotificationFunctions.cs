using Agora.Core.Notifications;
using Agora.Infrastructure.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Sends queued notifications by email. A message delivered twice is sent once (the delivery log); a failure
/// is retried by the queue and, after its last attempt, kept in notifications-poison.</summary>
public sealed class NotificationFunctions(NotificationSender sender)
{
    [Function(nameof(SendNotification))]
    public Task SendNotification([QueueTrigger(StorageNames.NotificationsQueue)] Notification notification, CancellationToken cancellationToken) =>
        sender.SendAsync(notification, cancellationToken);
}
