using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Inventory;
using Agora.Core.Notifications;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Ordering;

/// <summary>Hands on what a change of a cart, quote, order or customer ledger recorded in its outbox: timeline entries to the timeline,
/// integration events to the customers' systems, emails to the notifications queue, and, for an order that ended before
/// shipping, the release of its stock. It runs from the sales queue (<see cref="HandleAsync"/>), so the request that made
/// the change answers without waiting for it. Every step is idempotent: entries and events keep their ids (the timeline
/// adds an id once, Service Bus drops a duplicate id, the delivery log sends an email once, a released hold is gone), so a
/// message delivered twice changes nothing the second time, and a message that keeps failing leaves the document's outbox
/// as it was, for an operator to re-drive from the poison queue.</summary>
public sealed partial class SalesOutbox(
    ISalesQueue queue,
    ITimelineStore timeline,
    IIntegrationEventPublisher events,
    INotificationQueue notifications,
    ISalesDocuments<Cart> carts,
    ISalesDocuments<Order> orders,
    ISalesDocuments<NegotiatedQuote> quotes,
    ISalesDocuments<Fulfilment.Shipment> shipments,
    ISalesDocuments<Fulfilment.GoodsReturn> returns,
    Fulfilment.ShipmentSettlement settlement,
    ISalesDocuments<Billing.CustomerLedger> ledgers,
    StockReserver stock,
    IEnumerable<ISalesObserver> observers,
    TimeProvider clock,
    ILogger<SalesOutbox> logger)
{
    /// <summary>The timer's side of <see cref="SalesSignal.SignalAsync"/>.</summary>
    public Task HandleDueAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var dot = entry.Id.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? Task.CompletedTask : HandleAsync(new SalesWork(entry.Id[..dot], entry.Id[(dot + 1)..]), cancellationToken);
    }

    /// <summary>Hands on the outbox of the document <paramref name="work"/> names; a document that is gone (a deleted
    /// list) has nothing to hand on.</summary>
    public Task HandleAsync(SalesWork work, CancellationToken cancellationToken) => work.Kind switch
    {
        "order" => OrderAsync(work.Id, cancellationToken),
        "quote" => DispatchAsync(quotes, work.Id, (q, box, _) => q with { Outbox = box }, cancellationToken),
        "cart" => DispatchAsync(carts, work.Id, (c, box, _) => c with { Outbox = box }, cancellationToken),
        "shipment" => SettleAsync(work.Id, cancellationToken),
        "return" => SettleReturnAsync(work.Id, cancellationToken),
        "ledger" => DispatchAsync(ledgers, work.Id, (l, box, _) => l with { Outbox = box }, cancellationToken),
        _ => throw new ArgumentException($"Unknown sales document kind '{work.Kind}'.", nameof(work)),
    };

    /// <summary>A shipment's stock moves and orders first (<see cref="Fulfilment.ShipmentSettlement"/>), then its outbox: the
    /// entries a settlement adds (a stock shortfall) go out in the same run.</summary>
    private async Task SettleAsync(string id, CancellationToken cancellationToken)
    {
        await settlement.SettleAsync(id, cancellationToken).ConfigureAwait(false);
        await DispatchAsync(shipments, id, (s, box, _) => s with { Outbox = box }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An order's outbox; an order closed short and invoiced as a whole is invoiced first (what left of it).</summary>
    private async Task OrderAsync(string id, CancellationToken cancellationToken)
    {
        if (await orders.FindAsync(id, cancellationToken).ConfigureAwait(false) is { Value: { ClosedShort: not null, Invoicing: Billing.InvoicePer.Order } closed })
        {
            await settlement.InvoiceWholeAsync(closed, cancellationToken).ConfigureAwait(false);
        }

        await DispatchAsync(orders, id, (o, box, released) => o with { Outbox = box, Stock = released ? StockState.Released : o.Stock }, cancellationToken).ConfigureAwait(false);
    }

    private async Task SettleReturnAsync(string id, CancellationToken cancellationToken)
    {
        await settlement.SettleReturnAsync(id, cancellationToken).ConfigureAwait(false);
        await DispatchAsync(returns, id, (r, box, _) => r with { Outbox = box }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>How long a handler may hand an outbox on before another may take it over (a crash, a recycled instance).</summary>
    public static readonly TimeSpan ClaimTime = TimeSpan.FromMinutes(2);

    /// <summary>When work that found its outbox busy is asked again.</summary>
    public static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(5);

    /// <summary>Claims the outbox (one handler at a time per document), hands on what it holds, and clears what was handed
    /// on with the version read; when a change added entries meanwhile, hands those on too before letting go. A handler
    /// that finds the outbox claimed leaves it to the holder, which sees its entries before it ends.</summary>
    private async Task DispatchAsync<T>(ISalesDocuments<T> store, string id, Func<T, Outbox, bool, T> handedOn, CancellationToken cancellationToken)
        where T : ISalesDocument
    {
        var current = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
        if (current is null || !current.Value.HasWork)
        {
            return;
        }

        var holder = Ids.New(clock);
        var now = clock.GetUtcNow();
        if (!await store.ClaimOutboxAsync(id, holder, now + ClaimTime, now, cancellationToken).ConfigureAwait(false))
        {
            // Another handler is at it, and hands on what it finds before it lets go. Should it fail instead, this work comes
            // back in a moment and finds the outbox free (asked again rather than failed: a busy outbox is no failure, and
            // must not use up the message's attempts).
            LogClaimed(logger, current.Value.Kind, id);
            await queue.SendAsync(new SalesWork(current.Value.Kind, id), cancellationToken, BusyRetry).ConfigureAwait(false);
            return;
        }

        try
        {
            await HandOnAsync(store, id, handedOn, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await store.ReleaseOutboxClaimAsync(id, holder, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task HandOnAsync<T>(ISalesDocuments<T> store, string id, Func<T, Outbox, bool, T> handedOn, CancellationToken cancellationToken)
        where T : ISalesDocument
    {
        Versioned<T>? current;
        var done = new HashSet<string>(StringComparer.Ordinal);
        var released = false;
        int stored = 0, published = 0, emailed = 0;
        for (var round = 1; ; round++)
        {
            current = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return;
            }

            if (current.Value is Order { Stock: StockState.Releasing } order && !released)
            {
                await stock.ReleaseAsync(order.SupplierId, order.Id, order.Skus.ToArray(), cancellationToken).ConfigureAwait(false);
                released = true;
            }

            var box = current.Value.Outbox;
            var entries = box.Timeline.Where(t => !done.Contains(t.Id)).ToArray();
            var news = box.Events.Where(e => !done.Contains(e.Id)).ToArray();
            var emails = box.Notifications.Where(n => !done.Contains(n.Id)).ToArray();
            // Events first: the customers' systems are the likeliest to fail, and a failure then leaves nothing handed on.
            if (news.Length > 0)
            {
                await events.PublishAsync(news, cancellationToken).ConfigureAwait(false);
            }

            foreach (var notification in emails)
            {
                await notifications.SendAsync(notification, cancellationToken).ConfigureAwait(false);
            }

            if (entries.Length > 0)
            {
                await timeline.AddAsync(entries, cancellationToken).ConfigureAwait(false);
            }

            if (entries.Length > 0 || news.Length > 0)
            {
                foreach (var observer in observers)
                {
                    await observer.HandedOnAsync(current.Value, entries, news, cancellationToken).ConfigureAwait(false);
                }
            }

            (stored, published, emailed) = (stored + entries.Length, published + news.Length, emailed + emails.Length);
            done.UnionWith(entries.Select(t => t.Id).Concat(news.Select(e => e.Id)).Concat(emails.Select(n => n.Id)));
            try
            {
                // A change made meanwhile fails this write (its version is newer): the next round hands its entries on.
                var stillReleasing = released && current.Value is Order { Stock: StockState.Releasing };
                await store.ReplaceAsync(handedOn(current.Value, box.Without(done), stillReleasing), current.ETag, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (DomainException e) when (e.IsWriteConflict && round < Concurrency.MaxAttempts * 2)
            {
            }
        }

        LogHandedOn(logger, current.Value.Kind, id, stored, published, emailed, released);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The outbox of {Kind} {Id} is being handed on by another handler; asked again in a moment")]
    private static partial void LogClaimed(ILogger logger, string kind, string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed on the outbox of {Kind} {Id}: {Entries} timeline entries, {Events} events, {Emails} emails, stock released: {Released}")]
    private static partial void LogHandedOn(ILogger logger, string kind, string id, int entries, int events, int emails, bool released);
}
