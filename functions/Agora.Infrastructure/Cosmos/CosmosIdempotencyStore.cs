using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>A response kept for a request sent with an Idempotency-Key, replayed when the client retries it.</summary>
public sealed record StoredResponse(string RequestHash, bool Completed, int Status, string? ContentType, string? Body, IReadOnlyDictionary<string, string>? Headers, DateTimeOffset StartedAt)
{
    /// <summary>Until when an unfinished request holds its key; past it the request is taken for dead (a crash, a
    /// recycled instance) and a retry may take the key over.</summary>
    public DateTimeOffset LeaseEnds => StartedAt + CosmosIdempotencyStore.Lease;
}

/// <summary>What <see cref="CosmosIdempotencyStore.TryBeginAsync"/> found: either this request now holds the key
/// (<see cref="Claim"/>, the record's version, which only its holder may complete or abandon), or an earlier request did.</summary>
public sealed record IdempotencyBegin(string? Claim, StoredResponse? Earlier);

/// <summary>Keys are scoped to the caller and the route, and kept 24 hours (the retry window clients are told). A
/// request holds its key for <see cref="Lease"/> while it runs; it completes or abandons it only if it still holds it.</summary>
public sealed class CosmosIdempotencyStore(CosmosContainers cosmos)
{
    /// <summary>Longer than an HTTP request runs (the Azure front end gives up after 230 s; our operations take
    /// milliseconds), short enough that a request lost in a crash does not block its key for the day.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    private const string Type = "idempotentRequest";
    private const int KeepSeconds = 24 * 3600;

    public static string IdOf(string userId, string method, string path, string key) =>
        "idem:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{userId}\n{method}\n{path}\n{key}")));

    /// <summary>Claims <paramref name="id"/> for this request, also over an unfinished one whose lease ended; otherwise
    /// returns the earlier request's record.</summary>
    public async Task<IdempotencyBegin> TryBeginAsync(string id, string requestHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Requests);
        var claim = Document(id, new StoredResponse(requestHash, false, 0, null, null, null, now));
        while (true)
        {
            try
            {
                return new IdempotencyBegin(await CosmosContainers.CreateAsync(container, claim, "taken", cancellationToken).ConfigureAwait(false), null);
            }
            catch (Core.Common.DomainException e) when (e.Kind == Core.Common.FailureKind.Conflict)
            {
            }

            var existing = await CosmosContainers.ReadAsync<StoredResponse>(container, id, id, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                continue; // abandoned or expired in between: claim it
            }

            if (existing.Data.Completed || now < existing.Data.LeaseEnds || existing.Data.RequestHash != requestHash)
            {
                return new IdempotencyBegin(null, existing.Data);
            }

            try
            {
                // The holder's lease ended without an answer: take the key over, unless someone else just did.
                return new IdempotencyBegin(await CosmosContainers.ReplaceAsync(container, claim, existing.ETag, "Idempotency key", cancellationToken).ConfigureAwait(false), null);
            }
            catch (Core.Common.DomainException e) when (e.IsWriteConflict || e.Kind == Core.Common.FailureKind.NotFound)
            {
            }
        }
    }

    /// <summary>Stores the response for replay; false when the claim was taken over meanwhile (the request outlived its
    /// lease), in which case the newer holder's outcome is the one kept.</summary>
    public async Task<bool> CompleteAsync(string id, string claim, StoredResponse response, CancellationToken cancellationToken)
    {
        try
        {
            await CosmosContainers.ReplaceAsync(cosmos.Get(Containers.Requests), Document(id, response), claim, "Idempotency key", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Core.Common.DomainException e) when (e.IsWriteConflict || e.Kind == Core.Common.FailureKind.NotFound)
        {
            return false;
        }
    }

    /// <summary>Forgets a request that failed, so the client's retry runs it again; a claim taken over is left alone.</summary>
    public async Task AbandonAsync(string id, string claim, CancellationToken cancellationToken)
    {
        try
        {
            await cosmos.Get(Containers.Requests).DeleteItemAsync<object>(id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = claim }, cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.PreconditionFailed)
        {
        }
    }

    private static Document<StoredResponse> Document(string id, StoredResponse response) => new() { Id = id, Pk = id, Type = Type, Data = response, Ttl = KeepSeconds };
}
