using System.Collections.Concurrent;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Core.Notifications;
using Agora.Core.Ordering;
using Agora.Core.Tests.Billing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Agora.Core.Tests.Marketing;

/// <summary>A supplier (acme) whose customers are buyer organizations with shoppers, and the campaign runner over
/// in-memory ports: a mailer that records each request (and fails one when told), suppressions, counters, tasks.</summary>
internal sealed class RunnerWorld
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);

    public RunnerWorld()
    {
        Signals = new MarketingSignals(Marketing, Results, Stores, Stores, Stores, new MarketingSettingsCache(Marketing, Clock));
        Runner = new CampaignRunner(Marketing, Suppressions, Mailer, Results, Signals, Tasks, Sales, Stores, Stores, Stores, null!, new InMemorySalesDocuments<Cart>(), Stores, Stores,
            new DueWork(Stores, Clock, NullLogger<DueWork>.Instance), new NotificationOptions(), Clock, NullLogger<CampaignRunner>.Instance);
        _ = Stores.CreateAsync(Org("acme", "BR", []), default).Result;
    }

    public FakeTimeProvider Clock { get; } = new(Start);

    public InMemoryStores Stores { get; } = new();

    public InMemoryMarketing Marketing { get; } = new();

    public RecordingMailer Mailer { get; } = new();

    public InMemorySuppressions Suppressions { get; } = new();

    public InMemoryResults Results { get; } = new();

    public RecordingTasks Tasks { get; } = new();

    public CapturedSales Sales { get; } = new();

    public MarketingSignals Signals { get; }

    public CampaignRunner Runner { get; }

    /// <summary>Customers c0..c(n-1), each with <paramref name="people"/> shoppers (p0@cI.test ...) and an approver.</summary>
    public async Task CustomersAsync(int customers, int people, string country = "BR")
    {
        for (var c = 0; c < customers; c++)
        {
            var members = Enumerable.Range(0, people).Select(p => new Member($"c{c}-p{p}", $"p{p}@c{c}.test", $"Person {p}", [p == 0 ? Role.BuyerAdmin : Role.Purchaser], Start))
                .Append(new Member($"c{c}-appr", $"approver@c{c}.test", "Approver", [Role.Approver], Start)).ToArray();
            await Stores.CreateAsync(Org($"c{c}", country, members), default);
            await Stores.CreateAsync(new CustomerAccount
            {
                SupplierId = "acme",
                BuyerId = $"c{c}",
                BuyerName = $"Customer {c}",
                SupplierName = "Acme",
                Category = "retail",
                Currency = "BRL",
                PaymentTerms = new PaymentTerms([30]),
                DeliveryTerms = new DeliveryTerms("FOB", null),
                CreditLimit = 1000,
                Status = AccountStatus.Active,
                CreatedAt = Start,
                UpdatedAt = Start,
            }, default);
        }
    }

    public async Task<Campaign> ActiveAsync(string id, CampaignInput input)
    {
        var campaign = CampaignRules.Checked(input, new Campaign
        {
            Id = id,
            SupplierId = "acme",
            Name = string.Empty,
            Kind = CampaignKind.Broadcast,
            Status = CampaignStatus.Draft,
            Segment = Segment.Everyone,
            CreatedBy = "ana",
            CreatedAt = Clock.GetUtcNow(),
            UpdatedAt = Clock.GetUtcNow(),
        }, Clock.GetUtcNow()) with { Status = CampaignStatus.Active };
        campaign = campaign with { NextRunAt = campaign.NextRun(Clock.GetUtcNow(), null) };
        await Marketing.CreateCampaignAsync(campaign, default);
        await Runner.ScheduleAsync(campaign, Clock.GetUtcNow(), default);
        return campaign;
    }

    public static CampaignInput Broadcast(string name, int? within = null) =>
        new(name, CampaignKind.Broadcast, null, null, new Dictionary<string, CampaignMessage> { ["pt-BR"] = new($"{name} para {{{{company}}}}", "Olá {{name}}!") }, null, null, within);

    private static Organization Org(string id, string country, IReadOnlyList<Member> members) => new()
    {
        Id = id,
        Name = $"Org {id}",
        Country = country,
        DefaultCurrency = "BRL",
        Capabilities = [id == "acme" ? Capability.Supplier : Capability.Buyer],
        Members = members,
        CreatedAt = Start,
        UpdatedAt = Start,
    };
}

internal sealed class RecordingMailer : IMarketingMailer
{
    private int _requests;

