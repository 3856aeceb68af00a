using System.Net;
using Agora.Testing;

namespace Agora.Functions.Tests;

[Collection(BackendCollection.Name)]
public sealed class IdentityTests(BackendFixture backend)
{
    public static TheoryData<string, string> BadTokens => new()
    {
        { "missing", string.Empty },
        { "expired", TestTokens.For("u1", lifetime: TimeSpan.FromMinutes(-5)) },
        { "not yet valid", TestTokens.For("u1", notBefore: DateTime.UtcNow.AddHours(1)) },
        { "forged (signed with another key)", TestTokens.For("u1", key: Convert.ToBase64String(new byte[32])) },
        { "wrong audience", TestTokens.For("u1", audience: "api://someone-else") },
        { "wrong issuer", TestTokens.For("u1", issuer: "https://evil.example") },
        { "alg none", TestTokens.WithoutSignature("u1") },
        { "malformed", "not-a-jwt" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_bad_token_gets_401_with_a_problem_and_a_bearer_challenge(string kind, string token)
    {
        using var client = token.Length == 0 ? backend.Anonymous() : backend.WithToken(token);

        var response = await client.GetAsync("/api/me");

        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{kind}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
        var problem = await BackendFixture.Json(response);
        Assert.Equal(401, (int)problem["status"]!);
        Assert.False(string.IsNullOrEmpty((string?)problem["detail"]));
    }

    [Fact]
    public async Task A_valid_token_reaches_a_protected_endpoint()
    {
        using var client = backend.As("identity-user", "Identity.User@Test.example", "Ida");

        var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await BackendFixture.Json(response);
        Assert.Equal("identity-user", (string?)me["userId"]);
        Assert.Equal("identity.user@test.example", (string?)me["email"]);
    }

    [Fact]
    public async Task Anonymous_endpoints_need_no_token()
    {
        using var client = backend.Anonymous();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/openapi.json")).StatusCode);
    }
}
