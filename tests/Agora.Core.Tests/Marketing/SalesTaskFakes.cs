using System.Collections.Concurrent;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Core.Notifications;
using Agora.Core.Ordering;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agora.Core.Tests.Marketing;

/// <summary>Tasks kept as the Cosmos store keeps them: in the supplier's partition, listed soonest first by the time they
/// need attention, with one binding per kind and subject.</summary>
internal sealed class InMemorySalesTaskStore : ISalesTaskStore
{
    private readonly ConcurrentDictionary<(string, string), Versioned<SalesTask>> _tasks = new();
    private readonly ConcurrentDictionary<(string, SalesTaskKind, string), Versioned<string>> _bindings = new();
    private readonly Lock _lock = new();
    private int _version;

    public IReadOnlyList<SalesTask> All => _tasks.Values.Select(v => v.Value).ToArray();

    public Task<Versioned<SalesTask>?> FindAsync(string supplierId, string taskId, CancellationToken cancellationToken) =>
        Task.FromResult(_tasks.TryGetValue((supplierId, taskId), out var v) ? v : null);

    public Task<Versioned<SalesTask>> CreateAsync(SalesTask task, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_tasks.ContainsKey((task.SupplierId, task.Id)))
            {
                throw DomainException.AlreadyExists("exists");
            }

            return Task.FromResult(_tasks[(task.SupplierId, task.Id)] = new Versioned<SalesTask>(task, Next()));
        }
    }

    public Task<Versioned<SalesTask>> ReplaceAsync(SalesTask task, string ifMatch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!_tasks.TryGetValue((task.SupplierId, task.Id), out var current) || current.ETag != ifMatch)
            {
                throw DomainException.PreconditionFailed("The sales task");
            }

            return Task.FromResult(_tasks[(task.SupplierId, task.Id)] = new Versioned<SalesTask>(task, Next()));
        }
    }

    public Task<Page<SalesTask>> ListAsync(string supplierId, SalesTaskFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        static string Key(SalesTask t) => $"{t.WakesAt.ToUnixTimeMilliseconds():D13}.{t.Id}";
        var found = _tasks.Values.Select(v => v.Value)
            .Where(t => t.SupplierId == supplierId && filter.Assignees.Contains(t.AssigneeKey))
            .Where(t => filter.Status switch
            {
                null => t.Status != SalesTaskStatus.Done,
                SalesTaskStatus.Open => t.StatusAt(filter.Now) == SalesTaskStatus.Open,
                var s => t.StatusAt(filter.Now) == s,
            })
            .Where(t => filter.WakesBefore is null || t.WakesAt < filter.WakesBefore)
            .Where(t => filter.BuyerId is null || t.BuyerId == filter.BuyerId)
            .Where(t => after is null || string.CompareOrdinal(Key(t), after) > 0)
            .OrderBy(Key, StringComparer.Ordinal).ToArray();
        var page = found.Take(limit).ToArray();
        return Task.FromResult(new Page<SalesTask>(page, found.Length > limit ? Cursor.Encode(Key(page[^1])) : null));
    }

    public Task<Versioned<string>?> FindBindingAsync(string supplierId, SalesTaskKind kind, string subjectId, CancellationToken cancellationToken) =>
        Task.FromResult(_bindings.TryGetValue((supplierId, kind, subjectId), out var v) ? v : null);

    public Task<bool> BindAsync(string supplierId, SalesTaskKind kind, string subjectId, string taskId, string? ifMatch, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var exists = _bindings.TryGetValue((supplierId, kind, subjectId), out var current);
            if (ifMatch is null ? exists : !exists || current!.ETag != ifMatch)
            {
                return Task.FromResult(false);
            }

            _bindings[(supplierId, kind, subjectId)] = new Versioned<string>(taskId, Next());
            return Task.FromResult(true);
        }
    }

    private string Next() => (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Timelines keyed by subject and entry id, as the Cosmos store keys them (one partition per subject).</summary>
internal sealed class InMemoryTimelines : ITimelineStore
{
    private readonly ConcurrentDictionary<(string Subject, string Id), TimelineEntry> _entries = new();

    public Task AddAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        foreach (var e in entries)
        {
            _entries.TryAdd((e.Subject, e.Id), e);
        }

        return Task.CompletedTask;
    }

    public Task<Page<TimelineEntry>> ListAsync(string subject, Visibility side, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<TimelineEntry>(_entries.Values.Where(e => e.Subject == subject && (e.Visibility == Visibility.Both || e.Visibility == side))
            .OrderBy(e => e.Id, StringComparer.Ordinal).Take(limit).ToArray(), null));

    public IReadOnlyList<TimelineEntry> Of(string subject) => _entries.Values.Where(e => e.Subject == subject).OrderBy(e => e.Id, StringComparer.Ordinal).ToArray();
}

internal sealed class CapturedMail : IEmailSender, IDeliveryLog
{
    private readonly ConcurrentDictionary<string, bool> _log = new();

    public ConcurrentQueue<EmailMessage> Sent { get; } = new();

    public Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        Sent.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task<bool> WasSentAsync(string notificationId, CancellationToken cancellationToken) => Task.FromResult(_log.ContainsKey(notificationId));

    public Task MarkSentAsync(string notificationId, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        _log[notificationId] = true;
        return Task.CompletedTask;
    }
}

/// <summary>The marketplace of <see cref="Given"/> with the task use cases over in-memory stores: the buyer's account at
/// the supplier is managed by <see cref="Given.SalesManager"/> unless asked otherwise.</summary>
internal sealed class TaskWorld
{
    private TaskWorld(Given given)
    {
        Given = given;
        Tasks = new SalesTasks(Store, given.Stores, given.Stores, given.Access, Timelines, given.Stores, given.Clock);
        Digest = new ManagerDigest(Store, given.Stores, Quotes, Tasks, new NotificationSender(Mail, Mail, new NotificationOptions { PortalUrl = "https://portal.test" }, given.Clock,
            NullLogger<NotificationSender>.Instance), given.Stores, new DueWork(given.Stores, given.Clock, NullLogger<DueWork>.Instance), Options, given.Clock);
    }

    public Given Given { get; }

    public InMemorySalesTaskStore Store { get; } = new();

    public InMemoryTimelines Timelines { get; } = new();

    public CapturedMail Mail { get; } = new();

    public Billing.InMemorySalesDocuments<NegotiatedQuote> Quotes { get; } = new();

    public SalesTaskOptions Options { get; } = new();

    public SalesTasks Tasks { get; }

    public ManagerDigest Digest { get; }

    public DateTimeOffset Now => Given.Clock.GetUtcNow();

    public static string Customer => CustomerTimeline.Subject("supplier", "buyer");

    public static async Task<TaskWorld> CreateAsync(string? salesManager = "sup-sales")
    {
        var given = await new Given().MarketplaceAsync();
        await given.Accounts.CreateAsync(Given.SupplierAdmin, "supplier", Given.Account(salesManager: salesManager), default);
        return new TaskWorld(given);
    }

    public Task RaiseAsync(string subject = "buyer", SalesTaskKind kind = SalesTaskKind.InactiveCustomer, DateTimeOffset? due = null, string title = "Call: later than usual") =>
        Tasks.RaiseAsync(new SalesTaskRequest("supplier", "buyer", kind, subject, title, null, due ?? Now), default);
}