    public ConcurrentQueue<MarketingBatch> Sent { get; } = new();

    /// <summary>The request number (1-based, counting every request) that fails once.</summary>
    public int? FailRequest { get; set; }

    public int Requests => _requests;

    public IEnumerable<MarketingRecipient> Recipients => Sent.SelectMany(b => b.Recipients);

    public Task SendAsync(MarketingBatch batch, CancellationToken cancellationToken)
    {
        Assert.InRange(batch.Recipients.Count, 1, MarketingBatch.MaxRecipients);
        var n = Interlocked.Increment(ref _requests);
        if (n == FailRequest)
        {
            FailRequest = null;
            throw new HttpRequestException("SendGrid answered 503.");
        }

        Sent.Enqueue(batch);
        return Task.CompletedTask;
    }
}

internal sealed class InMemorySuppressions : ISuppressions
{
    private readonly ConcurrentDictionary<string, Suppression> _all = new(StringComparer.Ordinal);

    public Task<IReadOnlyDictionary<string, Suppression>> FindAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, Suppression>>(emails.Select(e => e.ToLowerInvariant()).Where(_all.ContainsKey).Distinct().ToDictionary(e => e, e => _all[e]));

    public Task AddAsync(string email, MarketingKind? kind, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        _all.AddOrUpdate(email.ToLowerInvariant(), _ => new Suppression(email, kind is null, kind is { } k ? new HashSet<MarketingKind> { k } : [], reason, at),
            (_, s) => s with { All = s.All || kind is null, Kinds = kind is { } k ? s.Kinds.Append(k).ToHashSet() : s.Kinds });
        return Task.CompletedTask;
    }
}

internal sealed class InMemoryResults : ICampaignResults
{
    private readonly ConcurrentDictionary<string, CampaignCounts> _counts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _keys = new(StringComparer.Ordinal);

    public Task AddAsync(string supplierId, string campaignId, string key, CampaignCounts increment, CancellationToken cancellationToken)
    {
        if (_keys.TryAdd($"{campaignId}|{key}", true))
        {
            _counts.AddOrUpdate(campaignId, increment, (_, c) => c with
            {
                Sent = c.Sent + increment.Sent,
                Deferred = c.Deferred + increment.Deferred,
                Suppressed = c.Suppressed + increment.Suppressed,
                Orders = c.Orders + increment.Orders,
            });
        }

        return Task.CompletedTask;
    }

    public Task<CampaignCounts> GetAsync(string supplierId, string campaignId, CancellationToken cancellationToken) => Task.FromResult(_counts.GetValueOrDefault(campaignId) ?? new CampaignCounts());
}

internal sealed class RecordingTasks : ISalesTasks
{
    public ConcurrentQueue<SalesTaskRequest> Raised { get; } = new();

    public Task RaiseAsync(SalesTaskRequest request, CancellationToken cancellationToken)
    {
        Raised.Enqueue(request);
        return Task.CompletedTask;
    }
}

/// <summary>The marketing store in memory, with a fault to inject into the recording of sends (a crash after a batch).</summary>
internal sealed class InMemoryMarketing : IMarketingStore
{
    private readonly ConcurrentDictionary<string, Versioned<Campaign>> _campaigns = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Versioned<CustomerSignals>> _signals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CartSignal> _carts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CampaignRun> _runs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RecipientSends> _sends = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SequenceState> _sequences = new(StringComparer.Ordinal);
    private int _version;
    private int _settingsReads;

    public MarketingSettings Settings { get; set; } = MarketingSettings.Default with { QuietFrom = "00:00", QuietUntil = "00:00" };

    /// <summary>When set, the next recording of sends fails: the process died after the batch's checkpoint.</summary>
    public bool FailNextSends { get; set; }

    public IReadOnlyDictionary<string, RecipientSends> AllSends => _sends;

    public int SettingsReads => _settingsReads;

