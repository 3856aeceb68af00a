namespace Agora.Core.Common;

/// <summary>Who is calling, as established by authentication: the identity provider's subject and what it says of the person.
/// It carries no roles: what the caller may do is decided by the use case from the memberships it holds.</summary>
/// <param name="EmailVerified">True only when the identity provider vouches that the person owns <paramref name="Email"/>
/// (the token's <c>email_verified</c> claim). An address read from anything else (<c>preferred_username</c>) is for display.</param>
public sealed record Caller(string UserId, string? Email, string? Name, bool EmailVerified = false)
{
    public string DisplayName => Name ?? Email ?? UserId;

    /// <summary>The caller's email when the identity provider verified it; what invitations are matched against.</summary>
    public string? VerifiedEmail => EmailVerified ? Email : null;
}
