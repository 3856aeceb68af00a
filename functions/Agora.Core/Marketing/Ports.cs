namespace Agora.Core.Marketing;

/// <summary>The kinds of marketing email, each its own SendGrid unsubscribe group (decision 0021): a person who no longer
/// wants cart reminders may still want offers. Transactional email (orders, invoices) is in no group.</summary>
public enum MarketingKind
{
    /// <summary>Campaigns sent to a segment: offers, promotions, news.</summary>
    Offers,

    /// <summary>The abandoned-cart sequence.</summary>
    CartReminders,

    /// <summary>The reactivation sequence to customers later than they usually order.</summary>
    Reactivation,
}

/// <summary>One recipient of a marketing batch: the values substituted into the batch's subject and bodies (keys such as
/// <c>-name-</c>), and the arguments SendGrid hands back with every event of this email (campaign, step, delivery id), so
/// the event webhook knows which campaign a click or an unsubscribe belongs to.</summary>
public sealed record MarketingRecipient(
    string Email,
    string? Name,
    string DeliveryId,
    IReadOnlyDictionary<string, string> Substitutions,
    IReadOnlyDictionary<string, string> CustomArgs);

/// <summary>One SendGrid mail-send request: one content in one language for up to 1,000 recipients (its limit), in the
/// unsubscribe group of <see cref="Kind"/>; the bodies carry the group's unsubscribe link (<see cref="UnsubscribeTag"/>).</summary>
public sealed record MarketingBatch(
    MarketingKind Kind,
    string Subject,
    string Text,
    string Html,
    IReadOnlyList<string> Categories,
    IReadOnlyList<MarketingRecipient> Recipients)
{
    public const int MaxRecipients = SendBatches.MaxPerRequest;

    /// <summary>SendGrid replaces it with the recipient's unsubscribe link for the batch's group.</summary>
    public const string UnsubscribeTag = "<%asm_group_unsubscribe_raw_url%>";
}

/// <summary>Sends marketing batches (SendGrid in Azure, the mail sink locally).</summary>
public interface IMarketingMailer
{
    /// <summary>Sends one request. Throws when SendGrid refuses it (a 429 or a 5xx), so the run stops at its checkpoint
    /// and the next run resumes there; <see cref="MarketingSendRefusedException"/> says when to come back. A batch of
    /// more than <see cref="MarketingBatch.MaxRecipients"/> recipients, or of none, is a bug of the caller: ArgumentException.</summary>
    Task SendAsync(MarketingBatch batch, CancellationToken cancellationToken);
}

/// <summary>SendGrid refused a marketing request: nothing of it was sent. <see cref="Transient"/> (a 429 or a 5xx) means
/// the same request may succeed later, no sooner than <see cref="RetryAfter"/> when SendGrid said; otherwise the request
/// itself is wrong (a 400: an unknown unsubscribe group, a sender not verified) and sending it again will not help.</summary>
public sealed class MarketingSendRefusedException : Exception
{
    public MarketingSendRefusedException()
        : this("SendGrid refused the request.")
    {
    }

    public MarketingSendRefusedException(string message)
        : base(message)
    {
    }

    public MarketingSendRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MarketingSendRefusedException(int status, TimeSpan? retryAfter, string message)
        : base(message)
    {
        Status = status;
        RetryAfter = retryAfter;
    }

    /// <summary>SendGrid's HTTP status.</summary>
    public int Status { get; }

    /// <summary>How long SendGrid asked to wait (Retry-After, or its rate-limit reset), when it said.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool Transient => Status is 429 or >= 500;
}

/// <summary>The SendGrid unsubscribe group of each <see cref="MarketingKind"/> (app settings
/// <c>SendGrid__UnsubscribeGroups__Offers</c>, <c>__CartReminders</c>, <c>__Reactivation</c>): the mailer puts a batch in
/// its kind's group, and the event webhook maps a <c>group_unsubscribe</c> back to the kind. The defaults are the local
/// mail sink's; in Azure they are the ids of groups created in the SendGrid account (infra/ requires them).</summary>
public sealed class UnsubscribeGroups
{
    public int Offers { get; set; } = 101;

    public int CartReminders { get; set; } = 102;

    public int Reactivation { get; set; } = 103;

    public int GroupOf(MarketingKind kind) => kind switch
    {
        MarketingKind.Offers => Offers,
        MarketingKind.CartReminders => CartReminders,
        MarketingKind.Reactivation => Reactivation,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a marketing kind."),
    };

