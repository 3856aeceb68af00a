using System.Security.Cryptography;
using System.Text;

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Agora.LocalHost.Runtime;

/// <summary>The host's key check: a key comes as the "code" query parameter or the x-functions-key header. The master
/// key opens everything; the function key opens Function-level functions. Keys come from configuration
/// (LocalHost__MasterKey, LocalHost__FunctionKey); an unset key opens nothing.</summary>
internal sealed class KeyAuthorizer(IConfiguration configuration)
{
    public const string MasterKeySetting = "LocalHost:MasterKey";
    public const string FunctionKeySetting = "LocalHost:FunctionKey";

    public static AuthLevel ParseLevel(FunctionDescriptor function, string? authLevel) => authLevel?.ToUpperInvariant() switch
    {
        null or "ANONYMOUS" => AuthLevel.Anonymous,
        "FUNCTION" => AuthLevel.Function,
        // System keys (webhooks) are opened by the master key too; no system keys are issued locally.
        "ADMIN" or "SYSTEM" => AuthLevel.Admin,
        _ => throw new FunctionIndexingException(function.Name, $"the authLevel '{authLevel}' is not supported (Anonymous, Function, Admin)."),
    };

    public bool IsAuthorized(HttpRequest request, AuthLevel level)
    {
        if (level == AuthLevel.Anonymous)
        {
            return true;
        }

        var presented = request.Headers["x-functions-key"].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        return Matches(presented, configuration[MasterKeySetting]) ||
            (level == AuthLevel.Function && Matches(presented, configuration[FunctionKeySetting]));
    }

    private static bool Matches(string presented, string? key) =>
        !string.IsNullOrEmpty(key) &&
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key));
}

internal enum AuthLevel
{
    Anonymous,
    Function,
    Admin,
}
