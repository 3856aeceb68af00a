using Agora.Core.Integration;

namespace Agora.Core.Ordering;

/// <summary>Hears what the outbox of a cart, quote, order, shipment, return or ledger hands on — its timeline entries and
/// integration events — before the outbox is cleared, so what follows the sale (marketing signals, the customer's
/// timeline, which products sell together) is kept up to date as things happen, never by scanning the sales nightly.
/// Called at least once per entry (a handler that fails is retried with the outbox as it was): observers are idempotent,
/// keyed by the entry's or event's id.</summary>
public interface ISalesObserver
{
    Task HandedOnAsync(ISalesDocument document, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken);
}

/// <summary>Hears every write of a cart or list (issue 13's "per cart, last activity"), after it is stored. Called in the
/// request that changed it; an observer that fails fails that request's answer, not the change (which is stored), so
/// observers keep their work to a point write.</summary>
public interface ICartObserver
{
    Task ChangedAsync(Cart cart, CancellationToken cancellationToken);
}