    /// <summary>The kind whose group is <paramref name="groupId"/>; null for a group Agora does not send in.</summary>
    public MarketingKind? KindOf(int groupId) =>
        Enum.GetValues<MarketingKind>().Where(k => GroupOf(k) == groupId).Select(k => (MarketingKind?)k).FirstOrDefault();

    /// <summary>Every group, for the preferences page SendGrid shows (a person sees each kind and can leave one).</summary>
    public IReadOnlyList<int> All => Enum.GetValues<MarketingKind>().Select(GroupOf).ToArray();
}

/// <summary>Why a person receives no more marketing email: everything (a bounce, a spam report, a global unsubscribe) or
/// the kinds they unsubscribed from.</summary>
public sealed record Suppression(string Email, bool All, IReadOnlySet<MarketingKind> Kinds, string Reason, DateTimeOffset At)
{
    public bool Blocks(MarketingKind kind) => All || Kinds.Contains(kind);
}

/// <summary>Opt-outs, recorded from the SendGrid event webhook and honoured before every marketing send. Kept per email
/// across Agora: SendGrid's suppressions are per sending account, so it would drop the email anyway.</summary>
public interface ISuppressions
{
    /// <summary>The suppressions of those of <paramref name="emails"/> that have one (keys lower case).</summary>
    Task<IReadOnlyDictionary<string, Suppression>> FindAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken);

    /// <summary>Adds an opt-out: <paramref name="kind"/> null suppresses every kind. Adding twice changes nothing.</summary>
    Task AddAsync(string email, MarketingKind? kind, string reason, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>What a campaign achieved (issue 13's results): sent by its runs, delivered/opened/clicked/bounced/spam reports/
/// unsubscribes from the event webhook, orders and revenue attributed (a coupon of the campaign used, or an order within
/// the supplier's attribution window after the email), revenue per currency.</summary>
public sealed record CampaignCounts(
    long Sent = 0,
    long Deferred = 0,
    long Suppressed = 0,
    long Delivered = 0,
    long Opened = 0,
    long Clicked = 0,
    long Bounced = 0,
    long SpamReports = 0,
    long Unsubscribed = 0,
    long Orders = 0,
    IReadOnlyDictionary<string, decimal>? Revenue = null);

/// <summary>The counters of each campaign, added to by the runs, the event webhook and attribution; each addition is
/// applied once per <c>key</c> (a run's batch, a webhook event id, an order id), so a retried caller counts once.</summary>
public interface ICampaignResults
{
    Task AddAsync(string supplierId, string campaignId, string key, CampaignCounts increment, CancellationToken cancellationToken);

    Task<CampaignCounts> GetAsync(string supplierId, string campaignId, CancellationToken cancellationToken);
}

public enum SalesTaskKind
{
    /// <summary>Call or write: the customer is later than it usually orders.</summary>
    InactiveCustomer,

    /// <summary>A cart of high value left untouched.</summary>
    AbandonedCart,

    /// <summary>An invoice installment is overdue.</summary>
    OverdueInvoice,

    /// <summary>A negotiated quote expires soon and was not accepted.</summary>
    ExpiringQuote,
}

/// <summary>A reminder for the customer's sales manager, raised by a signal. <see cref="SubjectId"/> is what it is about
/// (the buyer for an inactive customer, the cart, the installment, the quote): one open task per kind and subject.</summary>
public sealed record SalesTaskRequest(
    string SupplierId,
    string BuyerId,
    SalesTaskKind Kind,
    string SubjectId,
    string Title,
    string? Details,
    DateTimeOffset DueAt);

/// <summary>Raises sales-manager tasks. Idempotent: a request for a kind and subject that has an open task changes nothing.</summary>
public interface ISalesTasks
{
    Task RaiseAsync(SalesTaskRequest request, CancellationToken cancellationToken);
}

/// <summary>One history per customer account (issue 13): the entries of its carts, quotes and orders, emails sent, tasks
/// and their notes, logins — kept with the other timelines (<see cref="Ordering.ITimelineStore"/>) under this subject,
/// whose partition is the account's own.</summary>
public static class CustomerTimeline
{
    public static string Subject(string supplierId, string buyerId) => $"customer:customer.{supplierId}.{buyerId}";
}
