using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Inventory;
using Agora.Core.Pricing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Import jobs in their supplier's partition of <c>organizations</c> (<c>import:{id}</c>), listed newest first;
/// beside them one <c>importFile:...</c> item per file names the version that is current.</summary>
public sealed class CosmosImportJobStore(CosmosContainers cosmos) : IImportJobStore
{
    private const string Type = "import";
    private const string FileType = "importFile";

    public async Task<Versioned<ImportJob>?> FindAsync(string supplierId, string id, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<ImportJob>(cosmos.Get(Containers.Organizations), $"import:{id}", supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<ImportJob>(document.Data, document.ETag!);
    }

    public async Task<Versioned<ImportJob>> SaveAsync(ImportJob job, string? ifMatch, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Organizations);
        var document = new Document<ImportJob>
        {
            Id = $"import:{job.Id}",
            Pk = job.SupplierId,
            Type = Type,
            SortKey = $"{DateTimeOffset.MaxValue.UtcTicks - job.StartedAt.UtcTicks:D19}:{job.Id}",
            Data = job,
        };
        if (ifMatch is not null)
        {
            return new Versioned<ImportJob>(job, await CosmosContainers.ReplaceAsync(container, document, ifMatch, "Import", cancellationToken).ConfigureAwait(false));
        }

        try
        {
            return new Versioned<ImportJob>(job, await CosmosContainers.CreateAsync(container, document, "exists", cancellationToken).ConfigureAwait(false));
        }
        catch (DomainException e) when (e.Kind == FailureKind.Conflict)
        {
            throw DomainException.PreconditionFailed("Import");
        }
    }

    public Task<Page<ImportJob>> ListAsync(string supplierId, string? after, int limit, CancellationToken cancellationToken) =>
        CosmosContainers.PageAsync<ImportJob>(cosmos.Get(Containers.Organizations), supplierId, Type, after, limit, null, null, cancellationToken);

    public async Task<string> ClaimFileAsync(ImportJob job, DateTimeOffset fileTime, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Organizations);
        var id = FileId(job);
        return await Concurrency.RetryAsync("Import file", async _ =>
        {
            var current = await CosmosContainers.ReadAsync<ImportFileVersion>(container, id, job.SupplierId, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Data.Version != job.Version && current.Data.FileTime > fileTime)
            {
                return current.Data.Version;
            }

            var document = new Document<ImportFileVersion> { Id = id, Pk = job.SupplierId, Type = FileType, Data = new ImportFileVersion(job.Version, fileTime) };
            await (current is null
                ? CosmosContainers.CreateAsync(container, document, "claimed", cancellationToken)
                : CosmosContainers.ReplaceAsync(container, document, current.ETag, "Import file", cancellationToken)).ConfigureAwait(false);
            return job.Version;
        }).ConfigureAwait(false);
    }

    public async Task<string?> CurrentVersionAsync(ImportJob job, CancellationToken cancellationToken) =>
        (await CosmosContainers.ReadAsync<ImportFileVersion>(cosmos.Get(Containers.Organizations), FileId(job), job.SupplierId, cancellationToken).ConfigureAwait(false))?.Data.Version;

    private static string FileId(ImportJob job) =>
        $"importFile:{ImportJob.FolderOf(job.Kind)}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(job.File)))[..32]}";

    private sealed record ImportFileVersion(string Version, DateTimeOffset FileTime);
}

/// <summary>Price entries in the supplier's partition of <c>catalog</c>: <c>price:{list}:{sku}:{unit}:{minQuantity}</c>.</summary>
public sealed class CosmosPriceStore(CosmosContainers cosmos) : IPriceStore
{
    private const string Type = "price";

    public async Task<IReadOnlyList<PriceEntry>> FindManyAsync(string supplierId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)")
            .WithParameter("@type", Type)
            .WithParameter("@ids", keys.Select(k => $"price:{k}").ToArray());
        return (await CosmosContainers.QueryAsync<PriceEntry>(cosmos.Get(Containers.Catalog), supplierId, query, cancellationToken).ConfigureAwait(false)).Select(d => d.Data).ToArray();
    }

    public async Task UpsertAsync(PriceEntry entry, CancellationToken cancellationToken) =>
        await CosmosContainers.UpsertAsync(cosmos.Get(Containers.Catalog), new Document<PriceEntry>
        {
            Id = $"price:{entry.Key}",
            Pk = entry.SupplierId,
            Type = Type,
            SortKey = SortKeyOf(entry.PriceListId, entry.Sku, entry.Unit, entry.MinQuantity),
            Data = entry,
        }, cancellationToken).ConfigureAwait(false);

    public Task<bool> DeleteAsync(string supplierId, string key, CancellationToken cancellationToken) =>
        CosmosContainers.DeleteAsync(cosmos.Get(Containers.Catalog), $"price:{key}", supplierId, cancellationToken);

    /// <summary>One list's page: the sort key starts with the list and orders its entries by SKU, unit and minimum
    /// quantity (zero-padded, so that 10 comes after 2); the filter on the list keeps the query within it.</summary>
    public Task<Page<PriceEntry>> ListAsync(string supplierId, string listId, string? sku, string? after, int limit, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object> { ["@list"] = listId };
        var filter = "c.data.priceListId = @list";
        if (sku is not null)
        {
            parameters["@sku"] = sku;
            filter += " AND c.data.sku = @sku";
        }

        return CosmosContainers.PageAsync<PriceEntry>(cosmos.Get(Containers.Catalog), supplierId, Type, after, limit, filter, parameters, cancellationToken);
    }

    private static string SortKeyOf(string listId, string sku, string unit, int minQuantity) =>
        string.Create(CultureInfo.InvariantCulture, $"{listId}\u001f{sku}\u001f{unit}\u001f{minQuantity:D10}");
}

/// <summary>The latest stock snapshot of a supplier: <c>stockSnapshot</c> in its catalog partition.</summary>
public sealed class CosmosStockSnapshotStore(CosmosContainers cosmos) : IStockSnapshotStore
{
    private const string Id = "stockSnapshot";

    public async Task<StockSnapshot?> LatestAsync(string supplierId, CancellationToken cancellationToken) =>
        (await CosmosContainers.ReadAsync<StockSnapshot>(cosmos.Get(Containers.Catalog), Id, supplierId, cancellationToken).ConfigureAwait(false))?.Data;

    public async Task RecordAsync(StockSnapshot snapshot, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Catalog);
        await Concurrency.RetryAsync("Stock snapshot", async _ =>
        {
            var current = await CosmosContainers.ReadAsync<StockSnapshot>(container, Id, snapshot.SupplierId, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Data.TakenAt > snapshot.TakenAt)
            {
                return; // an older file imported late does not replace a newer snapshot
            }

            var document = new Document<StockSnapshot> { Id = Id, Pk = snapshot.SupplierId, Type = Id, Data = snapshot };
            await (current is null
                ? CosmosContainers.CreateAsync(container, document, "recorded", cancellationToken)
                : CosmosContainers.ReplaceAsync(container, document, current.ETag, "Stock snapshot", cancellationToken)).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
