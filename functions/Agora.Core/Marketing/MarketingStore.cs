using Agora.Core.Common;

namespace Agora.Core.Marketing;

/// <summary>A cart's last activity, kept in the supplier's partition as the cart changes (issue 13's signal "per cart,
/// last activity"), so the abandoned-cart runs find idle carts with one indexed query instead of reading every buyer's.</summary>
public sealed record CartSignal(string SupplierId, string BuyerId, string CartId, string OwnerId, string? OwnerEmail, string? OwnerName,
    IReadOnlyList<string> Skus, int Lines, DateTimeOffset LastActivityAt);

/// <summary>A marketing email sent to one address: by which campaign, step and run, under which delivery id.</summary>
public sealed record SentEmail(string DeliveryId, string CampaignId, DateTimeOffset At);

/// <summary>The marketing emails an address got from one supplier lately (newest last, at most <see cref="Kept"/>): the
/// weekly cap reads it, and it is the delivery log of the runs — an email whose delivery id is here is not sent again.</summary>
public sealed record RecipientSends(string Email, IReadOnlyList<SentEmail> Sent)
{
    public const int Kept = 30;

    public bool Has(string deliveryId) => Sent.Any(s => s.DeliveryId == deliveryId);

    public RecipientSends With(SentEmail sent) => Has(sent.DeliveryId) ? this : this with { Sent = Sent.Append(sent).OrderBy(s => s.At).TakeLast(Kept).ToArray() };

    /// <summary>The deliveries already counted in their campaign's results as not sent (<c>deferred:{deliveryId}</c>,
    /// <c>suppressed:{deliveryId}</c>): a person waiting for their morning is seen by every pass until then, and counts once.</summary>
    public IReadOnlyList<string> Counted { get; init; } = [];

    public bool HasCounted(string mark) => Counted.Contains(mark, StringComparer.Ordinal);

    public RecipientSends WithCounted(string mark) => HasCounted(mark) ? this : this with { Counted = Counted.Append(mark).TakeLast(Kept).ToArray() };
}

/// <summary>Where a sequence stands for one subject (a cart, or a customer for reactivation).</summary>
public sealed record SequenceState(string CampaignId, string SubjectId, DateTimeOffset StartedAt, IReadOnlyList<int> Sent, IReadOnlyList<int> Passed, bool Ended);

/// <summary>A run of a campaign (one occurrence of a broadcast, one pass of a sequence): its counts so far, and the
/// checkpoint of the batch it sent last, whose recording a crashed run finishes before it sends anything else.</summary>
public sealed record CampaignRun
{
    public required string SupplierId { get; init; }

    public required string CampaignId { get; init; }

    public required string RunKey { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Requests sent to SendGrid by this run.</summary>
    public int Batches { get; init; }

    public long Sent { get; init; }

    /// <summary>Recipients waiting for quiet hours or the weekly cap, and when the run looks again.</summary>
    public long Waiting { get; init; }

    public DateTimeOffset? ResumeAt { get; init; }

    public long Suppressed { get; init; }

    /// <summary>Given up: still waiting when the campaign's send window closed.</summary>
    public long Expired { get; init; }

    /// <summary>The last batch sent: recorded here right after SendGrid accepted it, before the recipients' own records.</summary>
    public SentBatch? LastBatch { get; init; }

    /// <summary>The run sending now, and until when its claim holds (renewed with every batch): a second run of the same
    /// campaign at once (the admin endpoint beside the schedule) waits rather than sends the same batch twice.</summary>
    public string? Holder { get; init; }

    public DateTimeOffset? ClaimedUntil { get; init; }
}

/// <summary>What a sent batch must leave behind: each recipient's delivery record, sequence step, customer touch.</summary>
public sealed record SentBatch(int Number, int Step, DateTimeOffset At, IReadOnlyList<BatchEntry> Entries);

public sealed record BatchEntry(string Email, string DeliveryId, string BuyerId, string? SubjectId, string? Coupon)
{
    /// <summary>A sequence's start for this subject (its state restarts when the start moved).</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Steps this send passed over unsent (a run that came late sends only the latest).</summary>
    public IReadOnlyList<int> Passed { get; init; } = [];
}

/// <summary>Marketing's documents, all in the supplier's partition (decision 0021).</summary>
public interface IMarketingStore
{
    Task<Versioned<MarketingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken);

    Task<Versioned<MarketingSettings>> SaveSettingsAsync(string supplierId, MarketingSettings settings, string? ifMatch, CancellationToken cancellationToken);

    Task<Versioned<Campaign>?> FindCampaignAsync(string supplierId, string campaignId, CancellationToken cancellationToken);

    Task<Versioned<Campaign>> CreateCampaignAsync(Campaign campaign, CancellationToken cancellationToken);

    /// <summary>Fails with a write conflict when <paramref name="ifMatch"/> is stale.</summary>
    Task<Versioned<Campaign>> ReplaceCampaignAsync(Campaign campaign, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<Page<Campaign>> ListCampaignsAsync(string supplierId, CampaignStatus? status, string? after, int limit, CancellationToken cancellationToken);

    Task<Versioned<CustomerSignals>?> FindSignalsAsync(string supplierId, string buyerId, CancellationToken cancellationToken);

    Task<IReadOnlyList<CustomerSignals>> FindSignalsAsync(string supplierId, IReadOnlyCollection<string> buyerIds, CancellationToken cancellationToken);

    /// <summary>Creates (<paramref name="ifMatch"/> null; a conflict when it exists) or replaces with the version read.</summary>
    Task SaveSignalsAsync(CustomerSignals signals, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>The customers that became inactive from <paramref name="from"/> to <paramref name="to"/>.</summary>
    Task<IReadOnlyList<CustomerSignals>> InactiveAsync(string supplierId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task SaveCartSignalAsync(CartSignal signal, CancellationToken cancellationToken);

    Task RemoveCartSignalAsync(string supplierId, string cartId, CancellationToken cancellationToken);

    /// <summary>The carts last changed from <paramref name="from"/> to <paramref name="to"/>.</summary>
    Task<IReadOnlyList<CartSignal>> IdleCartsAsync(string supplierId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);

    Task<CampaignRun?> FindRunAsync(string supplierId, string campaignId, string runKey, CancellationToken cancellationToken);

    Task SaveRunAsync(CampaignRun run, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="holder"/> the run's only sender until <paramref name="until"/> (creating the run from
    /// <paramref name="fresh"/> when there is none): false when another holds an unexpired claim or won the write.</summary>
    Task<bool> ClaimRunAsync(CampaignRun fresh, string holder, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The sends of those of <paramref name="emails"/> that have any (keys lower case).</summary>
    Task<IReadOnlyDictionary<string, RecipientSends>> SendsAsync(string supplierId, IReadOnlyCollection<string> emails, CancellationToken cancellationToken);

    Task SaveSendsAsync(string supplierId, IReadOnlyList<RecipientSends> sends, CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, SequenceState>> SequencesAsync(string supplierId, string campaignId, IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken);

    Task SaveSequencesAsync(string supplierId, IReadOnlyList<SequenceState> states, CancellationToken cancellationToken);
}
