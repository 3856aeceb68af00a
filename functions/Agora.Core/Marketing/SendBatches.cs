using System.Security.Cryptography;
using System.Text;

namespace Agora.Core.Marketing;

/// <summary>One SendGrid mail-send request of a campaign step: up to <see cref="SendBatches.MaxPerRequest"/>
/// personalizations (the API's limit), numbered so a run resumes after the last batch it recorded as sent.</summary>
public sealed record SendBatch(int Number, IReadOnlyList<string> RecipientIds);

/// <summary>How a campaign step's recipients go out (pure): in a stable order (by recipient id), cut into batches of at
/// most 1,000, so that a run that crashed resumes from its checkpoint (the last batch sent) and sends every recipient
/// exactly once — the same recipients fall in the same batches however often the plan is made. Each email has a delivery
/// id derived from campaign, step and recipient, which the delivery log and the sink use to drop a repeat.</summary>
public static class SendBatches
{
    public const int MaxPerRequest = 1000;

    public static IReadOnlyList<SendBatch> Plan(IEnumerable<string> recipientIds, int? afterBatch = null, int size = MaxPerRequest)
    {
        ArgumentNullException.ThrowIfNull(recipientIds);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxPerRequest);
        return recipientIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Chunk(size)
            .Select((chunk, i) => new SendBatch(i + 1, chunk))
            .Where(b => afterBatch is null || b.Number > afterBatch)
            .ToArray();
    }

    /// <summary>The id of one recipient's email of one campaign step: the same on every run.</summary>
    public static string DeliveryId(string campaignId, int step, string recipientId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{campaignId}\n{step}\n{recipientId}"));
        return $"mk-{Convert.ToHexStringLower(hash.AsSpan(0, 16))}";
    }
}
