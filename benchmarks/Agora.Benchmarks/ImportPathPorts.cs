using System.Diagnostics;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Pricing;

namespace Agora.Benchmarks;

/// <summary>In-memory implementations of the ports <see cref="ImportService.RunAsync"/> and <see cref="PriceImport"/> use,
/// for the <c>import-path</c> benchmark: one supplier, a catalog of products each sold in UN and CX, a price store that
/// counts its writes, and the supplier file served from disk. Every call completes synchronously: what is measured is the
/// import's own CPU cost, not a database's latency.</summary>
internal static class ImportPathPorts
{
    public const string SupplierId = "distribuidora-bench";
}

/// <summary>One supplier organization.</summary>
internal sealed class BenchOrganizations : IOrganizationStore
{
    private readonly Versioned<Organization> supplier;

    public BenchOrganizations(DateTimeOffset now)
    {
        var admin = new Member("bench-admin", "admin@example.com", "Bench Admin", [Role.SupplierAdmin], now);
        supplier = new Versioned<Organization>(
            new Organization
            {
                Id = ImportPathPorts.SupplierId,
                Name = "Distribuidora Bench",
                Country = "BR",
                DefaultCurrency = "BRL",
                Capabilities = [Capability.Supplier],
                Members = [admin],
                CreatedAt = now,
                UpdatedAt = now,
            },
            "\"org-1\"");
    }

    public Task<Versioned<Organization>?> FindAsync(string orgId, CancellationToken cancellationToken) =>
        Task.FromResult(orgId == supplier.Value.Id ? supplier : null);

