using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Notifications;

namespace Agora.Core.Ordering;

public sealed record CommentInput(string? Text, bool? Internal);

/// <summary>Comments and timelines of carts, negotiated quotes and orders, for both sides. A comment is a change of the
/// document (its outbox carries the entry and the email to the other side), so it is never shown for a document it was not
/// written to; a timeline reads the stored entries and those still in the document's outbox, so it never lags behind.
/// Supplier staff may keep a comment internal: the buyer never sees it.</summary>
public sealed class TimelineService(
    SalesAccess access,
    CartService cartService,
    ISalesDocuments<Cart> carts,
    ISalesDocuments<Order> orders,
    ISalesDocuments<NegotiatedQuote> quotes,
    IOrganizationStore organizations,
    ITimelineStore timeline,
    SalesSignal outbox,
    TimeProvider clock)
{
    public const int MaxPage = 200;
    public const int MaxCommentLength = 4000;

    /// <summary>The kinds as routes name them.</summary>
    public static readonly IReadOnlyList<string> Kinds = ["carts", "quotes", "orders"];

    public async Task<Page<TimelineEntry>> ListAsync(Caller caller, string orgId, string kind, string id, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var (document, party) = await ReadAsync(caller, orgId, kind, id, cancellationToken).ConfigureAwait(false);
        var size = Paging.Size(limit, 100, MaxPage);
        var stored = await timeline.ListAsync(Subject(document), party.Sees, Cursor.Decode(cursor, "cursor"), size, cancellationToken).ConfigureAwait(false);
        if (stored.Next is not null)
        {
            return stored;
        }

        // The last page: what the outbox has not handed on yet comes after what is stored.
        var known = stored.Items.Select(e => e.Id).ToHashSet(StringComparer.Ordinal);
        var pending = document.Outbox.Timeline.Where(e => !known.Contains(e.Id) && (e.Visibility == Visibility.Both || e.Visibility == party.Sees));
        return new Page<TimelineEntry>([.. stored.Items, .. pending.OrderBy(e => e.Id, StringComparer.Ordinal)], null);
    }

    public async Task<TimelineEntry> CommentAsync(Caller caller, string orgId, string kind, string id, CommentInput input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        var text = v.RequiredText(input.Text, "text", MaxCommentLength);
        v.ThrowIfInvalid();
        var (document, party) = await ReadAsync(caller, orgId, kind, id, cancellationToken).ConfigureAwait(false);
        if (input.Internal == true && party.IsBuyer)
        {
            throw DomainException.Invalid("internal", "only the supplier's staff keep comments internal; a buyer's comment is read by both sides.");
        }

        var actor = party.Actor(caller);
        var visibility = input.Internal == true ? Visibility.Supplier : Visibility.Both;
        var entry = SalesFacts.Entry(clock, Subject(document), actor, "commented", $"{actor.Name ?? actor.UserId} commented.", visibility, comment: text);
        var notices = visibility == Visibility.Both ? await OtherSideAsync(document, party, actor, text!, cancellationToken).ConfigureAwait(false) : [];
        var box = (Outbox o) => o.Add(entry).Add(notices);
        ISalesDocument written = document switch
        {
            Order => await Concurrency.RetryAsync("The order", async _ =>
            {
                var current = (await orders.FindAsync(id, cancellationToken).ConfigureAwait(false))!;
                return (await orders.ReplaceAsync(current.Value with { Outbox = box(current.Value.Outbox) }, current.ETag, cancellationToken).ConfigureAwait(false)).Value;
            }).ConfigureAwait(false),
            NegotiatedQuote => await Concurrency.RetryAsync("The quote", async _ =>
            {
                var current = (await quotes.FindAsync(id, cancellationToken).ConfigureAwait(false))!;
                return (await quotes.ReplaceAsync(current.Value with { Outbox = box(current.Value.Outbox) }, current.ETag, cancellationToken).ConfigureAwait(false)).Value;
            }).ConfigureAwait(false),
            _ => await Concurrency.RetryAsync("The cart", async _ =>
            {
                var current = (await carts.FindAsync(id, cancellationToken).ConfigureAwait(false))!;
                return (await carts.ReplaceAsync(current.Value with { Outbox = box(current.Value.Outbox) }, current.ETag, cancellationToken).ConfigureAwait(false)).Value;
            }).ConfigureAwait(false),
        };
        await outbox.SignalAsync(written, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    /// <summary>Who on the other side hears of a comment: the sales manager (or the supplier's admins) for a buyer's
    /// comment, the person who placed or asked for it for a supplier's.</summary>
    private async Task<IReadOnlyList<Notification>> OtherSideAsync(ISalesDocument document, SalesParty party, Actor actor, string text, CancellationToken cancellationToken)
    {
        var (what, path) = document switch
        {
            Order o => ($"order {o.Number}", $"/orders/{o.Id}"),
            NegotiatedQuote q => ($"quote {q.Id}", $"/quotes/{q.Id}"),
            _ => ("a cart", $"/carts/{document.Id}"),
        };
        var subject = $"{actor.Name ?? actor.UserId} commented on {what}";
        if (!party.IsBuyer)
        {
            var to = document switch
            {
                Order o => o.PlacedBy,
                NegotiatedQuote q => q.RequestedBy,
                Cart c => new Actor(c.OwnerId, c.OwnerName, c.OwnerEmail, c.BuyerId),
                _ => null,
            };
            return to?.Email is { } email ? [SalesFacts.Email(clock, email, to.Name, subject, subject + ".", text, path)] : [];
        }

        var supplier = (await organizations.FindAsync(document.SupplierId, cancellationToken).ConfigureAwait(false))?.Value;
        var managerId = document switch { Order o => o.SalesManagerId, NegotiatedQuote q => q.SalesManagerId, _ => null };
        var people = supplier?.Members.Where(m => m.Email is not null && (managerId is null ? m.Has(Role.SupplierAdmin) : m.UserId == managerId)).Take(5) ?? [];
        return people.Select(m => SalesFacts.Email(clock, m.Email!, m.Name, subject, subject + ".", text, path)).ToArray();
    }

    private async Task<(ISalesDocument Document, SalesParty Party)> ReadAsync(Caller caller, string orgId, string kind, string id, CancellationToken cancellationToken)
    {
        ISalesDocument? document = kind switch
        {
            "orders" => (await orders.FindAsync(id, cancellationToken).ConfigureAwait(false))?.Value,
            "quotes" => (await quotes.FindAsync(id, cancellationToken).ConfigureAwait(false))?.Value,
            "carts" => null,
            _ => throw DomainException.NotFound("Route", kind),
        };
        if (kind == "carts")
        {
            document = await cartService.ReadableAsync(caller, orgId, id, cancellationToken).ConfigureAwait(false);
        }

        var what = kind switch { "orders" => "Order", "quotes" => "Quote", _ => "Cart" };
        var party = await access.PartyAsync(caller, orgId, document, what, id, cancellationToken).ConfigureAwait(false);
        return (document!, party);
    }

    private static string Subject(ISalesDocument document) => $"{document.Kind}:{document.Id}";
}
