using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Testing;

/// <summary>Tokens for tests: good ones, and each kind of bad one a client might send.</summary>
public static class TestTokens
{
    public const string Issuer = "https://agora.test/issuer";
    public const string Audience = "api://agora-test";

    /// <summary>Test-only HMAC key (random per process).</summary>
    public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>A signed token; an <paramref name="email"/> is marked verified unless told, as identity providers do.</summary>
    public static string For(string userId, string? email = null, string? name = null, string issuer = Issuer, string audience = Audience,
        TimeSpan? lifetime = null, string? key = null, DateTime? notBefore = null, bool emailVerified = true)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object> { ["sub"] = userId };
        if (email is not null)
        {
            claims["email"] = email;
            if (emailVerified)
            {
                claims["email_verified"] = true;
            }
        }

        if (name is not null)
        {
            claims["name"] = name;
        }

        var life = lifetime ?? TimeSpan.FromHours(1);
        var issuedAt = life < TimeSpan.Zero ? now + life - TimeSpan.FromMinutes(10) : now;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = issuedAt,
            NotBefore = notBefore ?? issuedAt,
            Expires = now + life,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key ?? SigningKey)) { KeyId = "agora-dev" }, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) claiming to be <paramref name="userId"/>.</summary>
    public static string WithoutSignature(string userId)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        static string B64(string json) => Base64UrlEncoder.Encode(json);
        return $"{B64("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{B64($"{{\"sub\":\"{userId}\",\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"iat\":{now},\"nbf\":{now},\"exp\":{now + 3600}}}")}.";
    }
}
