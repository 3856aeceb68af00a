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
}

/// <summary>One page of a keyset-paged listing; <see cref="Next"/> is the opaque cursor of the next page, null on the last.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
