using System.Text.Json;
using Agora.Core.Accounts;

namespace Agora.Functions.Http;

/// <summary>Who may call an HTTP operation, as the API reference states it: the roles of <see cref="Role"/> (Core decides
/// them in its use cases; this declaration only describes them, and <c>RoleDeclarationTests</c> keeps it true against the
/// access matrix) plus the callers that are no member's role: anyone signed in, anyone at all, the holder of an invitation,
/// SendGrid's signed webhook, an operator with the host's key. Flags, so an operation names several.</summary>
[Flags]
public enum ApiRoles
{
    None = 0,
    SupplierAdmin = 1 << 0,
    SalesManager = 1 << 1,
    PricingManager = 1 << 2,
    Warehouse = 1 << 3,
    Finance = 1 << 4,
    BuyerAdmin = 1 << 5,
    Purchaser = 1 << 6,
    Approver = 1 << 7,
    Viewer = 1 << 8,

    /// <summary>Anyone with a valid bearer token, member of an organization or not (creating one, reading oneself).</summary>
    SignedIn = 1 << 9,

    /// <summary>Anyone, no token: health, the document and its reference page.</summary>
    Anonymous = 1 << 10,

    /// <summary>Whoever holds an invitation's token, member or not yet.</summary>
    InvitationHolder = 1 << 11,

    /// <summary>SendGrid's Event Webhook, by its signature instead of a token.</summary>
    SendGrid = 1 << 12,

    /// <summary>Operators, with the Functions host's master key.</summary>
    Operator = 1 << 13,

    SupplierStaff = SupplierAdmin | SalesManager | PricingManager | Warehouse | Finance,
    BuyerStaff = BuyerAdmin | Purchaser | Approver | Viewer,

    /// <summary>Buyer staff who place orders (SalesAccess.Shoppers).</summary>
    Shoppers = BuyerAdmin | Purchaser,

    /// <summary>Supplier staff who sell (SalesAccess.SupplierSellers).</summary>
    Sellers = SupplierAdmin | SalesManager,
    Admins = SupplierAdmin | BuyerAdmin,
    AnyMember = SupplierStaff | BuyerStaff,
}

/// <summary>How the document writes <see cref="ApiRoles"/>: the sentence of an operation's description (Scalar renders it)
/// and the names of its <c>x-roles</c> extension (the API's own role names, <c>supplierAdmin</c>, for tools).</summary>
public static class ApiRoleText
{
    private static readonly ApiRoles[] Single = [.. Enum.GetValues<ApiRoles>().Where(r => r != ApiRoles.None && (r & (r - 1)) == 0)];

    /// <summary>The member roles of <paramref name="roles"/> as Core's <see cref="Role"/>s (same names).</summary>
    public static IReadOnlyList<Role> MemberRoles(ApiRoles roles) =>
        [.. Enum.GetValues<Role>().Where(r => Enum.TryParse<ApiRoles>(r.ToString(), out var flag) && roles.HasFlag(flag))];

    public static IReadOnlyList<string> Names(ApiRoles roles) =>
        [.. Single.Where(r => roles.HasFlag(r)).Select(r => JsonNamingPolicy.CamelCase.ConvertName(r.ToString()))];

    /// <summary>"Roles: supplier admin, sales manager." — by side when <paramref name="bySide"/> (one operation on the
    /// organization's sales and on its purchases, as orders and quotes are).</summary>
    public static string Sentence(ApiRoles roles, bool bySide) => bySide
        ? $"Roles: {Words(roles & ApiRoles.SupplierStaff)} on the organization's sales; {Words(roles & ApiRoles.BuyerStaff)} on its purchases."
        : $"Roles: {Words(roles)}.";

    private static string Words(ApiRoles roles)
    {
        var parts = new List<string>();
        foreach (var (group, words) in new[] { (ApiRoles.AnyMember, "any member of the organization"), (ApiRoles.SupplierStaff, "any supplier staff"), (ApiRoles.BuyerStaff, "any buyer staff") })
        {
            if ((roles & group) == group)
            {
                parts.Add(words);
                roles &= ~group;
            }
        }

        parts.AddRange(Single.Where(r => roles.HasFlag(r)).Select(r => r switch
        {
            ApiRoles.SignedIn => "anyone signed in (no organization needed)",
            ApiRoles.Anonymous => "anyone, without a token",
            ApiRoles.InvitationHolder => "the holder of the invitation (member or not)",
            ApiRoles.SendGrid => "SendGrid, by its signed Event Webhook",
            ApiRoles.Operator => "operators, with the Functions host's key",
            ApiRoles.SupplierAdmin => "supplier admin",
            ApiRoles.SalesManager => "sales manager",
            ApiRoles.PricingManager => "pricing manager",
            ApiRoles.BuyerAdmin => "buyer admin",
            _ => r.ToString().ToLowerInvariant(),
        }));
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }
}
