using Agora.Core.Common;
using Agora.Core.Notifications;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Accounts;

/// <summary>Hands an organization's outbox to the notifications queue, then removes what was handed over. A failure leaves
/// the rest in the outbox for the next change of the same organization (or the nightly timer) to send: a notification may
/// be queued twice, which the consumer's delivery log absorbs, but is never lost.</summary>
public sealed partial class OutboxDispatcher(IOrganizationStore organizations, INotificationQueue queue, ILogger<OutboxDispatcher> logger)
{
    public async Task<Versioned<Organization>> DispatchAsync(Versioned<Organization> current, CancellationToken cancellationToken)
    {
        if (current.Value.Outbox.Count == 0)
        {
            return current;
        }

        var sent = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var notification in current.Value.Outbox)
            {
                await queue.SendAsync(notification, cancellationToken).ConfigureAwait(false);
                sent.Add(notification.Id);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogQueueFailed(logger, e, current.Value.Id, current.Value.Outbox.Count - sent.Count);
        }

        for (var attempt = 1; attempt <= 5 && sent.Count > 0; attempt++)
        {
            var remaining = current.Value.Outbox.Where(n => !sent.Contains(n.Id)).ToArray();
            try
            {
                return await organizations.ReplaceAsync(current.Value with { Outbox = remaining }, current.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
            {
                current = await organizations.FindAsync(current.Value.Id, cancellationToken).ConfigureAwait(false) ?? current;
            }
        }

        return current;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue {Remaining} notifications of organization {OrgId}; they stay in its outbox")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception, string orgId, int remaining);
}
