namespace Agora.Core.Common;

/// <summary>Optimistic concurrency, the one way: read, decide, write with the version read; when another writer got in
/// between (the ETag was stale, or the item being created exists by now: <see cref="DomainException.IsWriteConflict"/>),
/// read and decide again on the newer version. After <see cref="MaxAttempts"/> lost races it gives up without writing and
/// says so in terms a client can act on: <see cref="DomainException.Busy"/>, a 409 with <c>Retry-After</c>. A client that
/// sent its own <c>If-Match</c> is not retried here: its stale ETag is its answer (412).</summary>
public static class Concurrency
{
    /// <summary>Attempts of one change, the first included.</summary>
    public const int MaxAttempts = 5;

    /// <summary>What a client is told to wait before sending the same request again when attempts ran out.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>Runs <paramref name="attempt"/> (given its number, 1 first: from 2 on, read again what you decide on) until
    /// it ends without a write conflict.</summary>
    /// <param name="what">What is being changed, for the client ("Organization 'acme'").</param>
    /// <exception cref="DomainException">Any failure of the attempt other than a write conflict, as it is; after
    /// <see cref="MaxAttempts"/> write conflicts, <see cref="DomainException.Busy"/>.</exception>
    public static async Task<T> RetryAsync<T>(string what, Func<int, Task<T>> attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(number).ConfigureAwait(false);
            }
            catch (DomainException e) when (e.IsWriteConflict && number >= MaxAttempts)
            {
                throw DomainException.Busy(what, RetryAfter);
            }
            catch (DomainException e) when (e.IsWriteConflict)
            {
                // Someone else wrote in between: decide again on their version.
            }
        }
    }

    /// <inheritdoc cref="RetryAsync{T}"/>
    public static Task RetryAsync(string what, Func<int, Task> attempt) =>
        RetryAsync(what, async number =>
        {
            await attempt(number).ConfigureAwait(false);
            return true;
        });
}
