using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Catalog;
using Agora.Core.Imports;
using Agora.Core.Pricing;
using Agora.Core.Inventory;
using Agora.Core.Marketing;
using Agora.Core.Common;
using Agora.Core.Fulfilment;
using Agora.Core.Notifications;
using Agora.Core.Operations;
using Agora.Core.Ordering;
using Agora.Functions.Http;
using Agora.Functions.OpenApi;
using Agora.Functions.Worker;
using Agora.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Agora.Functions;

public static class AgoraServices
{
    /// <summary>The application's one DI entry point, called by Program.cs under the Functions host and by the local runtime.</summary>
    public static IHostApplicationBuilder AddAgoraServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddAgoraInfrastructure(configuration);
        builder.AddAgoraTelemetry();

        // Core use cases.
        services.AddSingleton<AccessControl>();
        services.AddSingleton<DueWork>();
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<OrganizationService>();
        services.AddSingleton<CustomerAccountService>();
        services.AddSingleton<ImportHandler, CustomerAccountImport>();
        services.AddSingleton<ImportHandler, CatalogImport>();
        services.AddSingleton<ImportHandler, PriceImport>();
        services.AddSingleton<ImportHandler, StockSnapshotImport>();
        services.AddSingleton((configuration.GetSection("Imports").Get<ImportOptions>() ?? new ImportOptions()).Validated());
        services.AddSingleton<ImportService>();
        services.AddSingleton<StockReconciliation>();
        services.AddSingleton<PoisonMessages>();
        services.AddSingleton(configuration.GetSection("StockReconciliation").Get<StockReconciliationOptions>() ?? new StockReconciliationOptions());
        services.AddSingleton<NotificationSender>();
        services.AddSingleton<CatalogService>();
        services.AddSingleton<BuyerCatalogService>();
        services.AddSingleton<StockService>();
        services.AddSingleton<StockReserver>();
        services.AddSingleton<PricingService>();
        services.AddSingleton<PriceEntryService>();
        services.AddSingleton<PriceListPurger>();
        services.AddSingleton<SalesAccess>();
        services.AddSingleton<SalesSignal>();
        services.AddSingleton<SalesOutbox>();
        services.AddSingleton<CartService>();
        services.AddSingleton<CheckoutService>();
        services.AddSingleton<OrderService>();
        services.AddSingleton<QuoteService>();
        services.AddSingleton<TimelineService>();
        services.AddSingleton<OrderingConfigService>();
        services.AddSingleton<ShipmentSettlement>();
        services.AddSingleton<ShipmentService>();
        services.AddSingleton<ReturnService>();
        services.AddSingleton<BillingService>();
        services.AddSingleton<InvoiceService>();
        services.AddSingleton<PaymentService>();
        services.AddSingleton<OverdueService>();
        // Marketing (issue 13): the signals hear the sales outbox and every cart write.
        services.AddSingleton<Core.Marketing.MarketingSettingsCache>();
        services.AddSingleton<Core.Marketing.MarketingSignals>();
        services.AddSingleton<ISalesObserver>(sp => sp.GetRequiredService<Core.Marketing.MarketingSignals>());
        services.AddSingleton<ICartObserver>(sp => sp.GetRequiredService<Core.Marketing.MarketingSignals>());
        services.AddSingleton<Core.Marketing.ILoginSignals>(sp => sp.GetRequiredService<Core.Marketing.MarketingSignals>());
        services.AddSingleton<Core.Marketing.CampaignRunner>();
        services.AddSingleton<Core.Marketing.CampaignService>();
        services.AddSingleton<Agora.Core.Marketing.ClearanceService>();
        services.AddSingleton<ISalesObserver, Agora.Core.Marketing.SoldTogetherObserver>();
        services.AddSingleton<MailEvents>();
        services.AddSingleton(configuration.GetSection("Notifications").Get<NotificationOptions>() ?? new NotificationOptions());
        services.AddSingleton(configuration.GetSection("SalesTasks").Get<Core.Marketing.SalesTaskOptions>() ?? new Core.Marketing.SalesTaskOptions());
        services.AddSingleton<Core.Marketing.SalesTasks>();
        services.AddSingleton<Core.Marketing.ISalesTasks>(sp => sp.GetRequiredService<Core.Marketing.SalesTasks>());
        services.AddSingleton<Core.Marketing.ManagerDigest>();
        services.AddSingleton<Core.Marketing.CustomerHistoryService>();
        services.AddSingleton<ISalesObserver, Core.Marketing.CustomerHistory>();
        services.AddSingleton<ISalesObserver, Core.Marketing.SalesTaskSignals>();
        services.AddSingleton<ILoginObserver, Core.Marketing.LoginHistory>();

        // The HTTP edge.
        services.AddOptions<HttpOptions>().Bind(configuration.GetSection(HttpOptions.Section));
        services.AddSingleton<IdempotentRequests>();
        services.AddSingleton<HttpPipeline>();
        services.AddSingleton<OpenApiDocument>();
        services.AddSingleton<ApiReference>();
        return builder;
    }
}
