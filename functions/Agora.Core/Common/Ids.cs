namespace Agora.Core.Common;

/// <summary>Sortable identifiers (ULIDs): time-ordered, so keyset paging by id is paging by creation time.</summary>
public static class Ids
{
    public static string New(TimeProvider clock) => Ulid.NewUlid(clock.GetUtcNow()).ToString().ToLowerInvariant();

    /// <summary>Ids the API accepts for resources it did not mint (organizations named by a client, users from an identity provider):
    /// 1 to 64 characters of letters, digits, '-', '_' and '.', so they are safe in routes, Cosmos ids and blob paths.</summary>
    public static bool IsWellFormed(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
