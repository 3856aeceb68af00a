using Agora.Infrastructure.Identity;
using Agora.Testing;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Infrastructure.Tests;

/// <summary>What the authenticator says of the caller's email: verified only when the identity provider says so with
/// <c>email_verified</c>; an address from <c>preferred_username</c> is shown, never trusted.</summary>
public sealed class JwtAuthenticatorTests
{
    private readonly JwtAuthenticator _authenticator = new(Options.Create(new AuthOptions { Issuer = TestTokens.Issuer, Audience = TestTokens.Audience, SigningKey = TestTokens.SigningKey }));

    public static TheoryData<string, string?, bool> Claims => new()
    {
        { """{"email":"Ana@Example.com","email_verified":true}""", "ana@example.com", true },
        { """{"email":"ana@example.com","email_verified":"true"}""", "ana@example.com", true },
        { """{"email":"ana@example.com","email_verified":false}""", "ana@example.com", false },
        { """{"email":"ana@example.com"}""", "ana@example.com", false },
        { """{"preferred_username":"ana@example.com","email_verified":true}""", "ana@example.com", false },
        { """{"email_verified":true}""", null, false },
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public async Task Only_an_email_the_identity_provider_verified_is_a_verified_email(string claims, string? email, bool verified)
    {
        var values = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, System.Text.Json.JsonElement>>(claims)!
            .ToDictionary(c => c.Key, c => (object)(c.Value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.True => true,
                System.Text.Json.JsonValueKind.False => false,
                _ => c.Value.GetString()!,
            }));
        values["sub"] = "ana";
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestTokens.Issuer,
            Audience = TestTokens.Audience,
            Claims = values,
            Expires = DateTime.UtcNow.AddHours(1),
            SigningCredentials = new SigningCredentials(JwtAuthenticator.SigningKey(TestTokens.SigningKey), SecurityAlgorithms.HmacSha256),
        });

        var result = await _authenticator.AuthenticateAsync("Bearer " + token);

        Assert.Equal(email, result.Caller!.Email);
        Assert.Equal(verified, result.Caller.EmailVerified);
        Assert.Equal(verified ? email : null, result.Caller.VerifiedEmail);
    }
}
