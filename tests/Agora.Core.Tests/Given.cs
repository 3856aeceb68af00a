using Agora.Core.Accounts;
using Agora.Core.Common;
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

    public Given()
    {
        Access = new AccessControl(Stores);
        Outbox = new OutboxDispatcher(Stores, Stores, NullLogger<OutboxDispatcher>.Instance);
        Organizations = new OrganizationService(Stores, Stores, Stores, new DueWork(Stores, Clock), Access, Outbox, Clock);
        Accounts = new CustomerAccountService(Stores, Stores, Access, Clock);
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
