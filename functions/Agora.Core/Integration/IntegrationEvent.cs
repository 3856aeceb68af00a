using System.Text.Json;
using Agora.Core.Common;

namespace Agora.Core.Integration;

/// <summary>A fact other systems subscribe to (customers' ERPs and EDI): an order placed, a price list changed. It is
/// recorded in the outbox of the document whose change it reports, in the same write, and published from there, so
/// nothing is published without its change and nothing is lost (DESIGN.md section 6).</summary>
/// <param name="Id">Unique and stable: publishing the same outbox entry again sends the same id, which the transport
/// uses to drop duplicates (Service Bus duplicate detection) and subscribers use to stay idempotent.</param>
/// <param name="Type">What happened, e.g. <c>order.placed</c>.</param>
/// <param name="Tenant">The organization whose data changed: subscriptions filter on it.</param>
/// <param name="Subject">What it is about within the tenant, e.g. <c>order:01J...</c>.</param>
/// <param name="OccurredAt">When the change was made.</param>
/// <param name="Data">The event's content as JSON text, in the API's JSON shape.</param>
public sealed record IntegrationEvent(string Id, string Type, string Tenant, string Subject, DateTimeOffset OccurredAt, string Data)
{
    /// <summary>An event whose <see cref="Data"/> is <paramref name="data"/> serialized with <see cref="Json.Options"/>.</summary>
    public static IntegrationEvent Create<T>(string id, string type, string tenant, string subject, DateTimeOffset occurredAt, T data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenant);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        return new(id, type, tenant, subject, occurredAt, JsonSerializer.Serialize(data, Json.Options));
    }
}

/// <summary>Publishes integration events: to a Service Bus topic in Azure, to a storage queue locally.</summary>
public interface IIntegrationEventPublisher
{
    /// <summary>Publishes <paramref name="events"/> in their order. Throws when any could not be published; the caller
    /// keeps them in its outbox and publishes them again later, under the same ids.</summary>
    Task PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken);
}
