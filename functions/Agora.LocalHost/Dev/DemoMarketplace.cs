using Agora.Core.Accounts;
using Agora.Core.Common;
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
    }

    public static Caller CallerOf(DemoUser user) => new(user.Id, user.Email, user.Name);
}
