using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Inventory;
using Agora.Core.Pricing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Core.Tests;

/// <summary>A small marketplace built through the use cases themselves: a supplier with staff in every role and a buyer.</summary>
internal sealed class Given
{
    public static readonly Caller SupplierAdmin = new("sup-admin", "admin@supplier.test", "Sara Admin");
    public static readonly Caller SalesManager = new("sup-sales", "sales@supplier.test", "Sam Sales");
    public static readonly Caller OtherSales = new("sup-sales2", "sales2@supplier.test", "Olga Sales");
    public static readonly Caller Pricing = new("sup-pricing", "pricing@supplier.test", "Pia Pricing");
    public static readonly Caller Warehouse = new("sup-wh", "wh@supplier.test", "Walt Warehouse");
    public static readonly Caller BuyerAdmin = new("buy-admin", "admin@buyer.test", "Bea Buyer");
    public static readonly Caller Purchaser = new("buy-purchaser", "purchaser@buyer.test", "Pat Purchaser");
    public static readonly Caller Stranger = new("stranger", "x@elsewhere.test", "Stan Stranger");

    public Given(ImportOptions? imports = null)
    {
        Access = new AccessControl(Stores);
        Outbox = new OutboxDispatcher(Stores, Stores, NullLogger<OutboxDispatcher>.Instance);
        Organizations = new OrganizationService(Stores, Stores, Stores, new DueWork(Stores, Clock, NullLogger<DueWork>.Instance), Access, Outbox, [], Clock);
        Accounts = new CustomerAccountService(Stores, Stores, Access, Clock);
        Catalog = new CatalogService(Stores, Stores, new NoAssortments(), Access, Clock);
        Imports = new ImportService(
            [new CustomerAccountImport(Accounts), new CatalogImport(Stores, Clock), new PriceImport(Stores, Stores, Clock), new StockSnapshotImport(Stores, Stores, Stores, Stores, Clock)],
            Stores, Stores, Stores, Stores, Access, Clock, imports ?? new ImportOptions(), NullLogger<ImportService>.Instance);
        Reconciliation = new StockReconciliation(Stores, Stores, Stores, Stores, Stores, Stores, Outbox, new DueWork(Stores, Clock, NullLogger<DueWork>.Instance), new StockReconciliationOptions { AlertThreshold = 2 }, Clock, NullLogger<StockReconciliation>.Instance);
    }

    public CatalogService Catalog { get; }

    public ImportService Imports { get; }

    public StockReconciliation Reconciliation { get; }

    /// <summary>Drops a file and runs its import, as the blob trigger does; with <paramref name="uploadedBy"/>, as if that
    /// member had uploaded it over the API.</summary>
    public Task<ImportJob> ImportAsync(string supplierId, ImportKind kind, string file, byte[] content, string? uploadedBy = null)
    {
        var version = Stores.Drop(supplierId, kind, file, content);
        return Imports.RunAsync(supplierId, kind.ToString().ToLowerInvariant(), file, new ImportFileVersion(version, Clock.GetUtcNow(), content.Length, uploadedBy), default);
    }

    /// <summary>Every product for every customer.</summary>
    /// <summary>The pricing use cases over these stores, with every product visible.</summary>
    public PricingService PricingService => new(Stores, Stores, Stores, new NoAssortments(), Stores, Access, Clock, Stores);

    internal sealed class NoAssortments : IAssortmentStore
    {
        public Task<Assortment> FindAsync(string supplierId, string category, string buyerId, CancellationToken cancellationToken) => Task.FromResult(Assortment.Everything);

        public Task<Versioned<AssortmentRule>?> FindRuleAsync(string supplierId, AssortmentScope scope, string key, CancellationToken cancellationToken) => Task.FromResult<Versioned<AssortmentRule>?>(null);

        public Task<Versioned<AssortmentRule>> SaveRuleAsync(string supplierId, AssortmentScope scope, string key, AssortmentRule rule, string? ifMatch, CancellationToken cancellationToken) => Task.FromResult(new Versioned<AssortmentRule>(rule, "1"));
    }

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    public InMemoryStores Stores { get; } = new();

    public AccessControl Access { get; }

    public OutboxDispatcher Outbox { get; }

    public OrganizationService Organizations { get; }

    public CustomerAccountService Accounts { get; }

    public async Task<Given> MarketplaceAsync()
    {
        await Organizations.CreateAsync(SupplierAdmin, new CreateOrganization("supplier", "Supplier Ltda", "12.345.678/0001-90", "BR", "BRL", [Capability.Supplier]), default);
        await Organizations.SetMemberAsync(SupplierAdmin, "supplier", SalesManager.UserId, new SetMember(SalesManager.Email, SalesManager.Name, [Role.SalesManager]), default);
        await Organizations.SetMemberAsync(SupplierAdmin, "supplier", OtherSales.UserId, new SetMember(OtherSales.Email, OtherSales.Name, [Role.SalesManager]), default);
        await Organizations.SetMemberAsync(SupplierAdmin, "supplier", Pricing.UserId, new SetMember(Pricing.Email, Pricing.Name, [Role.PricingManager]), default);
        await Organizations.SetMemberAsync(SupplierAdmin, "supplier", Warehouse.UserId, new SetMember(Warehouse.Email, Warehouse.Name, [Role.Warehouse]), default);
        await Organizations.CreateAsync(BuyerAdmin, new CreateOrganization("buyer", "Buyer SA", null, "BR", "BRL", [Capability.Buyer]), default);
        await Organizations.SetMemberAsync(BuyerAdmin, "buyer", Purchaser.UserId, new SetMember(Purchaser.Email, Purchaser.Name, [Role.Purchaser]), default);
        await Organizations.CreateAsync(Stranger, new CreateOrganization("elsewhere", "Elsewhere Inc", null, "US", "USD", [Capability.Supplier, Capability.Buyer]), default);
        return this;
    }

    public static CustomerAccountInput Account(string buyerId = "buyer", string? salesManager = null) =>
        new(buyerId, "distributor", "BRL", [30, 60, 90], "CIF", "São Paulo", 50_000m, salesManager, "C-001", null);
}
