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

    /// <summary>The customer-account import trigger's path.</summary>
    public const string CustomerImportPath = ImportsContainer + "/{supplierId}/customers/{file}";

    public static readonly IReadOnlyList<string> Queues = [NotificationsQueue];

    public static readonly IReadOnlyList<string> BlobContainers = [ImportsContainer, ImportResultsContainer];
}
