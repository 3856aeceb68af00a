using Agora.Core.Common;

namespace Agora.Core.Operations;

/// <summary>A message that failed its last attempt and was moved to its queue's poison queue.</summary>
/// <param name="Id">The poison queue's message id (what re-driving one message names).</param>
/// <param name="PoisonedAt">When it was moved to the poison queue.</param>
/// <param name="ExpiresAt">When storage deletes it unless it is re-driven (7 days after it was poisoned).</param>
/// <param name="Text">Its content as its function reads it (the base64 of the queue decoded, when it is base64).</param>
public sealed record PoisonMessage(string Id, DateTimeOffset? PoisonedAt, DateTimeOffset? ExpiresAt, string Text);

/// <summary>A queue's poison queue: roughly how many messages it holds, and the oldest of them.</summary>
public sealed record PoisonQueueView(string Queue, string PoisonQueue, int ApproximateCount, IReadOnlyList<PoisonMessage> Messages);

/// <summary>What a re-drive moved back: <paramref name="Moved"/> messages; roughly <paramref name="Remaining"/> are left.</summary>
public sealed record Redrive(string Queue, int Moved, int Remaining);

/// <summary>The poison queues of the queue triggers, as storage holds them.</summary>
public interface IPoisonQueues
{
    /// <summary>The queues whose poison queues operators may read and re-drive (the queue triggers' queues).</summary>
    IReadOnlyList<string> Queues { get; }

    Task<PoisonQueueView> PeekAsync(string queue, int max, CancellationToken cancellationToken);

    /// <summary>Moves the message back to <paramref name="queue"/>, its content unchanged; false when it is not there.</summary>
    Task<bool> RedriveAsync(string queue, string messageId, CancellationToken cancellationToken);

    /// <summary>Moves up to <paramref name="max"/> messages back to <paramref name="queue"/>, oldest first.</summary>
    Task<Redrive> RedriveAllAsync(string queue, int max, CancellationToken cancellationToken);
}

/// <summary>For operators: see what kept failing, and send it back to its queue once the cause is fixed (a re-driven
/// message starts again with five attempts). Who may do this is decided by the host's key (the functions are
/// admin-level), not by an organization role: poison messages belong to no single tenant.</summary>
public sealed class PoisonMessages(IPoisonQueues queues)
{
    /// <summary>The most messages one listing shows (storage peeks at most 32).</summary>
    public const int MaxListed = 32;

    /// <summary>The most messages one re-drive of a whole queue moves; call again for the rest.</summary>
    public const int MaxRedriven = 1000;

    public Task<PoisonQueueView> ListAsync(string queue, CancellationToken cancellationToken) =>
        queues.PeekAsync(Known(queue), MaxListed, cancellationToken);

    public async Task<Redrive> RedriveAsync(string queue, string messageId, CancellationToken cancellationToken)
    {
        var name = Known(queue);
        if (messageId.Length is 0 or > 100 || !await queues.RedriveAsync(name, messageId, cancellationToken).ConfigureAwait(false))
        {
            throw DomainException.NotFound("Poison message", messageId);
        }

        return new Redrive(name, 1, (await queues.PeekAsync(name, 0, cancellationToken).ConfigureAwait(false)).ApproximateCount);
    }

    public Task<Redrive> RedriveAllAsync(string queue, CancellationToken cancellationToken) =>
        queues.RedriveAllAsync(Known(queue), MaxRedriven, cancellationToken);

    private string Known(string queue) =>
        queues.Queues.FirstOrDefault(q => string.Equals(q, queue, StringComparison.Ordinal)) ?? throw DomainException.NotFound("Queue", queue);
}
