using Agora.Core.Common;
using Agora.Core.Inventory;

namespace Agora.Core.Ordering;

/// <summary>Carts, negotiated quotes and orders, each in a partition of its own (with its timeline), read and written by id.</summary>
public interface ISalesDocuments<T>
    where T : ISalesDocument
{
    Task<Versioned<T>?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Fails with <see cref="DomainException.AlreadyExists"/> when the id is taken.</summary>
    Task<Versioned<T>> CreateAsync(T document, CancellationToken cancellationToken);

    /// <summary>Fails with PreconditionFailed when the stored version is not <paramref name="ifMatch"/>.</summary>
    Task<Versioned<T>> ReplaceAsync(T document, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Deletes it; false when it was not there.</summary>
    Task<bool> DeleteAsync(string id, CancellationToken cancellationToken);

    /// <summary>Claims the document's outbox for <paramref name="holder"/> until <paramref name="until"/>, in one conditional
    /// patch: false when another holder's claim has not ended by <paramref name="now"/> (or the document is gone).</summary>
    Task<bool> ClaimOutboxAsync(string id, string holder, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Ends <paramref name="holder"/>'s claim, if it still holds it (after a failure, so a retry need not wait).</summary>
    Task ReleaseOutboxClaimAsync(string id, string holder, CancellationToken cancellationToken);
}

/// <summary>The timeline of each sales document.</summary>
public interface ITimelineStore
{
    /// <summary>Adds the entries, or leaves alone those already there (same id): adding twice adds once.</summary>
    Task AddAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken);

    /// <summary>The entries of <paramref name="subject"/> visible to <paramref name="side"/> (and those for both), oldest first.</summary>
    Task<Page<TimelineEntry>> ListAsync(string subject, Visibility side, string? after, int limit, CancellationToken cancellationToken);
}

public enum OrderSide
{
    /// <summary>Orders the organization received as a supplier.</summary>
    Sales,

    /// <summary>Orders the organization placed as a buyer.</summary>
    Purchases,
}

public sealed record OrderFilter(OrderStatus? Status, string? CounterpartyId, string? SalesManagerId, string? PurchaseOrderNumber, DateTimeOffset? From, DateTimeOffset? To, string? WaitingFor);

/// <summary>What listings read: a summary of every order in the supplier's and in the buyer's partition, of every cart and
/// list in the buyer's, and of every negotiated quote in both; and the sums checkout needs (credit, monthly spend).</summary>
public interface ISalesIndex
{
    Task UpsertAsync(OrderSummary summary, CancellationToken cancellationToken);

    Task<Page<OrderSummary>> ListOrdersAsync(string orgId, OrderSide side, OrderFilter filter, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The customer's open orders at the supplier (see <see cref="OrderLifecycle.IsOpen"/>) with their totals, and
    /// whether it has had any order that was not cancelled or rejected.</summary>
    Task<CustomerStanding> CustomerStandingAsync(string supplierId, string buyerId, CancellationToken cancellationToken);

    /// <summary>What <paramref name="userId"/> ordered for <paramref name="buyerId"/> since <paramref name="since"/>, not
    /// cancelled or rejected, per currency.</summary>
    Task<IReadOnlyDictionary<string, decimal>> SpendSinceAsync(string buyerId, string userId, DateTimeOffset since, CancellationToken cancellationToken);

    Task UpsertAsync(CartSummary summary, CancellationToken cancellationToken);

    Task RemoveCartAsync(string buyerId, string cartId, CancellationToken cancellationToken);

    /// <summary>The buyer's lists at <paramref name="supplierId"/> that <paramref name="userId"/> may see (theirs and shared ones).</summary>
    Task<Page<CartSummary>> ListListsAsync(string buyerId, string supplierId, string userId, string? after, int limit, CancellationToken cancellationToken);

    Task UpsertAsync(QuoteSummary summary, CancellationToken cancellationToken);

    /// <summary>Keeps the summary of a shipment in its supplier's partition: the warehouse's work list.</summary>
    Task UpsertAsync(Fulfilment.ShipmentSummary summary, CancellationToken cancellationToken);

    /// <summary>The supplier's shipments, oldest first (what was planned first is picked first), by status and warehouse.</summary>
    Task<Page<Fulfilment.ShipmentSummary>> ListShipmentsAsync(string supplierId, Fulfilment.ShipmentStatus? status, string? warehouseId, string? after, int limit, CancellationToken cancellationToken);

    Task<Page<QuoteSummary>> ListQuotesAsync(string orgId, OrderSide side, QuoteStatus? status, string? waitingFor, string? after, int limit, CancellationToken cancellationToken);
}

/// <summary>An order that still counts against the customer's credit, with its total.</summary>
public sealed record OpenOrder(string Id, decimal Total);

/// <summary>What checkout reads of a customer's orders: the open ones, and whether it ever ordered.</summary>
public sealed record CustomerStanding(IReadOnlyList<OpenOrder> Open, bool HasOrdered);

/// <summary>Per-organization ordering data: settings, approval rules, addresses, checkout claims and order numbers.</summary>
public interface IOrderingStore
{
    Task<Versioned<OrderingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken);

    Task<Versioned<OrderingSettings>> SaveSettingsAsync(string supplierId, OrderingSettings settings, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>The organization's approval rules (both sides); null when it never set any.</summary>
    Task<Versioned<IReadOnlyList<ApprovalRule>>?> ApprovalRulesAsync(string orgId, CancellationToken cancellationToken);

    Task<Versioned<IReadOnlyList<ApprovalRule>>> SaveApprovalRulesAsync(string orgId, IReadOnlyList<ApprovalRule> rules, string? ifMatch, CancellationToken cancellationToken);

    Task<Versioned<IReadOnlyList<Address>>?> AddressesAsync(string buyerId, CancellationToken cancellationToken);

    Task<Versioned<IReadOnlyList<Address>>> SaveAddressesAsync(string buyerId, IReadOnlyList<Address> addresses, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>The order id a checkout with <paramref name="key"/> is bound to: <paramref name="orderId"/> when this is the
    /// first checkout with it, else the one bound first (kept 24 hours, the retry window).</summary>
    Task<string> ClaimCheckoutAsync(string buyerId, string key, string orderId, CancellationToken cancellationToken);

    /// <summary>The next number of the supplier's order sequence of <paramref name="year"/>: one atomic increment, unique on
    /// any number of instances.</summary>
    Task<long> NextOrderNumberAsync(string supplierId, int year, CancellationToken cancellationToken);
}

/// <summary>The queue that hands a document's outbox on (<see cref="SalesOutbox"/>).</summary>
public interface ISalesQueue
{
    /// <summary>Queues <paramref name="work"/>, visible to the trigger after <paramref name="delay"/> (at once when null).</summary>
    Task SendAsync(SalesWork work, CancellationToken cancellationToken, TimeSpan? delay = null);
}

/// <summary>One queue message: hand on the outbox of the <paramref name="Kind"/> document <paramref name="Id"/>.</summary>
public sealed record SalesWork(string Kind, string Id);
