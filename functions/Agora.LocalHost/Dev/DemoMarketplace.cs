using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Inventory;
using Agora.Core.Ordering;
using Agora.Core.Pricing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.LocalHost.Dev;

/// <summary>A demo person: the id is the token subject the dev token endpoint signs for.</summary>
public sealed record DemoUser(string Id, string Email, string Name, string OrgId, IReadOnlyList<Role> Roles);

/// <summary>The demo marketplace `dotnet run` seeds: one supplier with staff in every role, three buyers with different
/// categories, currencies and payment terms, each with a customer account at the supplier. Seeding goes through the use
/// cases, so the demo data obeys the same rules as real data, and it is idempotent: it runs at every start.</summary>
public static class DemoMarketplace
{
    public const string SupplierId = "acme-distribuidora";

    public static readonly IReadOnlyList<(string Id, string Name, string Country, string Currency, IReadOnlyList<Capability> Capabilities)> Organizations =
    [
        (SupplierId, "ACME Distribuidora Industrial Ltda", "BR", "BRL", [Capability.Supplier]),
        ("construtora-horizonte", "Construtora Horizonte S.A.", "BR", "BRL", [Capability.Buyer]),
        ("hospital-sao-lucas", "Hospital São Lucas", "BR", "BRL", [Capability.Buyer]),
        ("andes-mining", "Andes Mining SpA", "CL", "USD", [Capability.Buyer, Capability.Supplier]),
    ];

    public static readonly IReadOnlyList<DemoUser> Users =
    [
        new("ana", "ana@acme.example", "Ana Souza", SupplierId, [Role.SupplierAdmin]),
        new("bruno", "bruno@acme.example", "Bruno Lima", SupplierId, [Role.SalesManager]),
        new("carla", "carla@acme.example", "Carla Dias", SupplierId, [Role.PricingManager]),
        new("diego", "diego@acme.example", "Diego Rocha", SupplierId, [Role.Warehouse]),
        new("helena", "helena@horizonte.example", "Helena Prado", "construtora-horizonte", [Role.BuyerAdmin]),
        new("igor", "igor@horizonte.example", "Igor Nunes", "construtora-horizonte", [Role.Purchaser]),
        new("julia", "julia@horizonte.example", "Julia Alves", "construtora-horizonte", [Role.Approver]),
        new("kaio", "kaio@horizonte.example", "Kaio Melo", "construtora-horizonte", [Role.Viewer]),
        new("lucia", "lucia@saolucas.example", "Lúcia Ramos", "hospital-sao-lucas", [Role.BuyerAdmin, Role.Purchaser]),
        new("mateo", "mateo@andes.example", "Mateo Rojas", "andes-mining", [Role.BuyerAdmin, Role.SupplierAdmin]),
    ];

    private static readonly IReadOnlyList<CustomerAccountInput> Accounts =
    [
        new("construtora-horizonte", "construction", "BRL", [30, 60, 90], "CIF", "São Paulo, SP", 250_000m, "bruno", "C-1001", null),
        new("hospital-sao-lucas", "healthcare", "BRL", [28], "FOB", "Campinas, SP", 80_000m, "bruno", "C-1002", null),
        new("andes-mining", "export", "USD", [60], "FCA", "Santos, SP", 120_000m, null, "C-1003", null),
    ];

