namespace Agora.Core.Notifications;

public enum NotificationKind
{
    /// <summary>To the invited person: who invited them, to which organization, and the link to accept.</summary>
    InvitationSent,

    /// <summary>To the person who invited: the invitation lapsed unanswered.</summary>
    InvitationExpired,

    /// <summary>To a supplier's warehouse staff: the nightly reconciliation found stock drift.</summary>
    StockDiscrepancies,

    /// <summary>About a cart, a negotiated quote or an order: composed by the sales use case (subject, headline, details)
    /// with a link to the document in the portal.</summary>
    SalesUpdate,

    /// <summary>To a sales manager (or a supplier admin), each morning: the customer tasks needing attention that day, one
    /// per line (data <c>lines</c>), with a link to the task list.</summary>
    SalesTaskDigest,
}

/// <summary>A message to one person, recorded in the outbox of the document whose change caused it and delivered through
/// the notifications queue. <see cref="Id"/> makes delivery idempotent: the same id is sent at most once.</summary>
public sealed record Notification(
    string Id,
    NotificationKind Kind,
    string To,
    string? ToName,
    IReadOnlyDictionary<string, string> Data,
    DateTimeOffset CreatedAt);

/// <summary>The queue that carries notifications to their sender.</summary>
public interface INotificationQueue
{
    Task SendAsync(Notification notification, CancellationToken cancellationToken);
}

/// <summary>An email ready to send.</summary>
public sealed record EmailMessage(string To, string? ToName, string Subject, string Text, string Html);

public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

/// <summary>Which notifications were delivered, so a message delivered twice by the queue is sent once.</summary>
public interface IDeliveryLog
{
    /// <summary>True when <paramref name="notificationId"/> was already sent.</summary>
    Task<bool> WasSentAsync(string notificationId, CancellationToken cancellationToken);

    Task MarkSentAsync(string notificationId, DateTimeOffset sentAt, CancellationToken cancellationToken);
}
