using Agora.Core.Notifications;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Notifications sent, kept 30 days: longer than any queue keeps a message (7 days), so a redelivery always finds them.</summary>
public sealed class CosmosDeliveryLog(CosmosContainers cosmos) : IDeliveryLog
{
    private const string Type = "delivery";
    private const int KeepSeconds = 30 * 24 * 3600;

    public async Task<bool> WasSentAsync(string notificationId, CancellationToken cancellationToken) =>
        await CosmosContainers.ReadAsync<DateTimeOffset>(cosmos.Get(Containers.Requests), Id(notificationId), Id(notificationId), cancellationToken).ConfigureAwait(false) is not null;

    public async Task MarkSentAsync(string notificationId, DateTimeOffset sentAt, CancellationToken cancellationToken) =>
        await CosmosContainers.UpsertAsync(
            cosmos.Get(Containers.Requests),
            new Document<DateTimeOffset> { Id = Id(notificationId), Pk = Id(notificationId), Type = Type, Data = sentAt, Ttl = KeepSeconds },
            cancellationToken).ConfigureAwait(false);

    private static string Id(string notificationId) => $"delivery:{notificationId}";
}
