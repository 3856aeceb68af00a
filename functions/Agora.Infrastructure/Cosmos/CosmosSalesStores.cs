using System.Globalization;
using System.Net;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Timeline entries in their document's partition of <c>sales</c> (id <c>t:{entryId}</c>), in time order (entry
/// ids are ULIDs).</summary>
public sealed class CosmosTimelineStore(CosmosContainers cosmos) : ITimelineStore
{
    private const string Type = "timeline";

    public async Task AddAsync(IReadOnlyList<TimelineEntry> entries, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Sales);
        foreach (var entry in entries)
        {
            await CosmosContainers.UpsertAsync(container, new Document<TimelineEntry>
            {
                Id = $"t:{entry.Id}",
                Pk = PartitionOf(entry.Subject),
                Type = Type,
                SortKey = entry.Id,
                Data = entry,
                Index = new Dictionary<string, object?> { ["subject"] = entry.Subject, ["visibility"] = Side(entry.Visibility) },
            }, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<Page<TimelineEntry>> ListAsync(string subject, Visibility side, string? after, int limit, CancellationToken cancellationToken) =>
        CosmosContainers.PageAsync<TimelineEntry>(cosmos.Get(Containers.Sales), PartitionOf(subject), Type, after, limit, "c.index.subject = @subject AND c.index.visibility IN ('both', @side)",
            new Dictionary<string, object> { ["@subject"] = subject, ["@side"] = Side(side) }, cancellationToken);

    private static string Side(Visibility visibility) => visibility switch { Visibility.Buyer => "buyer", Visibility.Supplier => "supplier", _ => "both" };

    private static string PartitionOf(string subject) => subject[(subject.IndexOf(':', StringComparison.Ordinal) + 1)..];
}

/// <summary>Summaries for listings and sums, in the organizations' partitions of <c>organizations</c>: each order and
/// quote twice (the supplier's copy and the buyer's), each cart and list once (the buyer's). They are written after the
/// document, and again with every change of it: the document is the truth, the summary what pages are made of. Listings
/// are newest first (sortKey = the time inverted, then the id).</summary>
public sealed class CosmosSalesIndex(CosmosContainers cosmos) : ISalesIndex
{
    private const string SalesOrder = "salesOrder";
    private const string PurchaseOrder = "purchaseOrder";
    private const string SalesQuote = "salesQuote";
    private const string PurchaseQuote = "purchaseQuote";
    private const string CartType = "cartSummary";

    private Container Container => cosmos.Get(Containers.Organizations);

    public async Task UpsertAsync(OrderSummary summary, CancellationToken cancellationToken)
    {
        var index = new Dictionary<string, object?>
        {
            ["open"] = OrderLifecycle.IsOpen(summary.Status),
            ["ended"] = summary.Status is OrderStatus.Cancelled or OrderStatus.Rejected,
            ["createdMs"] = summary.CreatedAt.ToUnixTimeMilliseconds(),
            ["waitingFor"] = summary.WaitingFor,
            ["buyerId"] = summary.BuyerId,
            ["supplierId"] = summary.SupplierId,
            ["salesManagerId"] = summary.SalesManagerId,
            ["po"] = summary.PurchaseOrderNumber,
            ["placedById"] = summary.PlacedById,
            ["total"] = summary.Total,
            ["committed"] = summary.Committed ?? summary.Total,
            ["currency"] = summary.Currency,
        };
        await CosmosContainers.UpsertAsync(Container, new Document<OrderSummary> { Id = $"order:{summary.Id}", Pk = summary.SupplierId, Type = SalesOrder, SortKey = Newest(summary.CreatedAt, summary.Id), Data = summary, Index = index },
            cancellationToken).ConfigureAwait(false);
        await CosmosContainers.UpsertAsync(Container, new Document<OrderSummary> { Id = $"order:{summary.Id}", Pk = summary.BuyerId, Type = PurchaseOrder, SortKey = Newest(summary.CreatedAt, summary.Id), Data = summary, Index = index },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<Page<OrderSummary>> ListOrdersAsync(string orgId, OrderSide side, OrderFilter filter, string? after, int limit, CancellationToken cancellationToken)
    {
        var clauses = new List<string>();
        var parameters = new Dictionary<string, object>();
        void And(string clause, string name, object value)
        {
            clauses.Add(clause);
            parameters[name] = value;
        }

        if (filter.Status is { } status)
        {
            And("c.data.status = @status", "@status", OrderLifecycle.Name(status));
        }

        if (filter.CounterpartyId is { } counterparty)
        {
            And(side == OrderSide.Sales ? "c.index.buyerId = @party" : "c.index.supplierId = @party", "@party", counterparty);
        }

        if (filter.SalesManagerId is { } manager)
        {
            And("c.index.salesManagerId = @manager", "@manager", manager);
        }

        if (filter.PurchaseOrderNumber is { } po)
        {
            And("c.index.po = @po", "@po", po);
        }

        if (filter.From is { } from)
        {
            And("c.index.createdMs >= @from", "@from", from.ToUnixTimeMilliseconds());
        }

        if (filter.To is { } to)
        {
            And("c.index.createdMs < @to", "@to", to.ToUnixTimeMilliseconds());
        }

        if (filter.WaitingFor is { } user)
        {
            And("ARRAY_CONTAINS(c.index.waitingFor, @user)", "@user", user);
        }

        return CosmosContainers.PageAsync<OrderSummary>(Container, orgId, side == OrderSide.Sales ? SalesOrder : PurchaseOrder, after, limit,
            clauses.Count == 0 ? null : string.Join(" AND ", clauses), parameters, cancellationToken);
    }

    public async Task<CustomerStanding> CustomerStandingAsync(string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        var open = await CosmosContainers.QueryItemsAsync<OpenOrderRow>(Container, supplierId,
            new QueryDefinition("SELECT c.id, c.index.total, c.index.committed FROM c WHERE c.pk = @pk AND c.type = @type AND c.index.buyerId = @buyer AND c.index.open = true")
                .WithParameter("@type", SalesOrder).WithParameter("@buyer", buyerId), cancellationToken).ConfigureAwait(false);
        // The summary's id is order:{id}; an order closed short commits the customer to what left of it, not its total.
        var orders = open.Select(o => new OpenOrder(o.Id["order:".Length..], o.Committed ?? o.Total)).ToArray();
        if (orders.Length > 0)
        {
            return new CustomerStanding(orders, true);
        }

        var any = await CosmosContainers.QueryItemsAsync<IdOnly>(Container, supplierId,
            new QueryDefinition("SELECT TOP 1 c.id FROM c WHERE c.pk = @pk AND c.type = @type AND c.index.buyerId = @buyer AND c.index.ended = false")
                .WithParameter("@type", SalesOrder).WithParameter("@buyer", buyerId), cancellationToken).ConfigureAwait(false);
        return new CustomerStanding(orders, any.Count > 0);
    }

    public async Task<IReadOnlyDictionary<string, decimal>> SpendSinceAsync(string buyerId, string userId, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var orders = await CosmosContainers.QueryItemsAsync<Spend>(Container, buyerId,
            new QueryDefinition("SELECT c.index.total, c.index.currency FROM c WHERE c.pk = @pk AND c.type = @type AND c.index.placedById = @user AND c.index.createdMs >= @since AND c.index.ended = false")
                .WithParameter("@type", PurchaseOrder).WithParameter("@user", userId).WithParameter("@since", since.ToUnixTimeMilliseconds()), cancellationToken).ConfigureAwait(false);
        return orders.GroupBy(o => o.Currency, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(o => o.Total), StringComparer.Ordinal);
    }

    public Task UpsertAsync(CartSummary summary, CancellationToken cancellationToken) =>
        CosmosContainers.UpsertAsync(Container, new Document<CartSummary>
        {
            Id = $"cart:{summary.Id}",
            Pk = summary.BuyerId,
            Type = CartType,
            SortKey = $"{Text.Fold(summary.Name ?? string.Empty)}\u001f{summary.Id}",
            Data = summary,
            Index = new Dictionary<string, object?>
            {
                ["list"] = summary.Type == CartKind.List,
                ["supplierId"] = summary.SupplierId,
                ["ownerId"] = summary.OwnerId,
                ["shared"] = summary.Visibility == ListVisibility.Shared,
            },
        }, cancellationToken);

    public Task RemoveCartAsync(string buyerId, string cartId, CancellationToken cancellationToken) =>
        CosmosContainers.DeleteAsync(Container, $"cart:{cartId}", buyerId, cancellationToken);

    public Task<Page<CartSummary>> ListListsAsync(string buyerId, string supplierId, string userId, string? after, int limit, CancellationToken cancellationToken) =>
        CosmosContainers.PageAsync<CartSummary>(Container, buyerId, CartType, after, limit,
            "c.index.list = true AND c.index.supplierId = @supplier AND (c.index.ownerId = @user OR c.index.shared = true)",
            new Dictionary<string, object> { ["@supplier"] = supplierId, ["@user"] = userId }, cancellationToken);

    public async Task UpsertAsync(QuoteSummary summary, CancellationToken cancellationToken)
    {
        var index = new Dictionary<string, object?> { ["waitingFor"] = summary.WaitingFor };
        await CosmosContainers.UpsertAsync(Container, new Document<QuoteSummary> { Id = $"quote:{summary.Id}", Pk = summary.SupplierId, Type = SalesQuote, SortKey = Newest(summary.CreatedAt, summary.Id), Data = summary, Index = index },
            cancellationToken).ConfigureAwait(false);
        await CosmosContainers.UpsertAsync(Container, new Document<QuoteSummary> { Id = $"quote:{summary.Id}", Pk = summary.BuyerId, Type = PurchaseQuote, SortKey = Newest(summary.CreatedAt, summary.Id), Data = summary, Index = index },
            cancellationToken).ConfigureAwait(false);
    }

    public Task<Page<QuoteSummary>> ListQuotesAsync(string orgId, OrderSide side, QuoteStatus? status, string? waitingFor, string? after, int limit, CancellationToken cancellationToken)
    {
        var clauses = new List<string>();
        var parameters = new Dictionary<string, object>();
        if (status is { } s)
        {
            clauses.Add("c.data.status = @status");
            parameters["@status"] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(s.ToString());
        }

        if (waitingFor is not null)
        {
            clauses.Add("ARRAY_CONTAINS(c.index.waitingFor, @user)");
            parameters["@user"] = waitingFor;
        }

        return CosmosContainers.PageAsync<QuoteSummary>(Container, orgId, side == OrderSide.Sales ? SalesQuote : PurchaseQuote, after, limit,
            clauses.Count == 0 ? null : string.Join(" AND ", clauses), parameters, cancellationToken);
    }

    private const string SalesShipment = "salesShipment";

    public async Task UpsertAsync(Core.Fulfilment.ShipmentSummary summary, CancellationToken cancellationToken) =>
        await CosmosContainers.UpsertAsync(Container, new Document<Core.Fulfilment.ShipmentSummary>
        {
            Id = $"shipment:{summary.Id}",
            Pk = summary.SupplierId,
            Type = SalesShipment,
            SortKey = $"{summary.CreatedAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)}\u001f{summary.Id}",
            Data = summary,
            Index = new Dictionary<string, object?> { ["status"] = Core.Fulfilment.ShipmentLifecycle.Name(summary.Status), ["warehouseId"] = summary.WarehouseId },
        }, cancellationToken).ConfigureAwait(false);

    public Task<Page<Core.Fulfilment.ShipmentSummary>> ListShipmentsAsync(string supplierId, Core.Fulfilment.ShipmentStatus? status, string? warehouseId, string? after, int limit, CancellationToken cancellationToken)
    {
        var clauses = new List<string>();
        var parameters = new Dictionary<string, object>();
        if (status is { } s)
        {
            clauses.Add("c.index.status = @status");
            parameters["@status"] = Core.Fulfilment.ShipmentLifecycle.Name(s);
        }

        if (warehouseId is not null)
        {
            clauses.Add("c.index.warehouseId = @warehouse");
            parameters["@warehouse"] = warehouseId;
        }

        return CosmosContainers.PageAsync<Core.Fulfilment.ShipmentSummary>(Container, supplierId, SalesShipment, after, limit,
            clauses.Count == 0 ? null : string.Join(" AND ", clauses), parameters, cancellationToken);
    }

    /// <summary>A sort key that orders the newest first in ascending order: the ticks to the end of time, then the id.</summary>
    internal static string Newest(DateTimeOffset at, string id) => $"{(DateTime.MaxValue.Ticks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture)}\u001f{id}";

    private sealed record OpenOrderRow(string Id, decimal Total, decimal? Committed);

    private sealed record IdOnly(string Id);

    private sealed record Spend(decimal Total, string Currency);
}

/// <summary>Ordering data of each organization in its partition of <c>organizations</c>.</summary>
public sealed class CosmosOrderingStore(CosmosContainers cosmos) : IOrderingStore
{
    /// <summary>Checkout claims are kept as long as stored responses: the retry window clients are told (24 hours).</summary>
    private const int ClaimSeconds = 24 * 3600;

    private Container Container => cosmos.Get(Containers.Organizations);

    public async Task<Versioned<OrderingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken) =>
        await FindAsync<OrderingSettings>("orderingSettings", supplierId, cancellationToken).ConfigureAwait(false) ?? Versions.NotStored(OrderingSettings.Default);

    public Task<Versioned<OrderingSettings>> SaveSettingsAsync(string supplierId, OrderingSettings settings, string? ifMatch, CancellationToken cancellationToken) =>
        SaveAsync("orderingSettings", supplierId, settings, ifMatch, "The ordering settings", cancellationToken);

    public Task<Versioned<IReadOnlyList<ApprovalRule>>?> ApprovalRulesAsync(string orgId, CancellationToken cancellationToken) =>
        FindAsync<IReadOnlyList<ApprovalRule>>("approvalRules", orgId, cancellationToken);

    public Task<Versioned<IReadOnlyList<ApprovalRule>>> SaveApprovalRulesAsync(string orgId, IReadOnlyList<ApprovalRule> rules, string? ifMatch, CancellationToken cancellationToken) =>
        SaveAsync("approvalRules", orgId, rules, ifMatch, "The approval rules", cancellationToken);

    public Task<Versioned<IReadOnlyList<Address>>?> AddressesAsync(string buyerId, CancellationToken cancellationToken) =>
        FindAsync<IReadOnlyList<Address>>("addresses", buyerId, cancellationToken);

    public Task<Versioned<IReadOnlyList<Address>>> SaveAddressesAsync(string buyerId, IReadOnlyList<Address> addresses, string? ifMatch, CancellationToken cancellationToken) =>
        SaveAsync("addresses", buyerId, addresses, ifMatch, "The addresses", cancellationToken);

    public async Task<string> ClaimCheckoutAsync(string buyerId, string key, string orderId, CancellationToken cancellationToken)
    {
        var id = $"checkout:{key}";
        try
        {
            await CosmosContainers.CreateAsync(Container, new Document<string> { Id = id, Pk = buyerId, Type = "checkoutClaim", Data = orderId, Ttl = ClaimSeconds }, "claimed", cancellationToken).ConfigureAwait(false);
            return orderId;
        }
        catch (DomainException e) when (e.IsWriteConflict)
        {
            return (await CosmosContainers.ReadAsync<string>(Container, id, buyerId, cancellationToken).ConfigureAwait(false))?.Data ?? orderId;
        }
    }

    /// <summary>One patch that increments the counter (atomic on the item, in Azure and in the emulator); the first
    /// number of a year creates it.</summary>
    public async Task<long> NextOrderNumberAsync(string supplierId, int year, CancellationToken cancellationToken)
    {
        var id = $"orderNumbers:{year.ToString(CultureInfo.InvariantCulture)}";
        while (true)
        {
            try
            {
                var response = await Container.PatchItemAsync<Document<Counter>>(id, new PartitionKey(supplierId), [PatchOperation.Increment("/data/last", 1)], cancellationToken: cancellationToken).ConfigureAwait(false);
                return response.Resource.Data.Last;
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
            {
            }

            try
            {
                await CosmosContainers.CreateAsync(Container, new Document<Counter> { Id = id, Pk = supplierId, Type = "counter", Data = new Counter(1) }, "exists", cancellationToken).ConfigureAwait(false);
                return 1;
            }
            catch (DomainException e) when (e.IsWriteConflict)
            {
                // Another checkout created it first: increment it.
            }
        }
    }

    private sealed record Counter(long Last);

    private async Task<Versioned<T>?> FindAsync<T>(string id, string orgId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<T>(Container, id, orgId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<T>(document.Data, document.ETag!);
    }

    private Task<Versioned<T>> SaveAsync<T>(string id, string orgId, T value, string? ifMatch, string what, CancellationToken cancellationToken) =>
        CosmosContainers.CreateOrReplaceAsync(Container, new Document<T> { Id = id, Pk = orgId, Type = id, Data = value }, ifMatch, what, cancellationToken);
}
