using System.Net;
using Agora.Core.Common;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>The operations every store uses, in the forms both Azure Cosmos DB and the local emulator support
/// (DESIGN.md section 2): point reads and writes with ETags, and queries that name their partition twice.</summary>
public sealed class CosmosContainers(CosmosClient client, Microsoft.Extensions.Options.IOptions<CosmosOptions> options)
{
    public Container Get(string name) => client.GetContainer(options.Value.Database, name);

    /// <summary>Whether an id or key can name an item at all. Cosmos DB refuses '/', '\\', '?' and '#' in ids and more than
    /// 255 characters, and no id Agora writes has a '%' or a control character; a route value such as <c>%FF</c> or
    /// <c>a%2Fb</c> therefore names nothing (not found) and is never sent, where it would fail the request (and crash the
    /// local emulator, whose URL decoding throws on it).</summary>
    public static bool CanName(string id) =>
        id.Length is > 0 and <= 255 && !id.Any(c => c is '/' or '\\' or '?' or '#' or '%' || char.IsControl(c) || char.IsSurrogate(c) || c == '\uFFFD');

    public static async Task<Document<T>?> ReadAsync<T>(Container container, string id, string pk, CancellationToken cancellationToken)
    {
        if (!CanName(id) || !CanName(pk))
        {
            return null;
        }

        try
        {
            return (await container.ReadItemAsync<Document<T>>(id, new PartitionKey(pk), cancellationToken: cancellationToken).ConfigureAwait(false)).Resource;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Creates the item; <paramref name="conflict"/> says what a 409 means to the client.</summary>
    public static async Task<string> CreateAsync<T>(Container container, Document<T> document, string conflict, CancellationToken cancellationToken)
    {
        try
        {
            var response = await container.CreateItemAsync(document, new PartitionKey(document.Pk), NoContent, cancellationToken).ConfigureAwait(false);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            throw DomainException.AlreadyExists(conflict);
        }
    }

    /// <summary>Replaces the item if it is still at <paramref name="ifMatch"/> (any version when null).</summary>
    public static async Task<string> ReplaceAsync<T>(Container container, Document<T> document, string? ifMatch, string what, CancellationToken cancellationToken)
    {
        try
        {
            var response = await container.ReplaceItemAsync(document, document.Id, new PartitionKey(document.Pk),
                new ItemRequestOptions { IfMatchEtag = ifMatch, EnableContentResponseOnWrite = false }, cancellationToken).ConfigureAwait(false);
            return response.ETag;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
        {
            throw DomainException.PreconditionFailed(what);
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw DomainException.NotFound(what, document.Id);
        }
    }

    /// <summary>The write of a PUT that replaces a whole document (<see cref="Versions.ForReplace"/>): creates it when
    /// <paramref name="ifMatch"/> is null (409 if it was created meanwhile), else replaces the version named (412 when stale).</summary>
    public static async Task<Versioned<T>> CreateOrReplaceAsync<T>(Container container, Document<T> document, string? ifMatch, string what, CancellationToken cancellationToken)
    {
        var etag = ifMatch is null
            ? await CreateAsync(container, document, $"{what} was set meanwhile; read it and retry with its ETag.", cancellationToken).ConfigureAwait(false)
            : await ReplaceAsync(container, document, ifMatch, what, cancellationToken).ConfigureAwait(false);
        return new Versioned<T>(document.Data, etag);
    }

    public static async Task<string> UpsertAsync<T>(Container container, Document<T> document, CancellationToken cancellationToken)
    {
        var response = await container.UpsertItemAsync(document, new PartitionKey(document.Pk), NoContent, cancellationToken).ConfigureAwait(false);
        return response.ETag;
    }

    /// <summary>Deletes the item; false when it was not there (deleting is idempotent).</summary>
    public static async Task<bool> DeleteAsync(Container container, string id, string pk, CancellationToken cancellationToken)
    {
        if (!CanName(id) || !CanName(pk))
        {
            return false;
        }

        try
        {
            await container.DeleteItemAsync<object>(id, new PartitionKey(pk), NoContent, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Runs a query within one partition and reads every result. The query text must also filter on
    /// <c>c.pk = @pk</c>: the emulator needs the key in the WHERE clause as well as in the options.</summary>
    /// <remarks>Pages are as large as the service allows (<c>MaxItemCount = -1</c>: up to 4 MB) rather than the SDK's
    /// default of 1,000 items: every page is read anyway, and each one is a request. A quote reads its price entries in
    /// one query, and a 500-line cart has a few thousand of them: with 1,000 per page its requests grew with its lines
    /// (and on the local emulator, which does not send the header that keeps the SDK on its direct path, the second
    /// page made the SDK ask for a query plan the emulator cannot give, and the quote failed).</remarks>
    public static Task<IReadOnlyList<Document<T>>> QueryAsync<T>(Container container, string pk, QueryDefinition query, CancellationToken cancellationToken) =>
        QueryItemsAsync<Document<T>>(container, pk, query, cancellationToken);

    /// <summary>As <see cref="QueryAsync"/>, for a query that projects (<c>SELECT c.data.sku FROM c ...</c>) rather than
    /// reads whole documents.</summary>
    public static async Task<IReadOnlyList<T>> QueryItemsAsync<T>(Container container, string pk, QueryDefinition query, CancellationToken cancellationToken)
    {
        var results = new List<T>();
        using var iterator = container.GetItemQueryIterator<T>(query.WithParameter("@pk", pk), requestOptions: new QueryRequestOptions
        {
            PartitionKey = new PartitionKey(pk),
            EnableOptimisticDirectExecution = true,
            MaxItemCount = -1,
        });
        while (iterator.HasMoreResults)
        {
            results.AddRange(await iterator.ReadNextAsync(cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>One keyset page: <paramref name="limit"/> items after <paramref name="after"/> in sortKey order.</summary>
    public static async Task<Page<T>> PageAsync<T>(Container container, string pk, string type, string? after, int limit, string? extraFilter, IReadOnlyDictionary<string, object>? parameters, CancellationToken cancellationToken)
    {
        var text = $"SELECT TOP @take * FROM c WHERE c.pk = @pk AND c.type = @type{(after is null ? string.Empty : " AND c.sortKey > @after")}{(extraFilter is null ? string.Empty : " AND " + extraFilter)} ORDER BY c.sortKey";
        var query = new QueryDefinition(text).WithParameter("@take", limit + 1).WithParameter("@type", type);
        if (after is not null)
        {
            query = query.WithParameter("@after", after);
        }

        foreach (var (name, value) in parameters ?? new Dictionary<string, object>())
        {
            query = query.WithParameter(name, value);
        }

        var items = await QueryAsync<T>(container, pk, query, cancellationToken).ConfigureAwait(false);
        var page = items.Take(limit).ToArray();
        return new Page<T>(page.Select(d => d.Data).ToArray(), items.Count > limit ? Cursor.Encode(page[^1].SortKey) : null);
    }

    private static readonly ItemRequestOptions NoContent = new() { EnableContentResponseOnWrite = false };
}
