using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Notifications;
using Agora.Infrastructure.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Sends queued notifications by email. A message delivered twice is sent once (the delivery log); a failure
/// is retried by the queue and, after its last attempt, kept in notifications-poison, where an operator lists and
/// re-drives it (PoisonQueueFunctions).</summary>
public sealed class NotificationFunctions(NotificationSender sender)
{
    /// <summary>The message is read as text and parsed here with the API's JSON shape, so both hosts read it the same way
    /// (the worker's own POCO binding would not read enums written as names).</summary>
    [Function(nameof(SendNotification))]
    public async Task SendNotification([QueueTrigger(StorageNames.NotificationsQueue)] string message, CancellationToken cancellationToken)
    {
        var notification = JsonSerializer.Deserialize<Notification>(message, Json.Options)
            ?? throw new JsonException("The notification message is 'null'.");
        await sender.SendAsync(notification, cancellationToken).ConfigureAwait(false);
    }
}
