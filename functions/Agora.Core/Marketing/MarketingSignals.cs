using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Ordering;

namespace Agora.Core.Marketing;

/// <summary>Keeps marketing's signals up to date as things happen (issue 13): an order placed updates its customer's
/// rhythm, categories and inactivity date and is credited to the campaign that brought it; a cart's change moves its last
/// activity; a sign-in its customers' last login. Each is a point read and write in the supplier's partition; nothing is
/// scanned. An order told twice (a redelivered outbox) counts once.</summary>
public sealed class MarketingSignals(
    IMarketingStore store,
    ICampaignResults results,
    IProductStore products,
    ICustomerAccountStore accounts,
    IDueIndex due,
    MarketingSettingsCache settingsCache) : ISalesObserver, ICartObserver, ILoginSignals
{
    /// <summary>Due-index kinds: a customer's inactivity date (a task for its sales manager), a cart's idle check.</summary>
    public const string InactiveKind = "customerInactive";
    public const string IdleCartKind = "cartIdle";

    /// <summary>The most customer accounts a sign-in updates (a buyer with more suppliers than this has its first ones updated).</summary>
    public const int MaxAccountsPerLogin = 50;

    public async Task HandedOnAsync(ISalesDocument document, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        if (document is Order order && events.Any(e => e.Type == "order.placed"))
        {
            await OrderedAsync(order, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task OrderedAsync(Order order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        var settings = (await store.SettingsAsync(order.SupplierId, cancellationToken).ConfigureAwait(false)).Value;
        var skus = order.Lines.Select(l => l.Price.Sku).Distinct(StringComparer.Ordinal).ToArray();
        var categories = (await products.FindManyAsync(order.SupplierId, skus, cancellationToken).ConfigureAwait(false)).SelectMany(p => p.Value.CategoryKeys).ToArray();
        CampaignTouch? credited = null;
        CustomerSignals? saved = null;
        await Concurrency.RetryAsync("The customer's signals", async _ =>
        {
            var current = await store.FindSignalsAsync(order.SupplierId, order.BuyerId, cancellationToken).ConfigureAwait(false);
            var before = current?.Value ?? CustomerSignals.None(order.SupplierId, order.BuyerId);
            if (before.RecentOrders.Contains(order.Id, StringComparer.Ordinal))
            {
                credited = before.Attribute(order.CreatedAt, order.CouponCodes, settings.AttributionDays);
                return;
            }

            var after = before.Counted(order.Id, order.CreatedAt, order.Total, categories);
            after = after with { InactiveAt = settings.InactiveAt(after) };
            await store.SaveSignalsAsync(after, current?.ETag, cancellationToken).ConfigureAwait(false);
            credited = before.Attribute(order.CreatedAt, order.CouponCodes, settings.AttributionDays);
            saved = after;
        }).ConfigureAwait(false);

        if (credited is not null)
        {
            // Keyed by the order: a retried outbox credits it once.
            await results.AddAsync(order.SupplierId, credited.CampaignId, $"order.{order.Id}",
                new CampaignCounts(Orders: 1, Revenue: new Dictionary<string, decimal> { [order.Currency] = order.Total }), cancellationToken).ConfigureAwait(false);
        }

        if (saved?.InactiveAt is { } inactive)
        {
            await due.AddAsync(new DueEntry(DueEntry.DayOf(inactive), $"{order.SupplierId}|{order.BuyerId}", InactiveKind, order.SupplierId, inactive), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task ChangedAsync(Cart cart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cart);
        if (cart.Type != CartKind.Cart)
        {
            return;
        }

        if (cart.Lines.Count == 0)
        {
            await store.RemoveCartSignalAsync(cart.SupplierId, cart.Id, cancellationToken).ConfigureAwait(false);
            return;
        }

        await store.SaveCartSignalAsync(new CartSignal(cart.SupplierId, cart.BuyerId, cart.Id, cart.OwnerId, cart.OwnerEmail, cart.OwnerName,
            cart.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).ToArray(), cart.Lines.Count, cart.LastActivityAt), cancellationToken).ConfigureAwait(false);
        // Checked once it has been idle for the supplier's hours (a task for a high-value cart); a later change makes this
        // entry stale, which its handler sees and drops. One entry per cart and day.
        var settings = await settingsCache.GetAsync(cart.SupplierId, cancellationToken).ConfigureAwait(false);
        if (settings.TaskCartValues.Count > 0)
        {
            var at = cart.LastActivityAt.AddHours(settings.TaskCartAfterHours);
            await due.AddAsync(new DueEntry(DueEntry.DayOf(at), $"{cart.SupplierId}|{cart.Id}", IdleCartKind, cart.SupplierId, at), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A person of <paramref name="buyerId"/> signed in: the last login of each of its customer accounts.</summary>
    public async Task LoggedInAsync(string buyerId, string userId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var page = await accounts.ListByBuyerAsync(buyerId, null, MaxAccountsPerLogin, cancellationToken).ConfigureAwait(false);
        foreach (var account in page.Items)
        {
            await Concurrency.RetryAsync("The customer's signals", async _ =>
            {
                var current = await store.FindSignalsAsync(account.SupplierId, buyerId, cancellationToken).ConfigureAwait(false);
                var before = current?.Value ?? CustomerSignals.None(account.SupplierId, buyerId);
                var after = before.LoggedIn(at);
                if (!ReferenceEquals(after, before))
                {
                    await store.SaveSignalsAsync(after, current?.ETag, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
    }

    /// <summary>Records that the customer's people got a campaign email (for attribution), once per campaign, step and run.</summary>
    public async Task TouchedAsync(string supplierId, string buyerId, CampaignTouch touch, CancellationToken cancellationToken) =>
        await Concurrency.RetryAsync("The customer's signals", async _ =>
        {
            var current = await store.FindSignalsAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false);
            var before = current?.Value ?? CustomerSignals.None(supplierId, buyerId);
            var after = before.Touched(touch);
            if (!ReferenceEquals(after, before))
            {
                await store.SaveSignalsAsync(after, current?.ETag, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
}
