using System.Text.Json;
using System.Globalization;
using System.Net;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Carts, negotiated quotes, orders, shipments, returns and customer ledgers in <c>sales</c>, each in the partition of its own id (id = pk = the
/// document's id, type = its kind).</summary>
public sealed class CosmosSalesDocuments<T>(CosmosContainers cosmos) : ISalesDocuments<T>
    where T : ISalesDocument
{
    private static readonly string Type = typeof(T) switch
    {
        var t when t == typeof(Order) => "order",
        var t when t == typeof(NegotiatedQuote) => "quote",
        var t when t == typeof(Cart) => "cart",
        var t when t == typeof(Agora.Core.Fulfilment.Shipment) => "shipment",
        var t when t == typeof(Agora.Core.Fulfilment.GoodsReturn) => "return",
        var t when t == typeof(Core.Billing.CustomerLedger) => "ledger",
        var t => throw new InvalidOperationException($"{t.Name} is not a sales document."),
    };

    /// <summary>The document when it is one of this kind. Every kind shares the container, and a route names an id of its
    /// own kind: an id of another kind (an order's id on a shipment route, a customer ledger's, which is built from two
    /// organization ids) is not found, as an unknown one is. Decoding it as this kind may fail (it did: a 500 that told a
    /// stranger the id exists); only then is it read again untyped to tell another kind (null) from a broken document of
    /// this one (thrown), so the common read decodes once.</summary>
    public async Task<Versioned<T>?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Sales);
        try
        {
            var document = await CosmosContainers.ReadAsync<T>(container, id, id, cancellationToken).ConfigureAwait(false);
            return document is null || document.Type != Type ? null : new Versioned<T>(document.Data, document.ETag!);
        }
        catch (JsonException)
        {
            var untyped = await CosmosContainers.ReadAsync<JsonElement>(container, id, id, cancellationToken).ConfigureAwait(false);
            if (untyped is null || untyped.Type != Type)
            {
                return null;
            }

            throw;
        }
    }

    public async Task<Versioned<T>> CreateAsync(T document, CancellationToken cancellationToken) =>
        new(document, await CosmosContainers.CreateAsync(cosmos.Get(Containers.Sales), ToDocument(document), $"The {Type} '{document.Id}' exists.", cancellationToken).ConfigureAwait(false));

    public async Task<Versioned<T>> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken) =>
        new(document, await CosmosContainers.ReplaceAsync(cosmos.Get(Containers.Sales), ToDocument(document), ifMatch, $"The {Type}", cancellationToken).ConfigureAwait(false));

    public Task<bool> DeleteAsync(string id, CancellationToken cancellationToken) => CosmosContainers.DeleteAsync(cosmos.Get(Containers.Sales), id, id, cancellationToken);

    /// <summary>One patch, conditional on the outbox being unclaimed or its claim having ended: the server applies it
    /// atomically, and it sends two small fields, not the document.</summary>
    public async Task<bool> ClaimOutboxAsync(string id, string holder, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (!CosmosContainers.CanName(id))
        {
            return false;
        }

        try
        {
            await cosmos.Get(Containers.Sales).PatchItemAsync<object>(id, new PartitionKey(id),
                [PatchOperation.Set("/data/outbox/claimedBy", holder), PatchOperation.Set("/data/outbox/claimedUntil", until.ToUnixTimeMilliseconds())],
                new PatchItemRequestOptions
                {
                    FilterPredicate = $"FROM c WHERE NOT IS_DEFINED(c.data.outbox.claimedUntil) OR c.data.outbox.claimedUntil < {now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)}",
                    EnableContentResponseOnWrite = false,
                }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task ReleaseOutboxClaimAsync(string id, string holder, CancellationToken cancellationToken)
    {
        if (!CosmosContainers.CanName(id) || !Ids.IsWellFormed(holder))
        {
            return;
        }

        try
        {
            await cosmos.Get(Containers.Sales).PatchItemAsync<object>(id, new PartitionKey(id),
                [PatchOperation.Remove("/data/outbox/claimedBy"), PatchOperation.Remove("/data/outbox/claimedUntil")],
                new PatchItemRequestOptions { FilterPredicate = $"FROM c WHERE c.data.outbox.claimedBy = '{holder}'", EnableContentResponseOnWrite = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            // Taken over or ended meanwhile: nothing of ours to release.
        }
    }

    private static Document<T> ToDocument(T value) => new() { Id = value.Id, Pk = value.Id, Type = Type, Data = value };
}