    public Task<Versioned<Organization>> CreateAsync(Organization organization, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<Organization>> ReplaceAsync(Organization organization, string ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();
}

/// <summary>The supplier's catalog: <c>count</c> products <c>SKU00000</c>..., each sold in UN (base) and CX (12 UN).</summary>
internal sealed class BenchProducts : IProductStore
{
    private readonly Dictionary<string, Versioned<Product>> products = new(StringComparer.Ordinal);

    public BenchProducts(int count, DateTimeOffset now)
    {
        for (var i = 0; i < count; i++)
        {
            var sku = PriceListFile.Sku(i);
            products[sku] = new Versioned<Product>(
                new Product
                {
                    SupplierId = ImportPathPorts.SupplierId,
                    Sku = sku,
                    Name = $"Produto {i}",
                    Category = ["Ferramentas", "Manuais"],
                    BaseUnit = "UN",
                    SaleUnits = [new SaleUnit("UN", 1), new SaleUnit("CX", 12)],
                    CreatedAt = now,
                    UpdatedAt = now,
                },
                $"\"p{i}\"");
        }
    }

    /// <summary>Time spent in <see cref="FindManyAsync"/>: the stand-in database's own share of an import.</summary>
    public long Ticks { get; set; }

    public Task<IReadOnlyList<Versioned<Product>>> FindManyAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var found = new List<Versioned<Product>>(skus.Count);
        foreach (var sku in skus)
        {
            if (products.TryGetValue(sku, out var product))
            {
                found.Add(product);
            }
        }

        Ticks += Stopwatch.GetTimestamp() - start;
        return Task.FromResult<IReadOnlyList<Versioned<Product>>>(found);
    }

    public Task<Versioned<Product>?> FindAsync(string supplierId, string sku, CancellationToken cancellationToken) =>
        Task.FromResult(products.GetValueOrDefault(sku));

    public Task<Versioned<Product>> CreateAsync(Product product, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Versioned<Product>> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<Page<Product>> ListAsync(string supplierId, ProductQuery query, Assortment? assortment, string? after, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<IReadOnlySet<string>> AllowedAsync(string supplierId, IReadOnlyCollection<string> skus, Assortment assortment, CancellationToken cancellationToken) =>
        throw new NotSupportedException();
}

/// <summary>Price entries by key. <see cref="Upserts"/> counts <see cref="UpsertAsync"/> calls: the Cosmos adapter writes
/// one document exactly when it is called, so this is the count of database writes.</summary>
internal sealed class BenchPrices : IPriceStore
{
    private readonly Dictionary<string, PriceEntry> entries = new(StringComparer.Ordinal);

    public long Upserts { get; private set; }

    /// <summary>Time spent in <see cref="FindManyAsync"/>: the stand-in database's own share of an import (lookups in
    /// a dictionary of as many entries as the file has rows, so mostly cache misses).</summary>
    public long Ticks { get; set; }

    public int Count => entries.Count;

    public Task<IReadOnlyList<PriceEntry>> FindManyAsync(string supplierId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var found = new List<PriceEntry>(keys.Count);
        foreach (var key in keys)
        {
            if (entries.TryGetValue(key, out var entry))
            {
                found.Add(entry);
            }
        }

        Ticks += Stopwatch.GetTimestamp() - start;
        return Task.FromResult<IReadOnlyList<PriceEntry>>(found);
    }

    public Task UpsertAsync(PriceEntry entry, CancellationToken cancellationToken)
    {
        Upserts++;
        entries[entry.Key] = entry;
        return Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string supplierId, string key, CancellationToken cancellationToken) => Task.FromResult(entries.Remove(key));

    /// <summary>Not on the import's path: the import reads prices by key only.</summary>
    public Task<Page<PriceEntry>> ListAsync(string supplierId, string listId, string? sku, string? after, int limit, CancellationToken cancellationToken) =>
        throw new NotSupportedException("The import benchmark's price store is read by key only.");
}

/// <summary>Jobs with ETags and the newest-version claim per file, as the Cosmos job store keeps them.</summary>
internal sealed class BenchJobs : IImportJobStore
{
    private readonly Dictionary<string, Versioned<ImportJob>> jobs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Version, DateTimeOffset Time)> claims = new(StringComparer.Ordinal);
    private long etag;

    public long Saves { get; private set; }

    public Task<Versioned<ImportJob>?> FindAsync(string supplierId, string id, CancellationToken cancellationToken) =>
        Task.FromResult(jobs.GetValueOrDefault(id));

    public Task<Versioned<ImportJob>> SaveAsync(ImportJob job, string? ifMatch, CancellationToken cancellationToken)
    {
        var exists = jobs.TryGetValue(job.Id, out var stored);
        if ((ifMatch is null && exists) || (ifMatch is not null && (!exists || stored!.ETag != ifMatch)))
        {
            throw DomainException.PreconditionFailed("Import");
        }

        Saves++;
        var saved = new Versioned<ImportJob>(job, $"\"{++etag}\"");
        jobs[job.Id] = saved;
        return Task.FromResult(saved);
    }

    public Task<Page<ImportJob>> ListAsync(string supplierId, string? after, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<string> ClaimFileAsync(ImportJob job, DateTimeOffset fileTime, CancellationToken cancellationToken)
    {
        var key = $"{job.SupplierId}/{job.Kind}/{job.File}";
        if (claims.TryGetValue(key, out var current) && current.Version != job.Version && current.Time > fileTime)
        {
            return Task.FromResult(current.Version);
        }

        claims[key] = (job.Version, fileTime);
        return Task.FromResult(job.Version);
    }

    public Task<string?> CurrentVersionAsync(ImportJob job, CancellationToken cancellationToken) =>
        Task.FromResult(claims.TryGetValue($"{job.SupplierId}/{job.Kind}/{job.File}", out var c) ? c.Version : null);
}

/// <summary>Finished jobs, as the report blob would receive them (only the last is kept).</summary>
internal sealed class BenchReports : IImportReportStore
{
    public ImportJob? Last { get; private set; }

    public Task WriteAsync(ImportJob job, CancellationToken cancellationToken)
    {
        Last = job;
        return Task.CompletedTask;
    }
}

/// <summary>One supplier file on disk, served as a <see cref="FileStream"/> so the import reads it streaming, as it reads
/// a blob. Each <see cref="Drop"/> is a new version of the same file (same bytes), as a supplier uploading it again.</summary>
internal sealed class BenchFiles(string path) : IImportFiles
{
    private int version;

    public string Current => $"\"v{version}\"";

    public string Drop() => $"\"v{++version}\"";

    public Task<(string Version, DateTimeOffset LastModified)> SaveAsync(string supplierId, ImportKind kind, string file, Stream content, string uploadedBy, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    public Task<Stream?> OpenAsync(string supplierId, ImportKind kind, string file, string version, CancellationToken cancellationToken) =>
        Task.FromResult<Stream?>(version == Current ? Open(path) : null);

    public static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
}
