using System.Security.Cryptography;
using System.Text;

namespace Agora.Core.Common;

/// <summary>Bearer secrets handed to people (invitation links): 256 bits from <see cref="RandomNumberGenerator"/>, never
/// from <see cref="Ids"/> (ULIDs come from a non-cryptographic generator and carry a timestamp). Only their SHA-256 is
/// stored, so a leaked document or backup lets nobody in.</summary>
public static class SecretTokens
{
    /// <summary>The longest token a client may send; real ones are 43 characters.</summary>
    public const int MaxLength = 128;

    /// <summary>A new token: 32 random bytes, base64url without padding (safe in a URL as it is).</summary>
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The stored form of <paramref name="token"/>: SHA-256 of its UTF-8 bytes, base64url.</summary>
    public static string Hash(string token) => Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Compares two stored hashes in constant time.</summary>
    public static bool SameHash(string? stored, string candidate) =>
        stored is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored), Encoding.ASCII.GetBytes(candidate));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
