using System.Collections.Concurrent;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Notifications;

namespace Agora.Core.Tests;

/// <summary>In-memory ports with the stores' contract (ETags, conflicts), so use cases are tested without I/O. The Cosmos
/// adapters are held to the same contract by the integration tests.</summary>
internal sealed class InMemoryStores : IOrganizationStore, IUserProfileStore, ICustomerAccountStore, IDueIndex, INotificationQueue, IImportReportStore
{
    private readonly ConcurrentDictionary<string, Versioned<Organization>> _orgs = new();
    private readonly ConcurrentDictionary<string, UserProfile> _profiles = new();
    private readonly ConcurrentDictionary<(string, string), Versioned<CustomerAccount>> _accounts = new();
    private readonly ConcurrentDictionary<(string Day, string Id), DueEntry> _due = new();
    private int _version;

    public List<Notification> Queued { get; } = [];

    public List<ImportReport> Reports { get; } = [];

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
            throw DomainException.Conflict("taken");
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
            throw DomainException.Conflict("exists");
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

    public Task WriteAsync(ImportReport report, CancellationToken cancellationToken)
    {
        Reports.Add(report);
        return Task.CompletedTask;
    }
}
