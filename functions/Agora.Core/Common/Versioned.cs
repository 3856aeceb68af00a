namespace Agora.Core.Common;

/// <summary>A value read from a store with the version (ETag) that an update must name in If-Match.</summary>
public sealed record Versioned<T>(T Value, string ETag);

/// <summary>One page of a keyset-paged listing; <see cref="Next"/> is the opaque cursor of the next page, null on the last.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? Next);
