using System.Collections.Concurrent;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Catalog;
using Agora.Core.Imports;
using Agora.Core.Inventory;
using Agora.Core.Pricing;
using Agora.Core.Notifications;

namespace Agora.Core.Tests;

/// <summary>In-memory ports with the stores' contract (ETags, conflicts), so use cases are tested without I/O. The Cosmos
/// adapters are held to the same contract by the integration tests.</summary>
internal sealed class InMemoryStores : IOrganizationStore, IUserProfileStore, ICustomerAccountStore, IDueIndex, INotificationQueue, IImportReportStore,
    IImportJobStore, IImportFiles, IProductStore, IWarehouseStore, IPriceStore, IStockSnapshotStore, IReportFiles, IPricingStore, IPriceListPurgeQueue
{
    private readonly ConcurrentDictionary<string, Versioned<Organization>> _orgs = new();
    private readonly ConcurrentDictionary<string, UserProfile> _profiles = new();
    private readonly ConcurrentDictionary<(string, string), Versioned<CustomerAccount>> _accounts = new();
    private readonly ConcurrentDictionary<(string Day, string Id), DueEntry> _due = new();
    private int _version;

    public List<Notification> Queued { get; } = [];

    public List<ImportJob> Reports { get; } = [];

    public int Writes { get; private set; }

    /// <summary>When set, the next N organization replaces fail as if someone else wrote first.</summary>
    public int ConcurrentWritesToSimulate { get; set; }

    public bool QueueFails { get; set; }

    private string NextETag() => $"\"{Interlocked.Increment(ref _version)}\"";

    public Task<Versioned<Organization>?> FindAsync(string orgId, CancellationToken cancellationToken) =>
        Task.FromResult(_orgs.TryGetValue(orgId, out var o) ? o : null);

    public Task<Versioned<Organization>> CreateAsync(Organization organization, CancellationToken cancellationToken)
    {
        var v = new Versioned<Organization>(organization, NextETag());
        if (!_orgs.TryAdd(organization.Id, v))
        {
            throw DomainException.AlreadyExists("taken");
        }

        Writes++;
        return Task.FromResult(v);
    }

    public Task<Versioned<Organization>> ReplaceAsync(Organization organization, string ifMatch, CancellationToken cancellationToken)
    {
        if (ConcurrentWritesToSimulate > 0)
        {
            ConcurrentWritesToSimulate--;
            var current = _orgs[organization.Id];
            _orgs[organization.Id] = current with { ETag = NextETag() };
            throw DomainException.PreconditionFailed("Organization");
        }

        if (!_orgs.TryGetValue(organization.Id, out var stored) || stored.ETag != ifMatch)
        {
            throw DomainException.PreconditionFailed("Organization");
        }

        var v = new Versioned<Organization>(organization, NextETag());
        _orgs[organization.Id] = v;
        Writes++;
        return Task.FromResult(v);
    }

    Task<UserProfile?> IUserProfileStore.FindAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult(_profiles.TryGetValue(userId, out var p) ? p : null);

    public Task SetMembershipAsync(string userId, string? email, string? name, string orgId, UserMembership? membership, CancellationToken cancellationToken)
    {
        var profile = _profiles.GetValueOrDefault(userId) ?? new UserProfile(userId, email, name, []);
        var rest = profile.Memberships.Where(m => m.OrgId != orgId);
        _profiles[userId] = profile with { Memberships = (membership is null ? rest : rest.Append(membership)).ToArray() };
        return Task.CompletedTask;
    }

    public Task<Versioned<CustomerAccount>?> FindAsync(string supplierId, string buyerId, CancellationToken cancellationToken) =>
        Task.FromResult(_accounts.TryGetValue((supplierId, buyerId), out var a) ? a : null);

    public Task<Versioned<CustomerAccount>> CreateAsync(CustomerAccount account, CancellationToken cancellationToken)
    {
        var v = new Versioned<CustomerAccount>(account, NextETag());
        if (!_accounts.TryAdd((account.SupplierId, account.BuyerId), v))
        {
            throw DomainException.AlreadyExists("exists");
        }

        Writes++;
        return Task.FromResult(v);
    }

    public Task<Versioned<CustomerAccount>> ReplaceAsync(CustomerAccount account, string? ifMatch, CancellationToken cancellationToken)
    {
        if (!_accounts.TryGetValue((account.SupplierId, account.BuyerId), out var stored) || (ifMatch is not null && stored.ETag != ifMatch))
        {
            throw DomainException.PreconditionFailed("Customer account");
        }

        var v = new Versioned<CustomerAccount>(account, NextETag());
        _accounts[(account.SupplierId, account.BuyerId)] = v;
        Writes++;
        return Task.FromResult(v);
    }

    public Task<Page<CustomerAccount>> ListBySupplierAsync(string supplierId, string? category, string? afterBuyerId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(PageOf(_accounts.Values.Select(v => v.Value).Where(a => a.SupplierId == supplierId && (category is null || a.Category == category)), a => a.BuyerId, afterBuyerId, limit));

    public Task<Page<CustomerAccount>> ListByBuyerAsync(string buyerId, string? afterSupplierId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(PageOf(_accounts.Values.Select(v => v.Value).Where(a => a.BuyerId == buyerId), a => a.SupplierId, afterSupplierId, limit));

    private static Page<CustomerAccount> PageOf(IEnumerable<CustomerAccount> all, Func<CustomerAccount, string> key, string? after, int limit)
    {
        var items = all.Where(a => after is null || string.CompareOrdinal(key(a), after) > 0).OrderBy(key, StringComparer.Ordinal).Take(limit + 1).ToArray();
        var page = items.Take(limit).ToArray();
        return new Page<CustomerAccount>(page, items.Length > limit ? Cursor.Encode(key(page[^1])) : null);
    }

    public Task AddAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        _due[(entry.Day, entry.Id)] = entry;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<DueEntry>> ListAsync(string day, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DueEntry>>(_due.Values.Where(e => e.Day == day).ToArray());

    public Task RemoveAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        _due.TryRemove((entry.Day, entry.Id), out _);
        return Task.CompletedTask;
    }

    public IReadOnlyCollection<DueEntry> DueEntries => _due.Values.ToArray();

    public Task SendAsync(Notification notification, CancellationToken cancellationToken)
    {
        if (QueueFails)
        {
            throw new InvalidOperationException("queue down");
        }

        Queued.Add(notification);
        return Task.CompletedTask;
    }

    public Task WriteAsync(ImportJob job, CancellationToken cancellationToken)
    {
        Reports.Add(job);
        return Task.CompletedTask;
    }

    // Imports: jobs, files, reports.
    private readonly ConcurrentDictionary<string, Versioned<ImportJob>> _jobs = new();
    private readonly ConcurrentDictionary<string, (string Version, DateTimeOffset Time)> _claims = new();
    private readonly ConcurrentDictionary<string, (string Version, byte[] Content)> _files = new();

    public ConcurrentDictionary<string, byte[]> ReportFiles { get; } = new();

    /// <summary>When set, the job save after this many progress saves throws, as a crash would.</summary>
    public int? CrashAfterProgressSaves { get; set; }

    Task<Versioned<ImportJob>?> IImportJobStore.FindAsync(string supplierId, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_jobs.TryGetValue(id, out var j) ? j : null);

    /// <summary>Runs once, just before the next job is created: another writer (the upload) getting there first.</summary>
    public Action? BeforeNextJobCreate { get; set; }

    public Task<Versioned<ImportJob>> SaveAsync(ImportJob job, string? ifMatch, CancellationToken cancellationToken)
    {
        if (ifMatch is null && BeforeNextJobCreate is { } before)
        {
            BeforeNextJobCreate = null;
            before();
        }

        if (job.Status == ImportStatus.Running && ifMatch is not null && CrashAfterProgressSaves is { } left)
        {
            if (left == 0)
            {
                CrashAfterProgressSaves = null;
                throw new IOException("crash");
            }

            CrashAfterProgressSaves = left - 1;
        }

        var exists = _jobs.TryGetValue(job.Id, out var stored);
        if ((ifMatch is null && exists) || (ifMatch is not null && (!exists || stored!.ETag != ifMatch)))
        {
            throw DomainException.PreconditionFailed("Import");
        }

        var saved = new Versioned<ImportJob>(job, NextETag());
        _jobs[job.Id] = saved;
        return Task.FromResult(saved);
    }

    Task<Page<ImportJob>> IImportJobStore.ListAsync(string supplierId, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<ImportJob>(_jobs.Values.Select(j => j.Value).Where(j => j.SupplierId == supplierId).OrderByDescending(j => j.StartedAt).Take(limit).ToArray(), null));

    public Task<string> ClaimFileAsync(ImportJob job, DateTimeOffset fileTime, CancellationToken cancellationToken)
    {
        var key = $"{job.SupplierId}/{job.Kind}/{job.File}";
        if (_claims.TryGetValue(key, out var current) && current.Version != job.Version && current.Time > fileTime)
        {
            return Task.FromResult(current.Version);
        }

        _claims[key] = (job.Version, fileTime);
        return Task.FromResult(job.Version);
    }

    public Task<string?> CurrentVersionAsync(ImportJob job, CancellationToken cancellationToken) =>
        Task.FromResult(_claims.TryGetValue($"{job.SupplierId}/{job.Kind}/{job.File}", out var c) ? c.Version : null);

    public async Task<(string Version, DateTimeOffset LastModified)> SaveAsync(string supplierId, ImportKind kind, string file, Stream content, string uploadedBy, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var version = NextETag();
        _files[$"{supplierId}/{kind}/{file}"] = (version, buffer.ToArray());
        return (version, DateTimeOffset.UtcNow);
    }

    /// <summary>Drops a file as a supplier's system would; returns its version.</summary>
    public string Drop(string supplierId, ImportKind kind, string file, byte[] content)
    {
        var version = NextETag();
        _files[$"{supplierId}/{kind}/{file}"] = (version, content);
        return version;
    }

    public Task<Stream?> OpenAsync(string supplierId, ImportKind kind, string file, string version, CancellationToken cancellationToken) =>
        Task.FromResult<Stream?>(_files.TryGetValue($"{supplierId}/{kind}/{file}", out var f) && f.Version == version ? new MemoryStream(f.Content) : null);

    public Task<Stream> CreateAsync(string path, string contentType, CancellationToken cancellationToken) => Task.FromResult<Stream>(new CapturedStream(this, path));

    private sealed class CapturedStream(InMemoryStores stores, string path) : MemoryStream
    {
        protected override void Dispose(bool disposing)
        {
            stores.ReportFiles[path] = ToArray();
            base.Dispose(disposing);
        }
    }

    // Catalog.
    private readonly ConcurrentDictionary<(string, string), Versioned<Product>> _products = new();
    private readonly ConcurrentDictionary<string, Versioned<IReadOnlyList<Warehouse>>> _warehouses = new();
    private readonly ConcurrentDictionary<(string, string), PriceEntry> _prices = new();
    private readonly ConcurrentDictionary<string, StockSnapshot> _snapshots = new();

    private int _productWrites;
    private int _priceWrites;

    /// <summary>Writes of products (counted atomically: imports write in parallel).</summary>
    public int ProductWrites => _productWrites;

    /// <summary>Writes of these products fail as an unreachable store would (not a rule the row breaks).</summary>
    public HashSet<string> FailingSkus { get; } = new(StringComparer.Ordinal);

    public int PriceWrites => _priceWrites;

    Task<Versioned<Product>?> IProductStore.FindAsync(string supplierId, string sku, CancellationToken cancellationToken) =>
        Task.FromResult(_products.TryGetValue((supplierId, sku), out var p) ? p : null);

    public Versioned<Product>? Product(string supplierId, string sku) => _products.GetValueOrDefault((supplierId, sku));

    public Task<IReadOnlyList<Versioned<Product>>> FindManyAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<Versioned<Product>>>(skus.Select(s => _products.GetValueOrDefault((supplierId, s))).OfType<Versioned<Product>>().ToArray());

    public Task<IReadOnlySet<string>> AllowedAsync(string supplierId, IReadOnlyCollection<string> skus, Assortment assortment, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlySet<string>>(skus.Select(s => _products.GetValueOrDefault((supplierId, s))).OfType<Versioned<Product>>()
            .Where(p => assortment.Allows(p.Value)).Select(p => p.Value.Sku).ToHashSet(StringComparer.Ordinal));

    public Task<Versioned<Product>> CreateAsync(Product product, CancellationToken cancellationToken)
    {
        FailIfFailing(product);
        var v = new Versioned<Product>(product, NextETag());
        if (!_products.TryAdd((product.SupplierId, product.Sku), v))
        {
            throw DomainException.AlreadyExists("exists");
        }

        Interlocked.Increment(ref _productWrites);
        return Task.FromResult(v);
    }

    private void FailIfFailing(Product product)
    {
        if (FailingSkus.Contains(product.Sku))
        {
            throw new IOException($"The store is unreachable for {product.Sku}.");
        }
    }

    public Task<Versioned<Product>> ReplaceAsync(Product product, string ifMatch, CancellationToken cancellationToken)
    {
        FailIfFailing(product);
        if (!_products.TryGetValue((product.SupplierId, product.Sku), out var stored) || stored.ETag != ifMatch)
        {
            throw DomainException.PreconditionFailed("Product");
        }

        var v = new Versioned<Product>(product, NextETag());
        if (!_products.TryUpdate((product.SupplierId, product.Sku), v, stored))
        {
            throw DomainException.PreconditionFailed("Product");
        }

        Interlocked.Increment(ref _productWrites);
        return Task.FromResult(v);
    }

    public Task<Page<Product>> ListAsync(string supplierId, ProductQuery query, Assortment? assortment, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<Product>(_products.Values.Select(p => p.Value).Where(p => p.SupplierId == supplierId && (assortment is null || assortment.Allows(p))).OrderBy(p => p.Name, StringComparer.Ordinal).Take(limit).ToArray(), null));

    Task<Versioned<IReadOnlyList<Warehouse>>?> IWarehouseStore.ListAsync(string supplierId, CancellationToken cancellationToken) =>
        Task.FromResult(_warehouses.TryGetValue(supplierId, out var w) ? w : null);

    public Task SaveAsync(string supplierId, IReadOnlyList<Warehouse> warehouses, string? ifMatch, CancellationToken cancellationToken)
    {
        _warehouses[supplierId] = new Versioned<IReadOnlyList<Warehouse>>(warehouses, NextETag());
        return Task.CompletedTask;
    }

    Task<IReadOnlyList<PriceEntry>> IPriceStore.FindManyAsync(string supplierId, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PriceEntry>>(keys.Select(k => _prices.GetValueOrDefault((supplierId, k))).OfType<PriceEntry>().ToArray());

    public IReadOnlyCollection<PriceEntry> Prices => _prices.Values.ToArray();

    Task<bool> IPriceStore.DeleteAsync(string supplierId, string key, CancellationToken cancellationToken) =>
        Task.FromResult(_prices.TryRemove((supplierId, key), out _));

    private readonly ConcurrentDictionary<(string Supplier, PricingRuleKind Kind, string Id), PricingRule> _rules = new();
    private readonly ConcurrentDictionary<string, PricingSettings> _pricingSettings = new();

    public List<PriceListPurge> Purges { get; } = [];

    public bool PurgeQueueFails { get; set; }

    public Task SendAsync(PriceListPurge purge, CancellationToken cancellationToken)
    {
        if (PurgeQueueFails)
        {
            throw new InvalidOperationException("The purge queue is unreachable.");
        }

        Purges.Add(purge);
        return Task.CompletedTask;
    }

    public Task<PricingRules> LoadAsync(string supplierId, IReadOnlyList<Audience> audiences, CancellationToken cancellationToken) =>
        Task.FromResult(new PricingRules(_pricingSettings.GetValueOrDefault(supplierId, PricingSettings.Default),
            _rules.Where(r => r.Key.Supplier == supplierId && r.Value.Audiences.Any(audiences.Contains)).Select(r => r.Value).ToArray()));

    Task<IReadOnlyList<PricingRule>> IPricingStore.ListAsync(string supplierId, PricingRuleKind kind, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PricingRule>>(_rules.Where(r => r.Key.Supplier == supplierId && r.Key.Kind == kind).OrderBy(r => r.Key.Id, StringComparer.Ordinal).Select(r => r.Value).ToArray());

    Task<Versioned<PricingRule>?> IPricingStore.FindAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_rules.TryGetValue((supplierId, kind, id), out var rule) ? new Versioned<PricingRule>(rule, VersionOf(rule)) : null);

    Task<Versioned<PricingRule>> IPricingStore.SaveAsync(string supplierId, PricingRule rule, string? ifMatch, CancellationToken cancellationToken)
    {
        lock (_rules)
        {
            var found = _rules.TryGetValue((supplierId, rule.Kind, rule.Id), out var current);
            CheckVersion(found, found ? VersionOf(current!) : null, ifMatch, "The pricing rule");
            _rules[(supplierId, rule.Kind, rule.Id)] = rule;
        }

        return Task.FromResult(new Versioned<PricingRule>(rule, VersionOf(rule)));
    }

    /// <summary>As Cosmos does for a create (ifMatch null) or a replace.</summary>
    private static void CheckVersion(bool exists, string? current, string? ifMatch, string what)
    {
        if (ifMatch is null && exists)
        {
            throw DomainException.AlreadyExists($"{what} was set meanwhile.");
        }

        if (ifMatch is not null && ifMatch != current)
        {
            throw exists ? DomainException.PreconditionFailed(what) : DomainException.NotFound(what, "?");
        }
    }

    /// <summary>A version that changes with the value (records compare by value; the JSON is their content).</summary>
    private static string VersionOf<T>(T value) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, Json.Options)))[..16];

    Task<bool> IPricingStore.DeleteAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken) =>
        Task.FromResult(_rules.TryRemove((supplierId, kind, id), out _));

    public Task<Versioned<PricingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken) =>
        Task.FromResult(_pricingSettings.TryGetValue(supplierId, out var settings) ? new Versioned<PricingSettings>(settings, VersionOf(settings)) : Versions.NotStored(PricingSettings.Default));

    public Task<Versioned<PricingSettings>> SaveSettingsAsync(string supplierId, PricingSettings settings, string? ifMatch, CancellationToken cancellationToken)
    {
        lock (_pricingSettings)
        {
            var found = _pricingSettings.TryGetValue(supplierId, out var current);
            CheckVersion(found, found ? VersionOf(current!) : null, ifMatch, "The pricing settings");
            _pricingSettings[supplierId] = settings;
        }

        return Task.FromResult(new Versioned<PricingSettings>(settings, VersionOf(settings)));
    }

    public Task<IReadOnlyDictionary<string, int>> PromotionUsesAsync(string supplierId, string buyerId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>());

    public Task<IReadOnlyList<PriceEntry>> EntriesAsync(string supplierId, IReadOnlyCollection<string> listIds, IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<PriceEntry>>(_prices.Values.Where(e => e.SupplierId == supplierId && listIds.Contains(e.PriceListId) && skus.Contains(e.Sku)).ToArray());

    Task<Page<PriceEntry>> IPriceStore.ListAsync(string supplierId, string listId, string? sku, string? after, int limit, CancellationToken cancellationToken)
    {
        static string SortKey(PriceEntry e) => $"{e.Sku}\u001f{e.Unit}\u001f{e.MinQuantity:D10}";
        var page = _prices.Values
            .Where(e => e.SupplierId == supplierId && e.PriceListId == listId && (sku is null || e.Sku == sku) && (after is null || string.CompareOrdinal(SortKey(e), after) > 0))
            .OrderBy(SortKey, StringComparer.Ordinal).Take(limit + 1).ToArray();
        return Task.FromResult(new Page<PriceEntry>(page.Take(limit).ToArray(), page.Length > limit ? Cursor.Encode(SortKey(page[limit - 1])) : null));
    }

    public Task UpsertAsync(PriceEntry entry, CancellationToken cancellationToken)
    {
        _prices[(entry.SupplierId, entry.Key)] = entry;
        Interlocked.Increment(ref _priceWrites);
        return Task.CompletedTask;
    }

    public Task<StockSnapshot?> LatestAsync(string supplierId, CancellationToken cancellationToken) => Task.FromResult(_snapshots.GetValueOrDefault(supplierId));

    public Task RecordAsync(StockSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (!_snapshots.TryGetValue(snapshot.SupplierId, out var current) || current.TakenAt <= snapshot.TakenAt)
        {
            _snapshots[snapshot.SupplierId] = snapshot;
        }

        return Task.CompletedTask;
    }
}
