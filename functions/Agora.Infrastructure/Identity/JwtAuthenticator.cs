using System.Security.Claims;
using Agora.Core.Common;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Infrastructure.Identity;

/// <summary>App settings <c>Auth__Issuer</c>, <c>Auth__Audience</c>, and either <c>Auth__MetadataAddress</c> (the identity
/// provider's OpenID Connect metadata, in production) or <c>Auth__SigningKey</c> (a base64 HMAC key, local development only).</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string Issuer { get; set; } = string.Empty;

    public string Audience { get; set; } = string.Empty;

    public string? MetadataAddress { get; set; }

    public string? SigningKey { get; set; }

    /// <summary>The claim that identifies a person: <c>sub</c>, or <c>oid</c> for Microsoft Entra ID.</summary>
    public string SubjectClaim { get; set; } = "sub";

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>The outcome of reading a bearer token: the caller, or why there is none.</summary>
public sealed record AuthenticationResult(Caller? Caller, string? Error)
{
    public bool Succeeded => Caller is not null;
}

/// <summary>Validates bearer tokens (signature, issuer, audience, lifetime, algorithm) with Microsoft.IdentityModel.</summary>
public sealed class JwtAuthenticator
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly TokenValidationParameters _parameters;
    private readonly string _subjectClaim;

    public JwtAuthenticator(IOptions<AuthOptions> options)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.Issuer) || string.IsNullOrWhiteSpace(o.Audience))
        {
            throw new InvalidOperationException("Set Auth__Issuer and Auth__Audience.");
        }

        _subjectClaim = o.SubjectClaim;
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = o.Issuer,
            ValidAudience = o.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = o.ClockSkew,
        };
        if (!string.IsNullOrWhiteSpace(o.MetadataAddress))
        {
            _parameters.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                o.MetadataAddress, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = o.MetadataAddress.StartsWith("https://", StringComparison.OrdinalIgnoreCase) });
            _parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256];
        }
        else if (!string.IsNullOrWhiteSpace(o.SigningKey))
        {
            _parameters.IssuerSigningKey = SigningKey(o.SigningKey);
            _parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
        }
        else
        {
            throw new InvalidOperationException("Set Auth__MetadataAddress (production) or Auth__SigningKey (local development).");
        }
    }

    /// <summary>The HMAC key of local development tokens.</summary>
    public static SymmetricSecurityKey SigningKey(string base64) => new(Convert.FromBase64String(base64)) { KeyId = "agora-dev" };

    /// <summary>Reads the <c>Authorization</c> header value.</summary>
    public async Task<AuthenticationResult> AuthenticateAsync(string? authorization)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrWhiteSpace(authorization))
        {
            return new(null, "The request has no bearer token: send 'Authorization: Bearer <token>'.");
        }

        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorization.Length == scheme.Length)
        {
            return new(null, "The Authorization header is not a bearer token.");
        }

        var result = await _handler.ValidateTokenAsync(authorization[scheme.Length..].Trim(), _parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            return new(null, Describe(result.Exception));
        }

        var identity = result.ClaimsIdentity;
        var subject = identity.FindFirst(_subjectClaim)?.Value;
        if (!Ids.IsWellFormed(subject))
        {
            return new(null, $"The token's '{_subjectClaim}' claim is missing or not a usable id.");
        }

        // Only `email` with `email_verified: true` is an address the person proved to own (OpenID Connect Core 5.1); it is
        // what invitations are matched against. `preferred_username` is whatever the account is called, shown but never trusted.
        var email = identity.FindFirst("email")?.Value;
        var verified = email is not null && string.Equals(identity.FindFirst("email_verified")?.Value, "true", StringComparison.OrdinalIgnoreCase);
        if (email is null && identity.FindFirst("preferred_username")?.Value is { } username && username.Contains('@', StringComparison.Ordinal))
        {
            email = username;
        }

        return new(new Caller(subject!, email?.ToLowerInvariant(), identity.FindFirst("name")?.Value ?? identity.FindFirst(ClaimTypes.Name)?.Value, verified), null);
    }

    private static string Describe(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "The token has expired.",
        SecurityTokenNotYetValidException => "The token is not valid yet.",
        SecurityTokenInvalidAudienceException => "The token was issued for another audience.",
        SecurityTokenInvalidIssuerException => "The token was issued by an issuer this API does not trust.",
        SecurityTokenInvalidAlgorithmException => "The token is signed with an algorithm this API does not accept.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
        SecurityTokenNoExpirationException => "The token has no expiry.",
        SecurityTokenMalformedException or ArgumentException => "The token is not a well-formed JWT.",
        _ => "The token is not valid.",
    };
}
