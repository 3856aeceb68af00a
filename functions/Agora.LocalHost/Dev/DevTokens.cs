using Agora.Infrastructure.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agora.LocalHost.Dev;

/// <summary>Development-only token endpoint: signs tokens for the demo users with <c>Auth__SigningKey</c>, the key the API
/// trusts locally. In Azure the API trusts only the identity provider's keys (Auth__MetadataAddress), so these tokens are
/// worthless there.</summary>
public static class DevTokens
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    public static string Issue(IConfiguration configuration, string subject, string? email, string? name, TimeProvider clock)
    {
        var key = configuration["Auth:SigningKey"] ?? throw new InvalidOperationException("Auth__SigningKey is not set.");
        var now = clock.GetUtcNow().UtcDateTime;
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (email is not null)
        {
            // The dev endpoint stands in for an identity provider that verified the address, as Entra ID External ID or
            // Auth0 do at sign-up: invitations are accepted only with a verified email.
            claims["email"] = email;
            claims["email_verified"] = true;
        }

        if (name is not null)
        {
            claims["name"] = name;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = configuration["Auth:Issuer"],
            Audience = configuration["Auth:Audience"],
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = new SigningCredentials(JwtAuthenticator.SigningKey(key), SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>True only for a local development setup: tokens signed with the dev key (<c>Auth__SigningKey</c>, no
    /// <c>Auth__MetadataAddress</c>), the Cosmos DB emulator (<c>CosmosDb__Emulator</c>) and storage on this machine. A
    /// local runtime pointed at anything else does not sign tokens for anyone.</summary>
    public static bool IsLocalDevelopment(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["Auth:SigningKey"])
        && string.IsNullOrWhiteSpace(configuration["Auth:MetadataAddress"])
        && string.Equals(configuration["CosmosDb:Emulator"], "true", StringComparison.OrdinalIgnoreCase)
        && IsLoopback(configuration["CosmosDb:Endpoint"])
        && IsLocalStorage(configuration["AzureWebJobsStorage"]);

    /// <summary><c>GET /dev/users</c> lists the demo users; <c>POST /dev/token/{userId}</c> returns a token for one (any
    /// other id gets a token too, for a person who is in no organization yet, with <c>?email=</c> as their verified
    /// address). Mapped only when <see cref="IsLocalDevelopment"/>.</summary>
    public static bool Map(WebApplication app)
    {
        if (!IsLocalDevelopment(app.Configuration))
        {
            return false;
        }

        app.MapGet("/dev/users", () => Results.Json(DemoMarketplace.Users.Select(u => new { id = u.Id, u.Email, u.Name, orgId = u.OrgId, roles = u.Roles }), Core.Common.Json.Options));
        app.MapPost("/dev/token/{userId}", (string userId, string? email, IConfiguration configuration, TimeProvider clock) =>
        {
            if (!Core.Common.Ids.IsWellFormed(userId))
            {
                return Results.Problem(statusCode: 400, title: "The request is not valid.", detail: "userId must be 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            if (email is not null && !System.Net.Mail.MailAddress.TryCreate(email, out _))
            {
                return Results.Problem(statusCode: 400, title: "The request is not valid.", detail: "email must be an email address, such as ana@example.com.");
            }

            var user = DemoMarketplace.Users.FirstOrDefault(u => u.Id == userId);
            var token = Issue(configuration, userId, user?.Email ?? email, user?.Name, clock);
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = (int)Lifetime.TotalSeconds });
        });
        return true;
    }

    private static bool IsLoopback(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback;

    /// <summary>Azurite: the development-storage shortcut, or a connection string whose endpoints are all on this machine.</summary>
    private static bool IsLocalStorage(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return false;
        }

        if (connectionString.Contains("UseDevelopmentStorage=true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var endpoints = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .Where(kv => kv.Length == 2 && kv[0].EndsWith("Endpoint", StringComparison.OrdinalIgnoreCase))
            .Select(kv => kv[1])
            .ToArray();
        return endpoints.Length > 0 && endpoints.All(IsLoopback);
    }
}
