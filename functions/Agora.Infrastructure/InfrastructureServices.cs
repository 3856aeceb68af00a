using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Integration;
using Agora.Core.Marketing;
using Agora.Core.Inventory;
using Agora.Core.Pricing;
using Agora.Core.Notifications;
using Agora.Core.Operations;
using Agora.Core.Ordering;
using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Documents;
using Agora.Infrastructure.Email;
using Agora.Infrastructure.Identity;
using Agora.Infrastructure.Messaging;
using Agora.Infrastructure.Storage;
using Azure.Core;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Agora.Infrastructure;

public static class InfrastructureServices
{
    /// <summary>The adapters behind the Core ports. Called only from the application's one DI entry point.</summary>
    public static IServiceCollection AddAgoraInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());

        services.AddOptions<CosmosOptions>().Bind(configuration.GetSection(CosmosOptions.Section));
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section));
        services.AddOptions<SendGridOptions>().Bind(configuration.GetSection(SendGridOptions.Section));
        services.AddOptions<ServiceBusOptions>().Bind(configuration.GetSection(ServiceBusOptions.Section));

        services.AddSingleton<CosmosRequestMeter>();
        services.AddSingleton(CreateCosmosClient);
        services.AddSingleton<CosmosContainers>();
        services.AddSingleton<IOrganizationStore, CosmosOrganizationStore>();
        services.AddSingleton<IUserProfileStore, CosmosUserProfileStore>();
        services.AddSingleton<ICustomerAccountStore, CosmosCustomerAccountStore>();
        services.AddSingleton<IDueIndex, CosmosDueIndex>();
        services.AddSingleton<IProductStore, CosmosProductStore>();
        services.AddSingleton<IWarehouseStore, CosmosWarehouseStore>();
        services.AddSingleton<IStockHolds, CosmosStockHolds>();
        services.AddSingleton<IAssortmentStore, CosmosAssortmentStore>();
        services.AddSingleton<IPriceStore, CosmosPriceStore>();
        services.AddSingleton<IPricingStore, CosmosPricingStore>();
        services.AddSingleton<IStockSnapshotStore, CosmosStockSnapshotStore>();
        services.AddSingleton<IImportJobStore, CosmosImportJobStore>();
        services.AddSingleton<IDeliveryLog, CosmosDeliveryLog>();
        services.AddSingleton<CosmosIdempotencyStore>();
        services.AddSingleton<ISalesDocuments<Cart>, CosmosSalesDocuments<Cart>>();
        services.AddSingleton<ISalesDocuments<NegotiatedQuote>, CosmosSalesDocuments<NegotiatedQuote>>();
        services.AddSingleton<ISalesDocuments<Order>, CosmosSalesDocuments<Order>>();
        services.AddSingleton<ISalesDocuments<Agora.Core.Fulfilment.Shipment>, CosmosSalesDocuments<Agora.Core.Fulfilment.Shipment>>();
        services.AddSingleton<ISalesDocuments<Agora.Core.Fulfilment.GoodsReturn>, CosmosSalesDocuments<Agora.Core.Fulfilment.GoodsReturn>>();
        services.AddSingleton<ISalesDocuments<Core.Billing.CustomerLedger>, CosmosSalesDocuments<Core.Billing.CustomerLedger>>();
        services.AddSingleton<Core.Billing.IBillingStore, CosmosBillingStore>();
        services.AddSingleton<Core.Marketing.IMarketingStore, CosmosMarketingStore>();
        services.AddSingleton<ITimelineStore, CosmosTimelineStore>();
        services.AddSingleton<ISalesIndex, CosmosSalesIndex>();
        services.AddSingleton<IOrderingStore, CosmosOrderingStore>();
        services.AddSingleton<Core.Billing.IInvoiceNumbers, CosmosInvoiceNumbers>();
        services.AddSingleton<Core.Billing.IInvoiceDocuments, PdfInvoiceDocuments>();
        services.AddSingleton<Core.Marketing.IClearanceStore, CosmosClearanceStore>();
        services.AddSingleton<Core.Marketing.ISalesTaskStore, CosmosSalesTaskStore>();
        services.AddSingleton<Core.Marketing.ILoginMarks, CosmosLoginMarks>();

        services.AddSingleton<StorageClients>();
        services.AddSingleton<StorageWorkQueues>();
        services.AddSingleton<INotificationQueue>(sp => sp.GetRequiredService<StorageWorkQueues>());
        services.AddSingleton<IPriceListPurgeQueue>(sp => sp.GetRequiredService<StorageWorkQueues>());
        services.AddSingleton<ISalesQueue>(sp => sp.GetRequiredService<StorageWorkQueues>());
        services.AddSingleton<IPoisonQueues, StoragePoisonQueues>();
        services.AddSingleton<IImportReportStore, BlobImportReportStore>();
        services.AddSingleton<IImportFiles, BlobImportFiles>();
        services.AddSingleton<IReportFiles, BlobReportFiles>();
        services.AddHttpClient<IEmailSender, SendGridEmailSender>();
        services.AddHttpClient<IMarketingMailer, SendGridMarketingMailer>();
        services.AddSingleton(_ => UnsubscribeGroupsOf(configuration.GetSection(SendGridOptions.Section).GetSection("UnsubscribeGroups")));
        services.AddSingleton<IEventWebhookSignature, SendGridEventSignature>();
        services.AddSingleton<ISuppressions, CosmosSuppressions>();
        services.AddSingleton<ICampaignResults, CosmosCampaignResults>();
        AddIntegrationEvents(services, configuration);

        services.AddSingleton<JwtAuthenticator>();
        services.AddSingleton<AgoraResources>();
        services.AddSingleton<DependencyHealth>();
        return services;
    }

    /// <summary>Integration events go to the Service Bus topic when <c>ServiceBus__FullyQualifiedNamespace</c> is set (Azure),
    /// else to a storage queue (locally: there is no Service Bus emulator here).</summary>
    private static void AddIntegrationEvents(IServiceCollection services, IConfiguration configuration)
    {
        var serviceBusNamespace = configuration.GetSection(ServiceBusOptions.Section)[nameof(ServiceBusOptions.FullyQualifiedNamespace)];
        if (string.IsNullOrWhiteSpace(serviceBusNamespace))
        {
            services.AddSingleton<IIntegrationEventPublisher, StorageQueueIntegrationEventPublisher>();
            return;
        }

        services.AddSingleton(sp => new ServiceBusClient(serviceBusNamespace, sp.GetRequiredService<TokenCredential>()));
        services.AddSingleton<IIntegrationEventPublisher, ServiceBusIntegrationEventPublisher>();
    }

    /// <summary><c>SendGrid__UnsubscribeGroups__{Kind}</c>, read one by one: the defaults are the local mail sink's.</summary>
    private static UnsubscribeGroups UnsubscribeGroupsOf(IConfigurationSection section)
    {
        var defaults = new UnsubscribeGroups();
        return new UnsubscribeGroups
        {
            Offers = section.GetValue(nameof(UnsubscribeGroups.Offers), defaults.Offers),
            CartReminders = section.GetValue(nameof(UnsubscribeGroups.CartReminders), defaults.CartReminders),
            Reactivation = section.GetValue(nameof(UnsubscribeGroups.Reactivation), defaults.Reactivation),
        };
    }

    private static CosmosClient CreateCosmosClient(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<CosmosOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            throw new InvalidOperationException("Set CosmosDb__Endpoint.");
        }

        var clientOptions = new CosmosClientOptions
        {
            ApplicationName = "agora",
            UseSystemTextJsonSerializerWithOptions = new System.Text.Json.JsonSerializerOptions(Core.Common.Json.Options) { Converters = { new StoredDecimalConverter() } },
            CustomHandlers = { services.GetRequiredService<CosmosRequestMeter>().CreateHandler() },
            // Imports keep 32 writes in flight (ImportOptions): on an account at its provisioned throughput some are answered
            // 429 with the time to wait (x-ms-retry-after-ms), which the SDK waits before sending them again. Its defaults give
            // up after 9 retries or 30 s; an import slowed by throttling should slow down, not fail and start over, so it
            // waits longer. A request still throttled after that fails its batch, and the run resumes from its checkpoint.
            MaxRetryAttemptsOnRateLimitedRequests = 30,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromMinutes(2),
        };
        if (options.Emulator)
        {
            // The local emulator speaks the gateway protocol over http on one endpoint (DESIGN.md section 2).
            clientOptions.ConnectionMode = ConnectionMode.Gateway;
            clientOptions.LimitToEndpoint = true;
        }

        return string.IsNullOrEmpty(options.Key)
            ? new CosmosClient(options.Endpoint, services.GetRequiredService<TokenCredential>(), clientOptions)
            : new CosmosClient(options.Endpoint, options.Key, clientOptions);
    }
}
