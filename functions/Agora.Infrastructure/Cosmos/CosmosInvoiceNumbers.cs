using System.Net;
using Agora.Core.Billing;
using Agora.Core.Common;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Invoice numbers in the supplier's partition of <c>organizations</c>: one <c>invoiceSeries:{series}</c> item per
/// series holds the last number taken and a journal of the latest invoice ids, the first of which has number
/// <c>base</c> (decision 0018). Taking a number is one patch that increments <c>last</c> and appends the invoice id to the
/// journal, on the condition that the id is not in it yet: patches are atomic on their item, so concurrent issuers never
/// collide (no ETag race to lose) and get consecutive numbers, and an issuer that asks again for the same invoice finds
/// its id in the journal and so its number. The journal drops its oldest id only once that invoice is settled (stored),
/// and only while more than <see cref="Kept"/> ids are in it.</summary>
public sealed class CosmosInvoiceNumbers(CosmosContainers cosmos) : IInvoiceNumbers
{
    /// <summary>Ids the journal keeps at least: a retry of an issue within the last <see cref="Kept"/> invoices of the
    /// series finds its number even when it was already settled.</summary>
    public const int Kept = 200;

    private const int MaxAttempts = 100;

    private Container Container => cosmos.Get(Containers.Organizations);

    public async Task<long> TakeAsync(string supplierId, string series, string invoiceId, CancellationToken cancellationToken)
    {
        var id = IdOf(series, invoiceId);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var current = await CosmosContainers.ReadAsync<Series>(Container, id, supplierId, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                try
                {
                    await CosmosContainers.CreateAsync(Container, new Document<Series> { Id = id, Pk = supplierId, Type = "invoiceSeries", Data = new Series(1, 1, [invoiceId], new Dictionary<string, bool>()) }, "exists", cancellationToken).ConfigureAwait(false);
                    return 1;
                }
                catch (DomainException e) when (e.IsWriteConflict)
                {
                    continue; // another issuer created the series first
                }
            }

            var series0 = current.Data;
            var index = IndexOf(series0.Journal, invoiceId);
            if (index >= 0)
            {
                return series0.Base + index;
            }

            List<PatchOperation> operations = [PatchOperation.Increment("/data/last", 1), PatchOperation.Add("/data/journal/-", invoiceId)];
            var condition = $"from c where NOT ARRAY_CONTAINS(c.data.journal, '{invoiceId}')";
            if (series0.Journal.Count > Kept && series0.Settled.ContainsKey(series0.Journal[0]))
            {
                var head = series0.Journal[0];
                operations.AddRange([PatchOperation.Remove("/data/journal/0"), PatchOperation.Remove($"/data/settled/{head}"), PatchOperation.Increment("/data/base", 1)]);
                condition += $" AND c.data.journal[0] = '{head}'";
            }

            try
            {
                var response = await Container.PatchItemAsync<Document<Series>>(id, new PartitionKey(supplierId), operations,
                    new PatchItemRequestOptions { FilterPredicate = condition }, cancellationToken).ConfigureAwait(false);
                return response.Resource.Data.Last;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                // The id was taken meanwhile (a concurrent retry of the same issue), or the journal's head moved: read again.
            }
        }

        throw DomainException.Busy($"Invoice series '{series}'", Concurrency.RetryAfter);
    }

    public async Task SettleAsync(string supplierId, string series, string invoiceId, CancellationToken cancellationToken)
    {
        try
        {
            await Container.PatchItemAsync<object>(IdOf(series, invoiceId), new PartitionKey(supplierId), [PatchOperation.Set($"/data/settled/{invoiceId}", true)],
                new PatchItemRequestOptions { FilterPredicate = $"from c where ARRAY_CONTAINS(c.data.journal, '{invoiceId}')", EnableContentResponseOnWrite = false },
                cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            // Aged out of the journal: it was settled before.
        }
    }

    public async Task<IReadOnlyList<(long Number, string InvoiceId)>> UnsettledAsync(string supplierId, string series, CancellationToken cancellationToken)
    {
        if (!Ids.IsWellFormed(series))
        {
            throw new ArgumentException($"'{series}' is not a series id.", nameof(series));
        }

        var current = await CosmosContainers.ReadAsync<Series>(Container, $"invoiceSeries:{series}", supplierId, cancellationToken).ConfigureAwait(false);
        return current is null
            ? []
            : current.Data.Journal.Select((invoice, i) => (current.Data.Base + i, invoice)).Where(e => !current.Data.Settled.ContainsKey(e.invoice)).ToArray();
    }

    /// <summary>The series item's id; both names go into patch paths and conditions, so only well-formed ids are taken.</summary>
    private static string IdOf(string series, string invoiceId) =>
        Ids.IsWellFormed(series) && Ids.IsWellFormed(invoiceId)
            ? $"invoiceSeries:{series}"
            : throw new ArgumentException($"'{series}' / '{invoiceId}' is not a series and invoice id (letters, digits, '-', '_', '.').");

    private static int IndexOf(IReadOnlyList<string> journal, string invoiceId)
    {
        for (var i = 0; i < journal.Count; i++)
        {
            if (string.Equals(journal[i], invoiceId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <param name="Last">The last number taken.</param>
    /// <param name="Base">The number of <paramref name="Journal"/>[0].</param>
    private sealed record Series(long Last, long Base, IReadOnlyList<string> Journal, IReadOnlyDictionary<string, bool> Settled);
}