    public Task<Versioned<MarketingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _settingsReads);
        return Task.FromResult(new Versioned<MarketingSettings>(Settings, "s"));
    }

    public Task<Versioned<MarketingSettings>> SaveSettingsAsync(string supplierId, MarketingSettings settings, string? ifMatch, CancellationToken cancellationToken)
    {
        Settings = settings;
        return SettingsAsync(supplierId, cancellationToken);
    }

    public Task<Versioned<Campaign>?> FindCampaignAsync(string supplierId, string campaignId, CancellationToken cancellationToken) => Task.FromResult(_campaigns.GetValueOrDefault(campaignId));

    public Task<Versioned<Campaign>> CreateCampaignAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var v = new Versioned<Campaign>(campaign, Next());
        _campaigns[campaign.Id] = v;
        return Task.FromResult(v);
    }

    public Task<Versioned<Campaign>> ReplaceCampaignAsync(Campaign campaign, string ifMatch, CancellationToken cancellationToken)
    {
        if (_campaigns[campaign.Id].ETag != ifMatch)
        {
            throw DomainException.PreconditionFailed("It");
        }

        return CreateCampaignAsync(campaign, cancellationToken);
    }

    public Task<Page<Campaign>> ListCampaignsAsync(string supplierId, CampaignStatus? status, string? after, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(new Page<Campaign>(_campaigns.Values.Select(v => v.Value).ToArray(), null));

    public Task<Versioned<CustomerSignals>?> FindSignalsAsync(string supplierId, string buyerId, CancellationToken cancellationToken) => Task.FromResult(_signals.GetValueOrDefault(buyerId));

    public Task<IReadOnlyList<CustomerSignals>> FindSignalsAsync(string supplierId, IReadOnlyCollection<string> buyerIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CustomerSignals>>(buyerIds.Where(_signals.ContainsKey).Select(b => _signals[b].Value).ToArray());

    public Task SaveSignalsAsync(CustomerSignals signals, string? ifMatch, CancellationToken cancellationToken)
    {
        var current = _signals.GetValueOrDefault(signals.BuyerId);
        if (current?.ETag != ifMatch)
        {
            throw DomainException.PreconditionFailed("It");
        }

        _signals[signals.BuyerId] = new Versioned<CustomerSignals>(signals, Next());
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CustomerSignals>> InactiveAsync(string supplierId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CustomerSignals>>(_signals.Values.Select(v => v.Value).Where(s => s.InactiveAt >= from && s.InactiveAt <= to).ToArray());

    public Task SaveCartSignalAsync(CartSignal signal, CancellationToken cancellationToken)
    {
        _carts[signal.CartId] = signal;
        return Task.CompletedTask;
    }

    public Task RemoveCartSignalAsync(string supplierId, string cartId, CancellationToken cancellationToken)
    {
        _carts.TryRemove(cartId, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<CartSignal>> IdleCartsAsync(string supplierId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<CartSignal>>(_carts.Values.Where(c => c.LastActivityAt >= from && c.LastActivityAt <= to).ToArray());

    public Task<CampaignRun?> FindRunAsync(string supplierId, string campaignId, string runKey, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.GetValueOrDefault($"{campaignId}|{runKey}"));

    public Task SaveRunAsync(CampaignRun run, CancellationToken cancellationToken)
    {
        _runs[$"{run.CampaignId}|{run.RunKey}"] = run;
        return Task.CompletedTask;
    }

    public Task<bool> ClaimRunAsync(CampaignRun fresh, string holder, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_runs)
        {
            var key = $"{fresh.CampaignId}|{fresh.RunKey}";
            var current = _runs.GetValueOrDefault(key);
            if (current is { Holder: { } other, ClaimedUntil: { } held } && other != holder && held > now)
            {
                return Task.FromResult(false);
            }

            _runs[key] = (current ?? fresh) with { Holder = holder, ClaimedUntil = until };
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyDictionary<string, RecipientSends>> SendsAsync(string supplierId, IReadOnlyCollection<string> emails, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, RecipientSends>>(emails.Distinct().Where(_sends.ContainsKey).ToDictionary(e => e, e => _sends[e]));

    public Task SaveSendsAsync(string supplierId, IReadOnlyList<RecipientSends> sends, CancellationToken cancellationToken)
    {
        if (FailNextSends)
        {
            FailNextSends = false;
            throw new InvalidOperationException("The process died while recording the batch.");
        }

        foreach (var s in sends)
        {
            _sends[s.Email] = s;
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<string, SequenceState>> SequencesAsync(string supplierId, string campaignId, IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, SequenceState>>(subjectIds.Distinct().Where(s => _sequences.ContainsKey($"{campaignId}|{s}")).ToDictionary(s => s, s => _sequences[$"{campaignId}|{s}"]));

    public Task SaveSequencesAsync(string supplierId, IReadOnlyList<SequenceState> states, CancellationToken cancellationToken)
    {
        foreach (var s in states)
        {
            _sequences[$"{s.CampaignId}|{s.SubjectId}"] = s;
        }

        return Task.CompletedTask;
    }

    private string Next() => $"v{Interlocked.Increment(ref _version)}";
}