    /// <summary>The supplier's 50 products: (sku, name, category, brand, sale units).</summary>
    private static IEnumerable<(string Sku, string Name, string Category, string Brand, SaleUnit[] Units)> Products()
    {
        var lines = new (string Prefix, string Category, string Brand, string[] Names, SaleUnit[] Units)[]
        {
            ("FER", "Ferramentas > Elétricas", "Bosch", ["Furadeira de Impacto 650W", "Parafusadeira 12V", "Serra Circular 1400W", "Esmerilhadeira 4 1/2\"", "Lixadeira Orbital", "Tupia 1200W", "Plaina 710W", "Soprador Térmico 2000W", "Martelete SDS Plus", "Serra Tico-Tico 500W"], [new("CX", 4)]),
            ("MAN", "Ferramentas > Manuais", "Tramontina", ["Martelo Unha 27mm", "Jogo de Chaves Fenda 6 pçs", "Alicate Universal 8\"", "Chave Inglesa 10\"", "Trena 5m", "Nível de Alumínio 60cm", "Serrote 20\"", "Jogo de Chaves Allen", "Estilete Profissional", "Torquês 8\""], [new("CX", 12)]),
            ("FIX", "Fixação > Parafusos e Buchas", "Vonder", ["Parafuso Sextavado 1/4 x 2\"", "Parafuso Auto-brocante 4,2x13", "Bucha Nylon 8mm", "Bucha Nylon 6mm", "Arruela Lisa 1/4", "Porca Sextavada 1/4", "Parafuso Drywall 3,5x25", "Chumbador Parabolt 3/8", "Rebite Pop 4,0x10", "Prego 17x27"], [new("CX", 100), new("PAL", 48000)]),
            ("EPI", "Segurança > EPI", "3M", ["Capacete de Segurança", "Óculos de Proteção Incolor", "Protetor Auricular Plug", "Luva de Vaqueta", "Máscara PFF2", "Bota de Segurança 42", "Cinto Paraquedista", "Colete Refletivo", "Protetor Facial", "Creme de Proteção 200g"], [new("CX", 10)]),
            ("HOS", "Hospitalar > Descartáveis", "Descarpack", ["Luva Nitrílica M (caixa)", "Máscara Cirúrgica Tripla", "Avental Descartável", "Touca Descartável", "Seringa 5ml", "Agulha 25x7", "Gaze Estéril 7,5x7,5", "Esparadrapo 10cm x 4,5m", "Álcool 70% 1L", "Campo Cirúrgico 50x50"], [new("CX", 50)]),
        };
        foreach (var (prefix, category, brand, names, units) in lines)
        {
            for (var i = 0; i < names.Length; i++)
            {
                yield return ($"{prefix}-{i + 1:000}", names[i], category, brand, units);
            }
        }
    }

    public static async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var organizations = services.GetRequiredService<OrganizationService>();
        var accounts = services.GetRequiredService<CustomerAccountService>();
        foreach (var (id, name, country, currency, capabilities) in Organizations)
        {
            var admin = Users.First(u => u.OrgId == id);
            try
            {
                await organizations.CreateAsync(CallerOf(admin), new CreateOrganization(id, name, null, country, currency, capabilities), cancellationToken).ConfigureAwait(false);
            }
            catch (DomainException e) when (e.Kind == FailureKind.Conflict)
            {
                // Seeded by an earlier start.
            }

            foreach (var user in Users.Where(u => u.OrgId == id))
            {
                await organizations.SetMemberAsync(CallerOf(admin), id, user.Id, new SetMember(user.Email, user.Name, user.Roles), cancellationToken).ConfigureAwait(false);
            }
        }

        var supplierAdmin = CallerOf(Users[0]);
        foreach (var account in Accounts)
        {
            try
            {
                await accounts.CreateAsync(supplierAdmin, SupplierId, account, cancellationToken).ConfigureAwait(false);
            }
            catch (DomainException e) when (e.Kind == FailureKind.Conflict)
            {
            }
        }

