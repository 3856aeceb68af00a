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

        if (sent.Count == 0)
        {
            return current;
        }

        try
        {
            return await Concurrency.RetryAsync($"Organization '{current.Value.Id}'", async attempt =>
            {
                if (attempt > 1)
                {
                    current = await organizations.FindAsync(current.Value.Id, cancellationToken).ConfigureAwait(false) ?? current;
                }

                var remaining = current.Value.Outbox.Where(n => !sent.Contains(n.Id)).ToArray();
                return await organizations.ReplaceAsync(current.Value with { Outbox = remaining }, current.ETag, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (DomainException e) when (e.RetryAfter is not null)
        {
            // Busy: what was queued stays in the outbox and is queued again with the next change; the consumer's delivery
            // log makes the second copy harmless.
            return current;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not queue {Remaining} notifications of organization {OrgId}; they stay in its outbox")]
    private static partial void LogQueueFailed(ILogger logger, Exception exception, string orgId, int remaining);
}
