namespace Agora.Core.Common;

/// <summary>Who is calling, as established by authentication: the identity provider's subject and what it says of the person.
/// It carries no roles: what the caller may do is decided by the use case from the memberships it holds.</summary>
public sealed record Caller(string UserId, string? Email, string? Name)
{
    public string DisplayName => Name ?? Email ?? UserId;
}
