using System.Buffers;

namespace Agora.Core.Common;

/// <summary>Sortable identifiers (ULIDs): time-ordered, so keyset paging by id is paging by creation time.</summary>
public static class Ids
{
    // Checked for every row of every import (SKUs, price lists): a vectorized scan rather than a delegate per char.
    private static readonly SearchValues<char> IdChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");

    public static string New(TimeProvider clock) => Ulid.NewUlid(clock.GetUtcNow()).ToString().ToLowerInvariant();

    /// <summary>A ULID of <paramref name="at"/> whose random part comes from <paramref name="key"/>: the same key makes the same
    /// id, so a retried writer adds an entry once, and it still sorts by time.</summary>
    public static string Of(DateTimeOffset at, string key) =>
        Ulid.NewUlid(at, System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)).AsSpan(0, 10)).ToString().ToLowerInvariant();

    /// <summary>Ids the API accepts for resources it did not mint (organizations named by a client, users from an identity provider):
    /// 1 to 64 characters of letters, digits, '-', '_' and '.', so they are safe in routes, Cosmos ids and blob paths.</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= 64 } && !id.AsSpan().ContainsAnyExcept(IdChars);
}
