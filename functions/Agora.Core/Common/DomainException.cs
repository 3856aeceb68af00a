namespace Agora.Core.Common;

/// <summary>What went wrong, in the terms a client can act on. The HTTP edge maps each kind to one status code.</summary>
public enum FailureKind
{
    /// <summary>The input is malformed or breaks a rule (400 for shape, 422 for a rule).</summary>
    Validation,

    /// <summary>The input is well-formed but breaks a business rule (422).</summary>
    Unprocessable,

    /// <summary>The resource does not exist, or exists in an organization the caller does not belong to (404).</summary>
    NotFound,

    /// <summary>The caller belongs to the organization but lacks the role (403).</summary>
    Forbidden,

    /// <summary>The resource exists already or is in a state that forbids the change (409).</summary>
    Conflict,

    /// <summary>The resource changed since the caller read it (412).</summary>
    PreconditionFailed,

    /// <summary>An update came without the version it applies to (428).</summary>
    PreconditionRequired,
}

/// <summary>A failure a client caused and can correct. Anything else is a bug and surfaces as a 500 without details.</summary>
public sealed class DomainException : Exception
{
    public DomainException()
        : this(FailureKind.Validation, "The request is not valid.")
    {
    }

    public DomainException(string message)
        : this(FailureKind.Validation, message)
    {
    }

    public DomainException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = new Dictionary<string, string[]>();
    }

    public DomainException(FailureKind kind, string message, IReadOnlyDictionary<string, string[]>? errors = null)
        : base(message)
    {
        Kind = kind;
        Errors = errors ?? new Dictionary<string, string[]>();
    }

    public FailureKind Kind { get; }

    /// <summary>Field-level reasons, keyed by the JSON path of the field (camelCase, e.g. <c>creditLimit.currency</c>).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; }

    /// <summary>A write lost a race with another writer (its ETag was stale, or the item it created exists by now): reading
    /// again and deciding again may succeed. <see cref="Concurrency.RetryAsync{T}"/> retries exactly these.</summary>
    public bool IsWriteConflict { get; private init; }

    /// <summary>When the client may try again (the HTTP edge sends it as <c>Retry-After</c>); null when retrying the same
    /// request cannot help.</summary>
    public TimeSpan? RetryAfter { get; private init; }

    public static DomainException NotFound(string what, string id) => new(FailureKind.NotFound, $"{what} '{id}' was not found.");

    public static DomainException Forbidden(string reason) => new(FailureKind.Forbidden, reason);

    public static DomainException Conflict(string reason) => new(FailureKind.Conflict, reason);

    public static DomainException Unprocessable(string field, string reason) =>
        new(FailureKind.Unprocessable, reason, new Dictionary<string, string[]> { [field] = [reason] });

    public static DomainException Invalid(string field, string reason) =>
        new(FailureKind.Validation, "One or more fields are not valid.", new Dictionary<string, string[]> { [field] = [reason] });

    public static DomainException PreconditionFailed(string what) =>
        new(FailureKind.PreconditionFailed, $"{what} changed since it was read; read it again and retry with the new ETag.") { IsWriteConflict = true };

    /// <summary>A create found the item there already: a business conflict for the client (409), and a lost race for a
    /// read-decide-write loop, which decides again on the item now stored.</summary>
    public static DomainException AlreadyExists(string reason) => new(FailureKind.Conflict, reason) { IsWriteConflict = true };

    /// <summary>Other writers kept changing <paramref name="what"/> while this change was decided again and again: nothing
    /// was written, and the same request sent again in a moment will most likely succeed (409 with Retry-After).</summary>
    public static DomainException Busy(string what, TimeSpan retryAfter) =>
        new(FailureKind.Conflict, $"{what} is being changed by other requests at the same time; nothing was changed. Send the same request again in a moment.") { RetryAfter = retryAfter };

    /// <summary>The same request is still being processed (409 with Retry-After).</summary>
    public static DomainException InProgress(string reason, TimeSpan retryAfter) => new(FailureKind.Conflict, reason) { RetryAfter = retryAfter };

    /// <summary>A lifecycle has no move from <paramref name="current"/> to <paramref name="to"/> (409): the message names
    /// <paramref name="subject"/> ("Order 2026-000123") and the states it may move to, and the errors carry them as
    /// <c>currentStatus</c> and <c>allowedStatuses</c> for clients that offer the next steps.</summary>
    public static DomainException MoveNotAllowed(string subject, string current, IReadOnlyList<string> allowed, string to)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var reason = allowed.Count == 0
            ? $"{subject} is {current} and cannot change any more."
            : $"{subject} is {current}; it can move to {string.Join(", ", allowed)}, not to {to}.";
        return new(FailureKind.Conflict, reason, new Dictionary<string, string[]>
        {
            ["status"] = [reason],
            ["currentStatus"] = [current],
            ["allowedStatuses"] = [.. allowed],
        });
    }

    public static DomainException PreconditionRequired() =>
        new(FailureKind.PreconditionRequired, "This update needs an If-Match header with the ETag of the version it changes.");
}
