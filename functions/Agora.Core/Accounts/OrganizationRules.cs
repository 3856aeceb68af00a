using System.Collections.Frozen;
using System.Net.Mail;
using Agora.Core.Common;

namespace Agora.Core.Accounts;

/// <summary>Field rules shared by the organization use cases (pure, so they are tested without I/O).</summary>
internal static class OrganizationRules
{
    public static readonly FrozenSet<string> Countries =
        System.Globalization.CultureInfo.GetCultures(System.Globalization.CultureTypes.SpecificCultures)
            .Select(c =>
            {
                try
                {
                    return new System.Globalization.RegionInfo(c.Name).TwoLetterISORegionName;
                }
                catch (ArgumentException)
                {
                    return null;
                }
            })
            .OfType<string>()
            .Where(code => code.Length == 2 && code.All(char.IsAsciiLetterUpper))
            .ToFrozenSet(StringComparer.Ordinal);

    public static string? Country(Validation v, string? value, string field)
    {
        var code = v.RequiredText(value, field, 2)?.ToUpperInvariant();
        if (code is not null && !Countries.Contains(code))
        {
            v.Add(field, "must be an ISO 3166-1 alpha-2 country code, such as BR or US.");
        }

        return code;
    }

    public static string? CurrencyCode(Validation v, string? value, string field)
    {
        var code = v.RequiredText(value, field, 3)?.ToUpperInvariant();
        if (code is not null && !Currency.IsKnown(code))
        {
            v.Add(field, "must be an ISO 4217 currency code, such as BRL or USD.");
        }

        return code;
    }

    public static IReadOnlyList<Capability> Capabilities(Validation v, IReadOnlyList<Capability>? value, string field)
    {
        if (value is null || value.Count == 0)
        {
            v.Add(field, "must name at least one of: supplier, buyer.");
            return [];
        }

        return value.Distinct().Order().ToArray();
    }

    public static string? Email(Validation v, string? value, string field, bool required)
    {
        var text = required ? v.RequiredText(value, field, 254) : v.OptionalText(value, field, 254);
        if (text is not null && (!MailAddress.TryCreate(text, out var address) || address.Address != text || !text.Contains('.', StringComparison.Ordinal)))
        {
            v.Add(field, "must be an email address, such as ana@example.com.");
        }

        return text?.ToLowerInvariant();
    }

    public static IReadOnlyList<Role> Roles(Validation v, IReadOnlyList<Role>? value, Organization org, string field)
    {
        if (value is null || value.Count == 0)
        {
            v.Add(field, "must name at least one role.");
            return [];
        }

        foreach (var role in value.Distinct().Where(r => !org.Allows(r)))
        {
            v.Add(field, $"'{role}' is a {Accounts.Roles.SideOf(role).ToString().ToLowerInvariant()} role, and organization '{org.Id}' is not a {Accounts.Roles.SideOf(role).ToString().ToLowerInvariant()}.");
        }

        return value.Distinct().Order().ToArray();
    }

    /// <summary>Only the admin of a side grants or withdraws that side's roles.</summary>
    public static void RequireAdminOfSides(OrgAccess access, IEnumerable<Role> roles, string action)
    {
        foreach (var side in roles.Select(Accounts.Roles.SideOf).Distinct())
        {
            access.Require(action, Accounts.Roles.AdminOf(side));
        }
    }

    /// <summary>What a token says of a person, as stored in a member or an invitation: an identity provider's claims have
    /// no length limit, so the name is cut at 200 characters (control characters dropped) and an email past 254 is not kept.</summary>
    public static (string? Email, string? Name) Profile(Caller caller)
    {
        var name = caller.Name is null ? null : new string(caller.Name.Where(c => !char.IsControl(c)).Take(200).ToArray()).Trim();
        return (caller.Email is { Length: <= 254 } email ? email : null, string.IsNullOrEmpty(name) ? null : name);
    }

    /// <summary>Refuses a change that grows the organization's document past <see cref="Organization.MaxDocumentBytes"/>.</summary>
    public static void RequireRoom(Organization before, Organization after)
    {
        var size = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(after, Json.Options).Length;
        if (size > Organization.MaxDocumentBytes && size > System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(before, Json.Options).Length)
        {
            throw DomainException.Conflict($"Organization '{after.Id}' has no room left for this change (its members and invitations take {size / 1000} KB); remove members or revoke invitations first.");
        }
    }

    /// <summary>Each side the organization acts on keeps an admin, or nobody could manage it any more.</summary>
    public static void RequireAdmins(Organization org)
    {
        var orphaned = org.SidesWithoutAdmin().ToArray();
        if (orphaned.Length > 0)
        {
            throw DomainException.Conflict($"This change would leave organization '{org.Id}' without a {Accounts.Roles.AdminOf(orphaned[0])}; give the role to someone else first.");
        }
    }
}
