using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Notifications;
using Agora.Core.Ordering;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Fulfilment;

public sealed record SplitInput([property: MaxItems(ShipmentPlan.MaxLots)] IReadOnlyList<LotRequest>? Lots);

public sealed record ShipmentMove(ShipmentStatus? Status, string? Carrier, string? TrackingNumber, string? Reason);

/// <summary>Several orders of one buyer sent as one delivery from <see cref="WarehouseId"/>: everything each of them
/// still holds there.</summary>
public sealed record DeliveryInput([property: MaxItems(ShipmentService.MaxDeliveryOrders)] IReadOnlyList<string>? OrderIds, string? WarehouseId);

/// <summary>Shipments (decision 0019): the supplier's warehouse staff split an order into lots, or combine orders of one
/// buyer into one delivery, and move each lot through picking, packed, dispatched and delivered. A shipment is its own
/// document; each order keeps its copy of the shipments that carry its lines, so splitting is one conditional write of
/// the order (two people splitting at once never plan a line twice). What follows a move (stock, the orders' status,
/// invoices) is <see cref="ShipmentSettlement"/>'s.</summary>
public sealed partial class ShipmentService(
    SalesAccess access,
    ISalesDocuments<Order> orders,
    ISalesDocuments<Shipment> shipments,
    IProductStore products,
    IWarehouseStore warehouses,
    ISalesIndex index,
    SalesSignal outbox,
    ShipmentSettlement settlement,
    TimeProvider clock,
    ILogger<ShipmentService> logger)
{
    /// <summary>Who splits, packs, dispatches and cancels: the supplier's admins and warehouse staff.</summary>
    public static readonly IReadOnlyList<Role> Shippers = [Role.SupplierAdmin, Role.Warehouse];

    public const int MaxDeliveryOrders = 20;

    public const int MaxWindowDays = 60;

    /// <summary>Splits the order into the lots asked, in picking; the order's copy of them is written in one conditional
    /// write, decided again on the newer order after a lost race.</summary>
    public async Task<IReadOnlyList<Shipment>> SplitAsync(Caller caller, string orgId, string orderId, SplitInput input, CancellationToken cancellationToken)
    {
        var found = await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false);
        var party = await access.PartyAsync(caller, orgId, found?.Value, "Order", orderId, cancellationToken).ConfigureAwait(false);
        RequireShipper(party, "split an order into shipments");
        var actor = party.Actor(caller);
        string[]? ids = null;
        Shipment[] planned = [];
        try
        {
            var written = await Concurrency.RetryAsync($"Order {found!.Value.Number}", async attempt =>
            {
                var current = attempt == 1 ? found : await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false) ?? throw DomainException.NotFound("Order", orderId);
                var order = current.Value;
                var lots = ShipmentPlan.Split(order, order.Shipments, input.Lots, await BackorderStockAsync(order, cancellationToken).ConfigureAwait(false), clock);
                ids ??= lots.Select(s => s.Id).ToArray();
                planned = lots.Select((s, i) => s with { Id = ids[i] }).ToArray();
                foreach (var shipment in planned)
                {
                    await PutAsync(shipment, cancellationToken).ConfigureAwait(false);
                }

                var summary = $"{actor.Name ?? actor.UserId} split order {order.Number} into {Count(planned.Length, "shipment")}: " +
                    string.Join("; ", planned.Select(s => $"{s.Id} from {s.WarehouseId}, {Count(s.Lines.Count, "line")}")) + ".";
                var next = order with
                {
                    Shipments = [.. order.Shipments, .. planned.Select(s => s.For(order.Id))],
                    UpdatedAt = clock.GetUtcNow(),
                    Outbox = order.Outbox.Add(SalesFacts.Entry(clock, order.Subject, actor, "split", summary)),
                };
                return await orders.ReplaceAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            await index.UpsertAsync(OrderSummary.Of(written.Value), cancellationToken).ConfigureAwait(false);
            foreach (var shipment in planned)
            {
                await index.UpsertAsync(ShipmentSummary.Of(shipment, [written.Value]), cancellationToken).ConfigureAwait(false);
            }

            await outbox.SignalAsync(written.Value, cancellationToken).ConfigureAwait(false);
            return planned;
        }
        catch (Exception) when (planned.Length > 0)
        {
            // No order names them: nobody can see or move them, but they should not linger either.
            await DropAsync(planned).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Orders of one buyer that can travel together, as Agora proposes them (<see cref="Consolidation"/>), among
    /// the supplier's latest 100 confirmed or partially shipped orders.</summary>
    public async Task<IReadOnlyList<ConsolidationProposal>> ProposeAsync(Caller caller, string orgId, int? windowDays, CancellationToken cancellationToken)
    {
        _ = await access.SupplierAsync(caller, orgId, "see which orders can travel together", [.. Shippers, Role.SalesManager], cancellationToken).ConfigureAwait(false);
        var window = windowDays ?? 3;
        if (window is < 0 or > MaxWindowDays)
        {
            throw DomainException.Invalid("windowDays", $"must be 0 to {MaxWindowDays} days.");
        }

        var open = new List<Order>();
        foreach (var status in new[] { OrderStatus.Confirmed, OrderStatus.PartiallyShipped })
        {
            var page = await index.ListOrdersAsync(orgId, OrderSide.Sales, new OrderFilter(status, null, null, null, null, null, null), null, OrderService.MaxPage, cancellationToken).ConfigureAwait(false);
            foreach (var summary in page.Items)
            {
                if (await orders.FindAsync(summary.Id, cancellationToken).ConfigureAwait(false) is { } order)
                {
                    open.Add(order.Value);
                }
            }
        }

        return Consolidation.Propose(open, window);
    }

    /// <summary>One delivery carrying everything the orders still hold in the warehouse: the orders must be compatible
    /// (<see cref="Consolidation"/>). Each order's copy is written in turn; when one cannot take it (someone split it
    /// meanwhile), those already written give it back and nothing is left planned.</summary>
    public async Task<Shipment> ConsolidateAsync(Caller caller, string orgId, DeliveryInput input, CancellationToken cancellationToken)
    {
        var you = await access.SupplierAsync(caller, orgId, "combine orders into one delivery", Shippers, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        var orderIds = input.OrderIds ?? [];
        v.Check(orderIds.Count is >= 2 and <= MaxDeliveryOrders, "orderIds", $"must list 2 to {MaxDeliveryOrders} orders.");
        v.Check(orderIds.All(Ids.IsWellFormed), "orderIds", "must be order ids.");
        v.Check(orderIds.Distinct(StringComparer.Ordinal).Count() == orderIds.Count, "orderIds", "lists an order twice.");
        v.Check(Ids.IsWellFormed(input.WarehouseId), "warehouseId", "is missing or not a warehouse id.");
        v.ThrowIfInvalid();
        var read = new List<Order>();
        foreach (var id in orderIds)
        {
            var order = await orders.FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (order is null || order.Value.SupplierId != orgId)
            {
                throw DomainException.NotFound("Order", id);
            }

            read.Add(order.Value);
        }

        var proposal = Consolidation.Propose(read, MaxWindowDays).FirstOrDefault(p => p.OrderIds.Count == read.Count);
        if (proposal is null)
        {
            var why = Consolidation.Propose(read, MaxWindowDays).SelectMany(p => p.LeftOut).FirstOrDefault()?.Reason;
            throw DomainException.Unprocessable("orderIds", $"These orders cannot travel as one delivery{(why is null ? ": they need the same buyer, address, delivery terms and a confirmed status" : $": {why}")}.");
        }

        var actor = Actor.Of(caller, you.Org.Id);
        var id0 = Ids.New(clock);
        var lots = read.Select(o => ShipmentPlan.HeldLeft(o, o.Shipments, input.WarehouseId!)).ToArray();
        if (read.Zip(lots).FirstOrDefault(p => p.Second.Lines!.Count == 0) is { First: { } empty })
        {
            throw DomainException.Unprocessable("warehouseId", $"Order {empty.Number} holds nothing in warehouse {input.WarehouseId} that no shipment carries yet.");
        }

        var parts = read.Zip(lots).Select(p => ShipmentPlan.Split(p.First, p.First.Shipments, [p.Second], NoBackorder, clock)[0]).ToArray();
        var delivery = parts[0] with { Id = id0, Lines = parts.SelectMany(p => p.Lines).ToArray() };
        await PutAsync(delivery, cancellationToken).ConfigureAwait(false);
        var done = new List<string>();
        try
        {
            foreach (var order in read)
            {
                await AttachAsync(order.Id, delivery, actor, read, cancellationToken).ConfigureAwait(false);
                done.Add(order.Id);
            }
        }
        catch (Exception)
        {
            foreach (var orderId in done)
            {
                await DetachAsync(orderId, delivery.Id).ConfigureAwait(false);
            }

            await DropAsync([delivery]).ConfigureAwait(false);
            throw;
        }

        await index.UpsertAsync(ShipmentSummary.Of(delivery, read), cancellationToken).ConfigureAwait(false);
        return delivery;
    }

    public async Task<Versioned<Shipment>> GetAsync(Caller caller, string orgId, string shipmentId, CancellationToken cancellationToken)
    {
        var found = await shipments.FindAsync(shipmentId, cancellationToken).ConfigureAwait(false);
        _ = await access.PartyAsync(caller, orgId, found?.Value, "Shipment", shipmentId, cancellationToken).ConfigureAwait(false);
        await OrdersOfAsync(found!.Value, cancellationToken).ConfigureAwait(false);
        return found;
    }

    /// <summary>Moves the shipment along its lifecycle: packed, dispatched (carrier and tracking number; refused with 409
    /// when the warehouse no longer has what it takes), delivered (also by the buyer's shoppers, confirming receipt) or
    /// cancelled before it left. The stock, the orders and the invoices follow (<see cref="ShipmentSettlement"/>), at once
    /// when they can, else from the queue.</summary>
    public async Task<Versioned<Shipment>> MoveAsync(Caller caller, string orgId, string shipmentId, ShipmentMove input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        v.Check(input.Status is not null, "status", "is required: the state to move the shipment to.");
        v.ThrowIfInvalid();
        var to = input.Status!.Value;
        var found = await shipments.FindAsync(shipmentId, cancellationToken).ConfigureAwait(false);
        var party = await access.PartyAsync(caller, orgId, found?.Value, "Shipment", shipmentId, cancellationToken).ConfigureAwait(false);
        if (party.IsBuyer)
        {
            if (to != ShipmentStatus.Delivered || !party.Roles.Any(SalesAccess.Shoppers.Contains))
            {
                throw DomainException.Forbidden($"A buyer confirms that a shipment was delivered, with one of these roles: {string.Join(", ", SalesAccess.Shoppers)}; the supplier's warehouse moves it otherwise.");
            }
        }
        else
        {
            RequireShipper(party, $"move a shipment to {ShipmentLifecycle.Name(to)}");
        }

        var carried = await OrdersOfAsync(found!.Value, cancellationToken).ConfigureAwait(false);
        if (to == ShipmentStatus.Dispatched && found.Value.Status == ShipmentStatus.Packed)
        {
            var stock = await products.FindManyAsync(found.Value.SupplierId, found.Value.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false);
            _ = StockMoves.AtDispatch(found.Value, stock.ToDictionary(p => p.Value.Sku, p => p.Value, StringComparer.Ordinal));
        }

        var actor = party.Actor(caller);
        var written = await Concurrency.RetryAsync($"Shipment {shipmentId}", async attempt =>
        {
            var current = attempt == 1 ? found : await shipments.FindAsync(shipmentId, cancellationToken).ConfigureAwait(false) ?? throw DomainException.NotFound("Shipment", shipmentId);
            var now = clock.GetUtcNow();
            var shipment = current.Value;
            var moved = to switch
            {
                ShipmentStatus.Packed => shipment.Pack(),
                ShipmentStatus.Dispatched => shipment.Dispatched(input.Carrier, input.TrackingNumber, now),
                ShipmentStatus.Delivered => shipment.Delivered(now),
                ShipmentStatus.Cancelled => shipment.Cancelled(input.Reason, now),
                _ => ShipmentLifecycle.Apply(shipment, to),
            };
            return await shipments.ReplaceAsync(moved with { Settled = false, UpdatedAt = now, Outbox = Told(moved, shipment.Status, carried, actor) }, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        try
        {
            written = await settlement.SettleAsync(shipmentId, cancellationToken).ConfigureAwait(false) ?? written;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The move stands; the queue finishes what follows it.
            LogSettleLater(logger, e, shipmentId);
        }

        await index.UpsertAsync(ShipmentSummary.Of(written.Value, carried), cancellationToken).ConfigureAwait(false);
        await outbox.SignalAsync(written.Value, cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>The supplier's shipments for its warehouse staff, oldest first, by status (picking: what to pick now) and
    /// warehouse.</summary>
    public async Task<Page<ShipmentSummary>> ListAsync(Caller caller, string orgId, ShipmentStatus? status, string? warehouseId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        _ = await access.SupplierAsync(caller, orgId, "list the shipments", [.. Shippers, Role.SalesManager], cancellationToken).ConfigureAwait(false);
        if (warehouseId is not null && !Ids.IsWellFormed(warehouseId))
        {
            throw DomainException.Invalid("warehouse", "must be a warehouse id.");
        }

        return await index.ListShipmentsAsync(orgId, status, warehouseId, Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 50, OrderService.MaxPage), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The timeline entries, events and emails of a move, for every order the shipment carries.</summary>
    private Outbox Told(Shipment moved, ShipmentStatus from, IReadOnlyList<Order> carried, Actor actor)
    {
        var box = moved.Outbox;
        var verb = ShipmentLifecycle.Check(moved with { Status = from }, moved.Status).Verb;
        var what = moved.Dispatch is { } d && moved.Status == ShipmentStatus.Dispatched ? $" with {d.Carrier}, tracking number {d.TrackingNumber}" : moved.CancellationReason is { } r ? $": {r}" : string.Empty;
        foreach (var order in carried)
        {
            var lines = moved.Lines.Count(l => l.OrderId == order.Id);
            box = box.Add(SalesFacts.Entry(clock, order.Subject, actor, $"shipment{char.ToUpperInvariant(verb[0])}{verb[1..]}",
                $"{actor.Name ?? actor.UserId} {verb} shipment {moved.Id} ({Count(lines, "line")} of order {order.Number}, from {moved.WarehouseId}){what}.", Visibility.Both,
                new Dictionary<string, string> { [$"shipment {moved.Id}"] = $"{ShipmentLifecycle.Name(from)} → {ShipmentLifecycle.Name(moved.Status)}" }));
            // The placer hears of dispatch and delivery, unless they confirmed the delivery themselves.
            if (moved.Status is ShipmentStatus.Dispatched or ShipmentStatus.Delivered && order.PlacedBy.UserId != actor.UserId
                && OrderNotices.Placer(clock, order, $"Order {order.Number}: shipment {verb}", $"{order.SupplierName} {verb} a shipment of your order {order.Number}{what}.",
                    $"{Count(lines, "line")} of the order. Shipment {moved.Id}.") is { } email)
            {
                box = box.Add([email]);
            }
        }

        if (moved.Status is ShipmentStatus.Dispatched or ShipmentStatus.Delivered)
        {
            box = box.Add(IntegrationEvent.Create(Ids.New(clock), $"shipment.{ShipmentLifecycle.Name(moved.Status)}", moved.SupplierId, $"shipment:{moved.Id}", clock.GetUtcNow(), new
            {
                shipment = moved with { Outbox = Outbox.Empty },
                orders = carried.Select(o => new { o.Id, o.Number, o.PurchaseOrderNumber }),
                href = $"/api/orgs/{moved.SupplierId}/shipments/{moved.Id}",
            }));
        }

        return box;
    }

    /// <summary>Adds the delivery's part of <paramref name="orderId"/> to the order, if it can still take it.</summary>
    private async Task AttachAsync(string orderId, Shipment delivery, Actor actor, IReadOnlyList<Order> all, CancellationToken cancellationToken)
    {
        var written = await Concurrency.RetryAsync($"Order {orderId}", async attempt =>
        {
            var current = await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false) ?? throw DomainException.NotFound("Order", orderId);
            var order = current.Value;
            var part = delivery.For(orderId);
            // Checked again on the version written: the lines must still fit what the order holds and has not planned.
            _ = ShipmentPlan.Split(order, order.Shipments, [new LotRequest(delivery.WarehouseId, part.Lines.Select(l => new LotLineRequest(l.OrderLine, l.BaseQuantity, InBaseUnits: true)).ToArray())], NoBackorder, clock);
            var others = string.Join(", ", all.Where(o => o.Id != orderId).Select(o => o.Number));
            var next = order with
            {
                Shipments = [.. order.Shipments, part],
                UpdatedAt = clock.GetUtcNow(),
                Outbox = order.Outbox.Add(SalesFacts.Entry(clock, order.Subject, actor, "consolidated",
                    $"{actor.Name ?? actor.UserId} combined order {order.Number} with order {others} into one delivery, shipment {delivery.Id} from {delivery.WarehouseId}.")),
            };
            return await orders.ReplaceAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await index.UpsertAsync(OrderSummary.Of(written.Value), cancellationToken).ConfigureAwait(false);
        await outbox.SignalAsync(written.Value, cancellationToken).ConfigureAwait(false);
    }

    private async Task DetachAsync(string orderId, string shipmentId)
    {
        try
        {
            await Concurrency.RetryAsync($"Order {orderId}", async _ =>
            {
                var current = await orders.FindAsync(orderId, CancellationToken.None).ConfigureAwait(false);
                if (current is null || current.Value.Shipments.All(s => s.Id != shipmentId))
                {
                    return current;
                }

                return await orders.ReplaceAsync(current.Value with { Shipments = current.Value.Shipments.Where(s => s.Id != shipmentId).ToArray() }, current.ETag, CancellationToken.None).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogUndoFailed(logger, e, shipmentId, orderId);
        }
    }

    /// <summary>The orders the shipment carries, each of which must name it: a shipment no order names (a split whose order
    /// write failed) is not found.</summary>
    private async Task<IReadOnlyList<Order>> OrdersOfAsync(Shipment shipment, CancellationToken cancellationToken)
    {
        var carried = new List<Order>();
        foreach (var orderId in shipment.OrderIds)
        {
            var order = await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false);
            if (order is null || order.Value.Shipments.All(s => s.Id != shipment.Id))
            {
                throw DomainException.NotFound("Shipment", shipment.Id);
            }

            carried.Add(order.Value);
        }

        return carried;
    }

    /// <summary>Where backordered quantity may ship from: an active warehouse with that much available beyond every hold,
    /// counting what earlier lots of the same request take.</summary>
    private async Task<BackorderStock> BackorderStockAsync(Order order, CancellationToken cancellationToken)
    {
        if (order.Lines.All(l => l.Backordered <= 0))
        {
            return NoBackorder;
        }

        var active = ((await warehouses.ListAsync(order.SupplierId, cancellationToken).ConfigureAwait(false))?.Value ?? []).Where(w => w.Active).Select(w => w.Id).ToHashSet(StringComparer.Ordinal);
        var stock = (await products.FindManyAsync(order.SupplierId, order.Skus.ToArray(), cancellationToken).ConfigureAwait(false)).ToDictionary(p => p.Value.Sku, p => p.Value, StringComparer.Ordinal);
        var used = new Dictionary<(string, string), decimal>();
        return (sku, warehouseId, quantity) =>
        {
            var available = stock.GetValueOrDefault(sku)?.Stock.GetValueOrDefault(warehouseId)?.Available ?? 0;
            var taken = used.GetValueOrDefault((sku, warehouseId));
            if (!active.Contains(warehouseId) || available - taken < quantity)
            {
                return false;
            }

            used[(sku, warehouseId)] = taken + quantity;
            return true;
        };
    }

    private static bool NoBackorder(string sku, string warehouseId, decimal quantity) => false;

    /// <summary>Stores a shipment no order names yet: created, or replaced on a retry of the same split.</summary>
    private async Task PutAsync(Shipment shipment, CancellationToken cancellationToken)
    {
        try
        {
            await shipments.CreateAsync(shipment, cancellationToken).ConfigureAwait(false);
        }
        catch (DomainException e) when (e.IsWriteConflict)
        {
            if (await shipments.FindAsync(shipment.Id, cancellationToken).ConfigureAwait(false) is not { } stored)
            {
                throw;
            }

            await shipments.ReplaceAsync(shipment, stored.ETag, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DropAsync(IEnumerable<Shipment> unnamed)
    {
        foreach (var shipment in unnamed)
        {
            try
            {
                await shipments.DeleteAsync(shipment.Id, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                LogUndoFailed(logger, e, shipment.Id, null);
            }
        }
    }

    private static void RequireShipper(SalesParty party, string action) => RequireSupplier(party, Shippers, action);

    /// <summary>403 unless the caller acts for the document's supplier with one of <paramref name="roles"/>.</summary>
    internal static void RequireSupplier(SalesParty party, IReadOnlyList<Role> roles, string action)
    {
        if (party.IsBuyer || !party.Roles.Any(roles.Contains))
        {
            throw DomainException.Forbidden($"To {action} you need one of these roles at the supplier: {string.Join(", ", roles)}.");
        }
    }

    internal static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shipment {ShipmentId} moved; what follows (stock, orders, invoices) is left to the sales queue")]
    private static partial void LogSettleLater(ILogger logger, Exception exception, string shipmentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not undo shipment {ShipmentId} (order {OrderId}) after a failed split or delivery")]
    private static partial void LogUndoFailed(ILogger logger, Exception exception, string shipmentId, string? orderId);
}
