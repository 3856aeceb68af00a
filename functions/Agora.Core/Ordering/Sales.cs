using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Notifications;

namespace Agora.Core.Ordering;

/// <summary>Which side of a sale may read a timeline entry: both, or only the side that wrote it (a supplier's internal
/// note, a price approval between its staff).</summary>
public enum Visibility
{
    Both,
    Supplier,
    Buyer,
}

/// <summary>One thing that happened to a cart, a negotiated quote or an order: who did it, when, what changed, and the
/// comment when it is one. Entries are kept per document, in its own partition, so a long negotiation never grows the
/// document itself.</summary>
/// <param name="Subject">The document it belongs to, as <c>order:{id}</c>, <c>quote:{id}</c> or <c>cart:{id}</c>.</param>
/// <param name="Action">What happened, one word a client can filter on: placed, approved, commented...</param>
/// <param name="Summary">The same in a sentence.</param>
/// <param name="Changes">What changed, field by field ("status": "placed → confirmed").</param>
public sealed record TimelineEntry(
    string Id,
    string Subject,
    DateTimeOffset At,
    string ActorId,
    string? ActorName,
    string? ActorOrgId,
    string Action,
    string Summary,
    IReadOnlyDictionary<string, string>? Changes,
    string? Comment,
    Visibility Visibility)
{
    /// <summary>On a copy kept in a customer's timeline (<see cref="Marketing.CustomerTimeline"/>): the document the entry
    /// was written on (<c>order:{id}</c>, <c>quote:{id}</c>...), so the history links back to it. Null on the document's own.</summary>
    public string? About { get; init; }
}

/// <summary>What a change to a sales document must tell others, written in the same document write as the change and
/// handed on afterwards by <see cref="SalesOutbox"/>: timeline entries to the timeline, integration events to the
/// customers' systems, emails to people. Nothing is told for a change that was not written, and nothing written is lost
/// (DESIGN.md section 6).</summary>
public sealed record Outbox
{
    public static readonly Outbox Empty = new();

    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    public IReadOnlyList<IntegrationEvent> Events { get; init; } = [];

    public IReadOnlyList<Notification> Notifications { get; init; } = [];

    /// <summary>Which handler is handing the outbox on, until when (Unix milliseconds): one at a time per document, so an
    /// event is published once even when several changes queued several messages (<see cref="SalesOutbox"/>).</summary>
    public string? ClaimedBy { get; init; }

    public long? ClaimedUntil { get; init; }

    public bool IsEmpty => Timeline.Count == 0 && Events.Count == 0 && Notifications.Count == 0;

    public Outbox Add(TimelineEntry entry) => this with { Timeline = [.. Timeline, entry] };

    public Outbox Add(IntegrationEvent e) => this with { Events = [.. Events, e] };

    public Outbox Add(IEnumerable<Notification> notifications) => this with { Notifications = [.. Notifications, .. notifications] };

    /// <summary>What is left once the entries with the ids in <paramref name="done"/> were handed on; the claim ends.</summary>
    public Outbox Without(IReadOnlySet<string> done) => new()
    {
        Timeline = Timeline.Where(t => !done.Contains(t.Id)).ToArray(),
        Events = Events.Where(e => !done.Contains(e.Id)).ToArray(),
        Notifications = Notifications.Where(n => !done.Contains(n.Id)).ToArray(),
    };
}

/// <summary>A cart, a negotiated quote, an order or a customer ledger: a document with its own outbox, stored in a partition of its own.</summary>
public interface ISalesDocument
{
    string Id { get; }

    /// <summary><c>cart</c>, <c>quote</c>, <c>order</c>, <c>shipment</c>, <c>return</c> or <c>ledger</c>.</summary>
    string Kind { get; }

    string BuyerId { get; }

    string SupplierId { get; }

    Outbox Outbox { get; }

    /// <summary>Whether the sales queue has anything to do for it after a write: its outbox, and whatever else its kind
    /// finishes there (an order's stock to release, a shipment's stock to move).</summary>
    bool HasWork => !Outbox.IsEmpty;
}

/// <summary>The delivery addresses of a buyer organization, kept by its admins.</summary>
public sealed record Address(
    string Id,
    string Label,
    string Recipient,
    string Line1,
    string? Line2,
    string City,
    string? Region,
    string PostalCode,
    string Country,
    string? Phone);

public sealed record AddressInput(string? Label, string? Recipient, string? Line1, string? Line2, string? City, string? Region, string? PostalCode, string? Country, string? Phone);

/// <summary>An amount in a stated currency, as rules state thresholds: "above 50,000 BRL".</summary>
public sealed record Amount(decimal Value, string Currency);

/// <summary>Who acted, with what the timeline shows of them.</summary>
public sealed record Actor(string UserId, string? Name, string? Email, string OrgId)
{
    public static Actor Of(Caller caller, string orgId) => new(caller.UserId, caller.Name ?? caller.Email, caller.Email, orgId);

    /// <summary>The system itself (an expiry, the queue): for entries nobody typed.</summary>
    public static Actor System(string orgId) => new("agora", "Agora", null, orgId);
}

/// <summary>How sales documents build their timeline entries, events and notifications, so that every one of them reads
/// the same.</summary>
public static class SalesFacts
{
    public static TimelineEntry Entry(TimeProvider clock, string subject, Actor actor, string action, string summary, Visibility visibility = Visibility.Both,
        IReadOnlyDictionary<string, string>? changes = null, string? comment = null) =>
        new(Ids.New(clock), subject, clock.GetUtcNow(), actor.UserId, actor.Name, actor.OrgId, action, summary, changes, comment, visibility);

    /// <summary>An email about a sales document: the sender composes it from <paramref name="headline"/> and
    /// <paramref name="details"/> with a link to <paramref name="path"/> in the portal.</summary>
    public static Notification Email(TimeProvider clock, string to, string? toName, string subject, string headline, string details, string path) =>
        new(Ids.New(clock), NotificationKind.SalesUpdate, to, toName, new Dictionary<string, string>
        {
            ["subject"] = subject,
            ["headline"] = headline,
            ["details"] = details,
            ["path"] = path,
        }, clock.GetUtcNow());
}
