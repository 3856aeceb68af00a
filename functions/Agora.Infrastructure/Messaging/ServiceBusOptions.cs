namespace Agora.Infrastructure.Messaging;

/// <summary>App settings <c>ServiceBus__FullyQualifiedNamespace</c> (e.g. <c>sb-agora.servicebus.windows.net</c>) and
/// <c>ServiceBus__Topic</c>. With a namespace, integration events go to that topic with the managed identity; without one
/// (locally) they go to the storage queue <see cref="Storage.StorageNames.IntegrationEventsQueue"/>.</summary>
public sealed class ServiceBusOptions
{
    public const string Section = "ServiceBus";

    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>The topic integration events are published to; infra/main.bicep creates it with duplicate detection.</summary>
    public string Topic { get; set; } = "integration-events";
}
