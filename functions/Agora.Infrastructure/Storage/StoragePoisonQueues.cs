using System.Text;
using Agora.Core.Operations;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace Agora.Infrastructure.Storage;

/// <summary>The Functions host's poison queues (<c>{queue}-poison</c>, where a message goes after its last attempt, its
/// text unchanged). Messages move as text, without decoding, so a re-driven message is byte for byte what the producer
/// sent, base64 or not.</summary>
public sealed class StoragePoisonQueues(StorageClients storage) : IPoisonQueues
{
    /// <summary>Long enough to send a received message back and delete it; a message not settled in time reappears.</summary>
    private static readonly TimeSpan Hold = TimeSpan.FromSeconds(60);

    public IReadOnlyList<string> Queues => StorageNames.Queues;

    public static string PoisonQueueOf(string queue) => $"{queue}-poison";

    public async Task<PoisonQueueView> PeekAsync(string queue, int max, CancellationToken cancellationToken)
    {
        var poison = Poison(queue);
        if (!(await poison.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
        {
            return new PoisonQueueView(queue, poison.Name, 0, []);
        }

        var count = (await poison.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        var messages = max <= 0 ? [] : (await poison.PeekMessagesAsync(Math.Min(max, 32), cancellationToken).ConfigureAwait(false)).Value;
        return new PoisonQueueView(queue, poison.Name, count, messages.Select(m => new PoisonMessage(m.MessageId, m.InsertedOn, m.ExpiresOn, Decoded(m.MessageText))).ToArray());
    }

    public async Task<bool> RedriveAsync(string queue, string messageId, CancellationToken cancellationToken)
    {
        var poison = Poison(queue);
        if (!(await poison.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
        {
            return false;
        }

        // Receiving hides what is looked at; what is not the message is shown again at once when the search ends.
        var held = new List<QueueMessage>();
        try
        {
            while (held.Count < Core.Operations.PoisonMessages.MaxRedriven)
            {
                var batch = (await poison.ReceiveMessagesAsync(32, Hold, cancellationToken).ConfigureAwait(false)).Value;
                if (batch.Length == 0)
                {
                    return false;
                }

                held.AddRange(batch.Where(m => m.MessageId != messageId));
                if (batch.FirstOrDefault(m => m.MessageId == messageId) is { } found)
                {
                    await MoveAsync(poison, queue, found, cancellationToken).ConfigureAwait(false);
                    return true;
                }
            }

            return false;
        }
        finally
        {
            foreach (var message in held)
            {
                try
                {
                    await poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
                catch (RequestFailedException)
                {
                    // It shows again when its hold ends.
                }
            }
        }
    }

    public async Task<Redrive> RedriveAllAsync(string queue, int max, CancellationToken cancellationToken)
    {
        var poison = Poison(queue);
        if (!(await poison.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
        {
            return new Redrive(queue, 0, 0);
        }

        var moved = 0;
        while (moved < max)
        {
            var batch = (await poison.ReceiveMessagesAsync(Math.Min(32, max - moved), Hold, cancellationToken).ConfigureAwait(false)).Value;
            if (batch.Length == 0)
            {
                break;
            }

            foreach (var message in batch)
            {
                await MoveAsync(poison, queue, message, cancellationToken).ConfigureAwait(false);
                moved++;
            }
        }

        var remaining = (await poison.GetPropertiesAsync(cancellationToken).ConfigureAwait(false)).Value.ApproximateMessagesCount;
        return new Redrive(queue, moved, remaining);
    }

    /// <summary>Sends first, then deletes: a failure in between leaves a copy in both queues, which the idempotent
    /// consumers absorb, rather than none.</summary>
    private async Task MoveAsync(QueueClient poison, string queue, QueueMessage message, CancellationToken cancellationToken)
    {
        var target = storage.RawQueues.GetQueueClient(queue);
        await target.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await target.SendMessageAsync(message.MessageText, cancellationToken).ConfigureAwait(false);
        await poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None).ConfigureAwait(false);
    }

    private QueueClient Poison(string queue) => storage.RawQueues.GetQueueClient(PoisonQueueOf(queue));

    private static string Decoded(string text)
    {
        var buffer = new byte[((text.Length * 3) / 4) + 3];
        if (Convert.TryFromBase64String(text, buffer, out var written))
        {
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, written);
            }
            catch (DecoderFallbackException)
            {
            }
        }

        return text;
    }
}
