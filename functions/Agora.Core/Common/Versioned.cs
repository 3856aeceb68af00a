namespace Agora.Core.Common;

/// <summary>A value read from a store with the version (ETag) that an update must name in If-Match.</summary>
public sealed record Versioned<T>(T Value, string ETag)
{
    /// <summary>True when the value was read from a store; a default that was never stored has no version to name.</summary>
    public bool IsStored => ETag.Length > 0;
}

/// <summary>Versioned values that were never stored (defaults), and the one rule of every PUT that replaces a whole
/// document: creating needs no version, replacing needs If-Match (428 without, 412 when stale), so two editors never
/// silently lose each other's change.</summary>
public static class Versions
{
    public static Versioned<T> NotStored<T>(T value) => new(value, string.Empty);

    /// <summary>The version a replace must name: null to create when nothing is stored, else <paramref name="ifMatch"/>,
    /// which must be there.</summary>
    public static string? ForReplace<T>(Versioned<T>? current, string? ifMatch) =>
        current is null ? null : ifMatch ?? throw DomainException.PreconditionRequired();

    /// <summary>A version of what a client edits, independent of the store's: a hash of <paramref name="content"/>. For an
    /// item of a list kept in one document (an approval rule, an address), and for a document the system also writes on its
    /// own (a list whose outbox the queue clears), where the store's ETag would change under a client that changed nothing.</summary>
    public static string OfContent<T>(T content) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(content, Json.Options))))[..32];

    /// <summary>The rule of a replace against a content version: If-Match required (428), and naming the content as it is
    /// now (412 otherwise, which is the client's answer: it is not retried).</summary>
    public static void CheckContent(string current, string? ifMatch)
    {
        if (ifMatch is null)
        {
            throw DomainException.PreconditionRequired();
        }

        if (!string.Equals(ifMatch, current, StringComparison.Ordinal))
        {
            throw new DomainException(FailureKind.PreconditionFailed, "It changed since it was read; read it again and retry with the new ETag.");
        }
    }
}

/// <summary>One page of a keyset-paged listing; <see cref="Next"/> is the opaque cursor of the next page, null on the last.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