        await SeedCatalogAsync(services, supplierAdmin, cancellationToken).ConfigureAwait(false);
        await SeedOrderingAsync(services, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Delivery addresses for each buyer, and approval rules on both sides: Horizonte's orders above 20,000 BRL
    /// wait for its approver (julia), then its admin above 100,000 BRL; ACME keeps its credit-limit rule and adds one for
    /// customers' first orders (bruno or ana).</summary>
    private static async Task SeedOrderingAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var config = services.GetRequiredService<OrderingConfigService>();
        var addresses = new (string Buyer, string Id, AddressInput Address)[]
        {
            ("construtora-horizonte", "obra-paulista", new AddressInput("Obra Av. Paulista", "Almoxarifado da obra", "Av. Paulista, 1000", "Portão 3", "São Paulo", "SP", "01310-100", "BR", "+55 11 3000-1000")),
            ("construtora-horizonte", "sede", new AddressInput("Sede", "Recebimento", "Rua Funchal, 200", null, "São Paulo", "SP", "04551-060", "BR", null)),
            ("hospital-sao-lucas", "almoxarifado", new AddressInput("Almoxarifado central", "Farmácia", "Av. John Boyd Dunlop, 500", null, "Campinas", "SP", "13060-904", "BR", null)),
            ("andes-mining", "antofagasta", new AddressInput("Faena Antofagasta", "Bodega", "Av. Grecia 1500", null, "Antofagasta", null, "1240000", "CL", null)),
        };
        foreach (var (buyer, id, address) in addresses)
        {
            await IgnoreSeededAsync(() => config.PutAddressAsync(CallerOf(Users.First(u => u.OrgId == buyer)), buyer, id, address, null, cancellationToken)).ConfigureAwait(false);
        }

        var helena = CallerOf(Users.First(u => u.Id == "helena"));
        await IgnoreSeededAsync(() => config.PutRuleAsync(helena, "construtora-horizonte", "acima-20-mil", new ApprovalRuleInput("Pedidos acima de R$ 20.000", ApprovalSide.Buyer,
            ConditionKind.OrderTotalAbove, new Amount(20_000, "BRL"), null, null, [new ApprovalTierInput([Role.Approver], Quorum.Any)], true, 1), null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => config.PutRuleAsync(helena, "construtora-horizonte", "acima-100-mil", new ApprovalRuleInput("Pedidos acima de R$ 100.000", ApprovalSide.Buyer,
            ConditionKind.OrderTotalAbove, new Amount(100_000, "BRL"), null, null, [new ApprovalTierInput([Role.Approver], Quorum.Any), new ApprovalTierInput([Role.BuyerAdmin], Quorum.Any)], true, 2),
            null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => config.PutRuleAsync(CallerOf(Users[0]), SupplierId, "primeiro-pedido", new ApprovalRuleInput("Primeiro pedido do cliente", ApprovalSide.Supplier,
            ConditionKind.FirstOrder, null, null, null, [new ApprovalTierInput([Role.SupplierAdmin, Role.SalesManager], Quorum.Any)], true, 1), null, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Seeding again at a later start finds the item there (a replace would need its version): it is kept.</summary>
    private static async Task IgnoreSeededAsync<T>(Func<Task<T>> seed)
    {
        try
        {
            await seed().ConfigureAwait(false);
        }
        catch (DomainException e) when (e.Kind is FailureKind.PreconditionRequired or FailureKind.Conflict)
        {
        }
    }

    /// <summary>50 products in two warehouses with stock, and assortments: construction customers see tools, fixings and
    /// safety gear; healthcare customers see the hospital range and safety gear; exports see everything but Bosch.</summary>
    private static async Task SeedCatalogAsync(IServiceProvider services, Caller admin, CancellationToken cancellationToken)
    {
        var catalog = services.GetRequiredService<CatalogService>();
        var stock = services.GetRequiredService<StockService>();
        await catalog.PutWarehouseAsync(admin, SupplierId, "sp-guarulhos", new WarehouseInput("São Paulo (Guarulhos)", "Guarulhos", "BR", true), cancellationToken).ConfigureAwait(false);
        await catalog.PutWarehouseAsync(admin, SupplierId, "rj-duque-caxias", new WarehouseInput("Rio de Janeiro (Duque de Caxias)", "Duque de Caxias", "BR", true), cancellationToken).ConfigureAwait(false);
        var counts = new List<StockCountInput>();
        var index = 0;
        foreach (var (sku, name, category, brand, units) in Products())
        {
            try
            {
                await catalog.PutProductAsync(admin, SupplierId, sku, new ProductInput(name, null, category, brand, null, null, null, null, "UN", units), null, cancellationToken).ConfigureAwait(false);
            }
            catch (DomainException e) when (e.Kind == FailureKind.PreconditionRequired)
            {
                // Seeded by an earlier start.
            }

            // Some products out of stock in one warehouse or both, so the in-stock filter has something to do.
            counts.Add(new StockCountInput(sku, "sp-guarulhos", index % 7 == 0 ? 0 : 20 + (index * 37 % 400), DemoStockTime));
            counts.Add(new StockCountInput(sku, "rj-duque-caxias", index % 5 == 0 ? 0 : index * 13 % 150, DemoStockTime));
            index++;
        }

        await stock.PushAsync(CallerOf(Users[3]), SupplierId, new StockPush(counts), cancellationToken).ConfigureAwait(false);
        await IgnoreSeededAsync(() => catalog.PutAssortmentAsync(admin, SupplierId, AssortmentScope.Category, "construction",
            new AssortmentRuleInput(new ProductSetInput(null, null, ["Ferramentas", "Fixação", "Segurança"]), null), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => catalog.PutAssortmentAsync(admin, SupplierId, AssortmentScope.Category, "healthcare",
            new AssortmentRuleInput(new ProductSetInput(null, null, ["Hospitalar", "Segurança"]), null), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => catalog.PutAssortmentAsync(admin, SupplierId, AssortmentScope.Category, "export",
            new AssortmentRuleInput(null, new ProductSetInput(null, ["Bosch"], null)), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await SeedPricingAsync(services, admin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>General prices for every product (with a volume tier), a construction list, an exchange rate for the
    /// USD customer, a customer rate, a promotion, a volume discount and a quantity rule: enough for a quote to show each
    /// part of its explanation.</summary>
    private static async Task SeedPricingAsync(IServiceProvider services, Caller admin, CancellationToken cancellationToken)
    {
        var prices = services.GetRequiredService<IPriceStore>();
        var pricing = services.GetRequiredService<PricingService>();
        var at = DemoStockTime;
        var index = 0;
        foreach (var (sku, _, category, _, units) in Products())
        {
            // Plausible prices per range: power tools hundreds of reais, fixings cents.
            var basePrice = category switch
            {
                _ when category.StartsWith("Ferramentas > Elétricas", StringComparison.Ordinal) => 289.90m,
                _ when category.StartsWith("Ferramentas", StringComparison.Ordinal) => 24.90m,
                _ when category.StartsWith("Fixação", StringComparison.Ordinal) => 0.18m,
                _ when category.StartsWith("Segurança", StringComparison.Ordinal) => 19.90m,
                _ => 6.50m,
            };
            var unitPrice = basePrice * (1 + (index % 10 * 0.15m));
            await prices.UpsertAsync(new PriceEntry(SupplierId, PriceEntry.BaseList, sku, "UN", 1, decimal.Round(unitPrice, 2), "BRL", at), cancellationToken).ConfigureAwait(false);
            await prices.UpsertAsync(new PriceEntry(SupplierId, PriceEntry.BaseList, sku, "UN", 24, decimal.Round(unitPrice * 0.92m, 2), "BRL", at), cancellationToken).ConfigureAwait(false);
            if (category.StartsWith("Ferramentas", StringComparison.Ordinal))
            {
                await prices.UpsertAsync(new PriceEntry(SupplierId, "construcao", sku, "UN", 1, decimal.Round(unitPrice * 0.95m, 2), "BRL", at), cancellationToken).ConfigureAwait(false);
            }

            if (units.FirstOrDefault(u => u.Code == "CX") is { } box)
            {
                await prices.UpsertAsync(new PriceEntry(SupplierId, PriceEntry.BaseList, sku, "CX", 1, decimal.Round(unitPrice * box.Factor * 0.9m, 2), "BRL", at), cancellationToken).ConfigureAwait(false);
            }

            index++;
        }

        await IgnoreSeededAsync(() => pricing.PutSettingsAsync(admin, SupplierId, new PricingSettingsInput(ListResolution.MostSpecific, 40, [new ExchangeRate("BRL", "USD", 0.19m)]), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => pricing.PutListAsync(admin, SupplierId, "construcao", new PriceListInput("Construção civil", "category:construction", "BRL", null, null, 10, true), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => pricing.PutDiscountAsync(admin, SupplierId, "horizonte-5", new DiscountRuleInput("Contrato Horizonte", "customer:construtora-horizonte", null, 5, null, null, 1, Stacking.Combinable), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => pricing.PutPromotionAsync(admin, SupplierId, "epi-semana", new PromotionInput("Semana da segurança", ["all"], new ProductSetInput(null, null, ["Segurança"]), null, null, null, null, null, null,
            new Reward(RewardKind.PercentOff, Percent: 15), Stacking.Combinable, 5, false), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => pricing.PutPromotionAsync(admin, SupplierId, "furadeira-brocas", new PromotionInput("Furadeira + luvas", ["category:construction"], new ProductSetInput(["FER-001"], null, null), null, null, null, null, null, null,
            new Reward(RewardKind.BonusProduct, BonusSku: "EPI-004", BuyQuantity: 2, BonusQuantity: 1), Stacking.Combinable, 0, false), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => pricing.PutVolumeDiscountAsync(admin, SupplierId, "pedido-grande", new VolumeDiscountInput("Pedido grande", "all", 5000, null, 3, null, null), ifMatch: null, cancellationToken)).ConfigureAwait(false);
        await IgnoreSeededAsync(() => pricing.PutQuantityRuleAsync(admin, SupplierId, "parafusos-caixa", new QuantityRuleInput("all", new ProductSetInput(null, null, ["Fixação"]), "CX", null, 1, null), ifMatch: null, cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>The demo stock counts' time: fixed, so seeding again at a later start changes nothing.</summary>
    private static readonly DateTimeOffset DemoStockTime = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Caller CallerOf(DemoUser user) => new(user.Id, user.Email, user.Name);
}
