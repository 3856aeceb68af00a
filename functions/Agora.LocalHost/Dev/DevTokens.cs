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
            claims["email"] = email;
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

    /// <summary><c>GET /dev/users</c> lists the demo users; <c>POST /dev/token/{userId}</c> returns a token for one
    /// (any other id gets a token too, for a person who is in no organization yet).</summary>
    public static void Map(WebApplication app)
    {
        app.MapGet("/dev/users", () => Results.Json(DemoMarketplace.Users.Select(u => new { id = u.Id, u.Email, u.Name, orgId = u.OrgId, roles = u.Roles }), Core.Common.Json.Options));
        app.MapPost("/dev/token/{userId}", (string userId, IConfiguration configuration, TimeProvider clock) =>
        {
            if (!Core.Common.Ids.IsWellFormed(userId))
            {
                return Results.Problem(statusCode: 400, title: "The request is not valid.", detail: "userId must be 1 to 64 letters, digits, '-', '_' or '.'.");
            }

            var user = DemoMarketplace.Users.FirstOrDefault(u => u.Id == userId);
            var token = Issue(configuration, userId, user?.Email, user?.Name, clock);
            return Results.Json(new { access_token = token, token_type = "Bearer", expires_in = (int)Lifetime.TotalSeconds });
        });
    }
}
