namespace Agora.Infrastructure.Storage;

/// <summary>Queue and blob container names, declared once: trigger attributes use these constants, and so do producers.</summary>
public static class StorageNames
{
    /// <summary>Notifications (emails) waiting to be sent.</summary>
    public const string NotificationsQueue = "notifications";

    /// <summary>Files suppliers drop: <c>imports/{supplierId}/{kind}/{file}</c>.</summary>
    public const string ImportsContainer = "imports";

    /// <summary>One report per imported file: <c>imports-results/{supplierId}/{kind}/{file}.json</c>.</summary>
    public const string ImportResultsContainer = "imports-results";

    /// <summary>The import trigger's path: every kind of supplier file.</summary>
    public const string ImportPath = ImportsContainer + "/{supplierId}/{kind}/{file}";

    /// <summary>Reports for suppliers' staff: <c>reports/{supplierId}/stock-reconciliation/...csv</c>.</summary>
    public const string ReportsContainer = "reports";

    public static readonly IReadOnlyList<string> Queues = [NotificationsQueue];

    public static readonly IReadOnlyList<string> BlobContainers = [ImportsContainer, ImportResultsContainer, ReportsContainer];
}
