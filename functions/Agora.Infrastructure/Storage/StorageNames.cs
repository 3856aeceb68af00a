namespace Agora.Infrastructure.Storage;

/// <summary>Queue and blob container names, declared once: trigger attributes use these constants, and so do producers.</summary>
public static class StorageNames
{
    /// <summary>Notifications (emails) waiting to be sent.</summary>
    public const string NotificationsQueue = "notifications";

    /// <summary>Deleted price lists whose prices are still to be removed.</summary>
    public const string PriceListPurgesQueue = "price-list-purges";

    /// <summary>Sales documents (carts, quotes, orders) whose outbox is to be handed on.</summary>
    public const string SalesQueue = "sales";

    /// <summary>Files suppliers drop: <c>imports/{supplierId}/{kind}/{file}</c>.</summary>
    public const string ImportsContainer = "imports";

    /// <summary>One report per imported file: <c>imports-results/{supplierId}/{kind}/{file}.json</c>.</summary>
    public const string ImportResultsContainer = "imports-results";

    /// <summary>The import trigger's path: every kind of supplier file.</summary>
    public const string ImportPath = ImportsContainer + "/{supplierId}/{kind}/{file}";

    /// <summary>Reports for suppliers' staff: <c>reports/{supplierId}/stock-reconciliation/...csv</c>.</summary>
    public const string ReportsContainer = "reports";

    /// <summary>Integration events where no Service Bus namespace is configured (locally): the stand-in for the Service Bus
    /// topic, so it is not in <see cref="Queues"/> and not provisioned in Azure.</summary>
    public const string IntegrationEventsQueue = "integration-events";

    /// <summary>The queues of every environment: infra/main.bicep provisions them, <see cref="AgoraResources"/> creates them locally.</summary>
    public static readonly IReadOnlyList<string> Queues = [NotificationsQueue, PriceListPurgesQueue, SalesQueue];

    /// <summary>The queues only the local environment has.</summary>
    public static readonly IReadOnlyList<string> LocalQueues = [IntegrationEventsQueue];

    /// <summary>The blob containers of every environment: infra/main.bicep provisions them, <see cref="AgoraResources"/> creates them locally.</summary>
    public static readonly IReadOnlyList<string> BlobContainers = [ImportsContainer, ImportResultsContainer, ReportsContainer];
}
