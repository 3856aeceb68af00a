using System.Globalization;
using System.Text;

namespace Agora.LocalHost.Dev;

/// <summary>What `dotnet run` prints once the backend is up: the demo users and calls that work as printed.</summary>
internal static class Banner
{
    public static string For(Uri baseAddress, string? masterKey, bool devTokens)
    {
        var b = baseAddress.ToString().TrimEnd('/');
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Agora is running at {b}  (Ctrl+C stops it)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Health:   curl -s {b}/api/health");
        text.AppendLine(CultureInfo.InvariantCulture, $"  OpenAPI:  curl -s {b}/api/openapi.json");
        text.AppendLine();
        if (!devTokens)
        {
            text.AppendLine("No dev tokens: this configuration is not local development (the dev signing key, the Cosmos DB emulator and local storage). Sign in with your identity provider.");
            return text.ToString();
        }

        text.AppendLine("Demo users (organization: roles). Get a token for one with:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  TOKEN=$(curl -s -X POST {b}/dev/token/ana | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
        foreach (var user in DemoMarketplace.Users)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {user.Id,-8} {user.Email,-28} {user.OrgId}: {string.Join(", ", user.Roles.Select(r => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(r.ToString())))}");
        }

        text.AppendLine();
        text.AppendLine("Then, for example:");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s -H \"Authorization: Bearer $TOKEN\" {b}/api/me");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s -H \"Authorization: Bearer $TOKEN\" {b}/api/orgs/{DemoMarketplace.SupplierId}/customers");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -X POST {b}/api/orgs/{DemoMarketplace.SupplierId}/invitations -d '{{\"email\":\"new@acme.example\",\"roles\":[\"warehouse\"]}}'");
        text.AppendLine(CultureInfo.InvariantCulture, $"  BUYER=$(curl -s -X POST {b}/dev/token/igor | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/')");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s -H \"Authorization: Bearer $BUYER\" '{b}/api/orgs/construtora-horizonte/suppliers/{DemoMarketplace.SupplierId}/products?q=serra&inStock=true'");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s -H \"Authorization: Bearer $BUYER\" -H 'Content-Type: application/json' -X POST {b}/api/orgs/construtora-horizonte/suppliers/{DemoMarketplace.SupplierId}/quote -d '{{\"lines\":[{{\"sku\":\"FER-001\",\"unit\":\"UN\",\"quantity\":4}},{{\"sku\":\"FIX-002\",\"unit\":\"UN\",\"quantity\":30}},{{\"sku\":\"EPI-001\",\"unit\":\"CX\",\"quantity\":3}}]}}'");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s {b}/dev/mail        # emails the backend sent (SendGrid stand-in)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s {b}/dev/mail/requests   # SendGrid requests, accepted and refused");
        if (masterKey is not null)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  curl -s -X POST -H 'x-functions-key: {masterKey}' -H 'Content-Type: application/json' {b}/admin/functions/ExpireInvitations -d '{{}}'   # run a timer now");
        }

        return text.ToString();
    }
}
