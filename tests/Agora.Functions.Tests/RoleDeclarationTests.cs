using System.Reflection;
using System.Text.Json.Nodes;
using Agora.Core.Accounts;
using Agora.Functions.Http;
using Agora.Functions.OpenApi;
using static Agora.Functions.Tests.RouteCatalog;

namespace Agora.Functions.Tests;

/// <summary>The roles the API reference states per operation (<see cref="ApiOperationAttribute.Roles"/>) against what the
/// access matrix proves (<see cref="RouteCatalog.Rows"/>' Forbidden, which <see cref="AccessMatrixTests"/> runs against the
/// backend): for every row, the members the declaration admits are exactly those the matrix lets through. Pure: the
/// declarations are read by reflection and the document is built in process, so a wrong declaration fails here in
/// milliseconds, and a route that changes who it lets in fails the matrix, then this.</summary>
public sealed class RoleDeclarationTests
{
    /// <summary>The roles <see cref="RouteCatalog.ArrangeAsync"/> gives each test member (the admin founded the organization
    /// as supplier and buyer, so it holds both admin roles).</summary>
    private static readonly Dictionary<string, ApiRoles> RolesOfMember = new(StringComparer.Ordinal)
    {
        [Admin] = ApiRoles.Admins,
        [Sales] = ApiRoles.SalesManager,
        [Pricing] = ApiRoles.PricingManager,
        [Warehouse] = ApiRoles.Warehouse,
        [Finance] = ApiRoles.Finance,
        [Purchaser] = ApiRoles.Purchaser,
        [Approver] = ApiRoles.Approver,
        [Viewer] = ApiRoles.Viewer,
    };

    private static readonly IReadOnlyDictionary<string, MethodInfo> Functions = OpenApiDocument.Functions();

    [Fact]
    public void Every_operation_taking_a_token_declares_its_roles_and_its_403_agrees_with_them()
    {
        var failures = new List<string>();
        foreach (var (name, method) in Functions)
        {
            var api = method.GetCustomAttribute<ApiOperationAttribute>()!;
            var roles = OpenApiDocument.RolesOf(method);
            var members = roles & ApiRoles.AnyMember;
            // Any member may list, but asking for the other side's list (?side=sales as buyer staff) is refused.
            var bySideQuery = api.Query.Any(q => q.StartsWith("side:", StringComparison.Ordinal));
            var restricted = members != ApiRoles.None && (members != ApiRoles.AnyMember || api.BySide || bySideQuery);
            if (roles == ApiRoles.None)
            {
                failures.Add($"{name}: declares no Roles");
            }
            else if (members != ApiRoles.None && members != roles)
            {
                failures.Add($"{name}: mixes members' roles with callers that are no member ({roles})");
            }
            else if (api.RoleRestricted != restricted)
            {
                failures.Add($"{name}: RoleRestricted is {api.RoleRestricted}, but {roles}{(api.BySide ? " by side" : string.Empty)} means {restricted}");
            }
            else if (api.BySide && ((members & ApiRoles.SupplierStaff) == ApiRoles.None || (members & ApiRoles.BuyerStaff) == ApiRoles.None))
            {
                failures.Add($"{name}: BySide needs roles of both sides, has {roles}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>A function of several rows (its organization's sales and purchases) declares the union and BySide: each row
    /// must then be one side's part of it, and each side must have its row. A row that forbids everyone (a purchase the buyer
    /// would confirm: the vendor does) says that the request is not this side's to make; the description says which
    /// statuses each side moves, no role changes it, so it constrains no declaration.</summary>
    [Fact]
    public void The_declared_roles_admit_exactly_the_members_the_access_matrix_lets_through()
    {
        var failures = new List<string>();
        var sides = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var row in Rows)
        {
            var method = Functions[row.Function];
            var api = method.GetCustomAttribute<ApiOperationAttribute>()!;
            var roles = OpenApiDocument.RolesOf(method);
            if (!row.OrgScoped)
            {
                if ((roles & ApiRoles.AnyMember) != ApiRoles.None)
                {
                    failures.Add($"{row.Name}: no organization's route, yet declares members' roles ({roles})");
                }

                continue;
            }

            var permitted = Members.Except(row.Forbidden).Order(StringComparer.Ordinal).ToArray();
            if (permitted.Length == 0)
            {
                continue;
            }

            (string Side, ApiRoles Roles)[] candidates = api.BySide
                ? [("sales", roles & ApiRoles.SupplierStaff), ("purchases", roles & ApiRoles.BuyerStaff)]
                : [("all", roles)];
            var matched = candidates.Where(c => Admitted(c.Roles).SequenceEqual(permitted)).Select(c => c.Side).ToArray();
            if (matched.Length == 0)
            {
                failures.Add($"{row.Name}: the access matrix lets [{string.Join(", ", permitted)}] through; the declaration {roles}{(api.BySide ? " (by side)" : string.Empty)} admits " +
                    string.Join(" or ", candidates.Select(c => $"[{string.Join(", ", Admitted(c.Roles))}]")));
            }

            (sides.TryGetValue(row.Function, out var seen) ? seen : sides[row.Function] = []).UnionWith(matched);
        }

        foreach (var (name, method) in Functions.Where(f => f.Value.GetCustomAttribute<ApiOperationAttribute>()!.BySide))
        {
            if (!sides.TryGetValue(name, out var seen) || !seen.IsSupersetOf(["sales", "purchases"]))
            {
                failures.Add($"{name}: declared by side, but the access matrix checks only [{string.Join(", ", seen ?? [])}]");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void The_member_roles_are_cores_and_the_document_states_each_operations_roles()
    {
        var document = JsonNode.Parse(new OpenApiDocument().Json)!;
        var operations = (from path in document["paths"]!.AsObject() from operation in path.Value!.AsObject() select operation.Value!).ToArray();

        Assert.Equal(Enum.GetValues<Role>().Select(r => r.ToString()).Order(StringComparer.Ordinal), ApiRoleText.MemberRoles(ApiRoles.AnyMember).Select(r => r.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal(Functions.Count, operations.Length);
        Assert.All(operations, o =>
        {
            var roles = OpenApiDocument.RolesOf(Functions[(string)o["operationId"]!]);
            Assert.Equal(ApiRoleText.Names(roles), o["x-roles"]!.AsArray().Select(n => (string)n!));
            Assert.EndsWith(ApiRoleText.Sentence(roles, Functions[(string)o["operationId"]!].GetCustomAttribute<ApiOperationAttribute>()!.BySide), (string)o["description"]!, StringComparison.Ordinal);
        });
        var putProduct = operations.Single(o => (string)o["operationId"]! == "PutProduct");
        Assert.EndsWith("Roles: supplier admin, pricing manager.", (string)putProduct["description"]!, StringComparison.Ordinal);
        Assert.Equal(["supplierAdmin", "pricingManager"], putProduct["x-roles"]!.AsArray().Select(n => (string)n!));
        var getOrder = operations.Single(o => (string)o["operationId"]! == "GetOrder");
        Assert.EndsWith("Roles: any supplier staff on the organization's sales; any buyer staff on its purchases.", (string)getOrder["description"]!, StringComparison.Ordinal);
    }

    private static string[] Admitted(ApiRoles roles) => [.. Members.Where(m => (RolesOfMember[m] & roles) != ApiRoles.None).Order(StringComparer.Ordinal)];
}
