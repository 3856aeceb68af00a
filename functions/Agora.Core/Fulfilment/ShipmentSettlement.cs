using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Ordering;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Fulfilment;

/// <summary>What follows a shipment's change, after its own write (decision 0019): the stock moves of its dispatch (on hand
/// down, the order's hold released, in each product's record, once per shipment), then its orders told (their copy of it,
/// the status they follow), then invoicing once it has left. The request that made the change runs it at once; the sales
/// queue runs it again from the shipment's <see cref="Shipment.HasWork"/> when the request could not finish, so nothing
/// is left half done. Every step is idempotent: a product remembers the shipments that moved it, an order's copy of a
/// shipment only moves forward, and an invoice is issued once per id.</summary>
public sealed partial class ShipmentSettlement(
    ISalesDocuments<Shipment> shipments,
    ISalesDocuments<GoodsReturn> returns,
    ISalesDocuments<Order> orders,
    ISalesIndex index,
    IProductStore products,
    ISalesQueue queue,
    ImportOptions options,
    TimeProvider clock,
    ILogger<ShipmentSettlement> logger)
{
    /// <summary>Finishes what <paramref name="shipmentId"/>'s latest change left to do; the shipment as it is then (null
    /// when it is gone).</summary>
    public async Task<Versioned<Shipment>?> SettleAsync(string shipmentId, CancellationToken cancellationToken)
    {
        var current = await shipments.FindAsync(shipmentId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        if (current.Value.HasLeft && !current.Value.StockMoved)
        {
            var shortfalls = await MoveStockAsync(current.Value, cancellationToken).ConfigureAwait(false);
            current = await WriteAsync(shipments, shipmentId, s => s.StockMoved ? s : s with
            {
                StockMoved = true,
                Outbox = shortfalls.Count == 0 ? s.Outbox : s.OrderIds.Aggregate(s.Outbox, (box, orderId) => box.Add(SalesFacts.Entry(clock, $"order:{orderId}",
                    Actor.System(s.SupplierId), "stockShort", $"Shipment {s.Id} took more off hand in warehouse {s.WarehouseId} than the stock record had ({string.Join(", ", shortfalls)}); the record stopped at zero. Count that stock again.",
                    Visibility.Supplier))),
            }, cancellationToken).ConfigureAwait(false) ?? current;
        }

        if (!current.Value.Settled)
        {
            var settledAs = current.Value.Status;
            foreach (var orderId in current.Value.OrderIds)
            {
                await TellOrderAsync(current.Value, orderId, cancellationToken).ConfigureAwait(false);
            }

            // A change made meanwhile is left unsettled: its own settlement tells the orders its newer state.
            current = await WriteAsync(shipments, shipmentId, s => s.Settled || s.Status != settledAs ? s : s with { Settled = true }, cancellationToken).ConfigureAwait(false) ?? current;
        }

        return current;
    }

    /// <summary>What a return's latest change left to do: its resellable goods back on hand once it is received (once per
    /// return), then its order told.</summary>
    public async Task<Versioned<GoodsReturn>?> SettleReturnAsync(string returnId, CancellationToken cancellationToken)
    {
        var current = await returns.FindAsync(returnId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        if (current.Value.Status == ReturnStatus.Received && !current.Value.StockMoved)
        {
            var received = current.Value;
            await options.ForEachAsync(received.Lines.Where(l => l.Condition == GoodsCondition.Resellable).Select(l => l.Sku).Distinct(StringComparer.Ordinal), async (sku, ct) =>
                await Concurrency.RetryAsync($"The stock of {sku}", async _ =>
                {
                    var product = await products.FindAsync(received.SupplierId, sku, ct).ConfigureAwait(false);
                    var restocked = product is null ? null : Returns.Restock(received, product.Value);
                    return product is null || ReferenceEquals(restocked, product.Value) ? product : await products.ReplaceAsync(restocked!, product.ETag, ct).ConfigureAwait(false);
                }).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            current = await WriteAsync(returns, returnId, r => r.StockMoved ? r : r with { StockMoved = true }, cancellationToken).ConfigureAwait(false) ?? current;
        }

        if (!current.Value.Settled)
        {
            var settledAs = current.Value.Status;
            var copy = current.Value with { Outbox = Outbox.Empty };
            await TellAsync(copy.OrderId, order =>
            {
                var at = order.Returns.ToList().FindIndex(r => r.Id == copy.Id);
                if (at < 0 || Rank(copy.Status) <= Rank(order.Returns[at].Status))
                {
                    return order;
                }

                var copies = order.Returns.ToArray();
                copies[at] = copy;
                return order with { Returns = copies, UpdatedAt = clock.GetUtcNow() };
            }, cancellationToken).ConfigureAwait(false);
            current = await WriteAsync(returns, returnId, r => r.Settled || r.Status != settledAs ? r : r with { Settled = true }, cancellationToken).ConfigureAwait(false) ?? current;
        }

        return current;
    }

    /// <summary>One conditional write of a shipment or return per lost race; <paramref name="change"/> returning the same
    /// instance writes nothing.</summary>
    private static Task<Versioned<T>?> WriteAsync<T>(ISalesDocuments<T> store, string id, Func<T, T> change, CancellationToken cancellationToken)
        where T : ISalesDocument =>
        Concurrency.RetryAsync<Versioned<T>?>($"The {typeof(T).Name.ToLowerInvariant()} {id}", async _ =>
        {
            var found = await store.FindAsync(id, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                return null;
            }

            var next = change(found.Value);
            return ReferenceEquals(next, found.Value) ? found : await store.ReplaceAsync(next, found.ETag, cancellationToken).ConfigureAwait(false);
        });

    /// <summary>Takes the shipment's goods off each product's record in its warehouse, one conditional write per product
    /// (bounded in flight as imports are); the SKUs whose on hand fell short, with by how much.</summary>
    private async Task<IReadOnlyList<string>> MoveStockAsync(Shipment shipment, CancellationToken cancellationToken)
    {
        var shortfalls = new System.Collections.Concurrent.ConcurrentBag<string>();
        await options.ForEachAsync(shipment.Lines.Select(l => l.Sku).Distinct(StringComparer.Ordinal), async (sku, ct) =>
        {
            var shortBy = 0m;
            await Concurrency.RetryAsync($"The stock of {sku}", async _ =>
            {
                var product = await products.FindAsync(shipment.SupplierId, sku, ct).ConfigureAwait(false);
                if (product is null)
                {
                    // Deleted since it was sold: there is no record left to take the goods off.
                    LogProductGone(logger, shipment.Id, sku);
                    return product;
                }

                var shipped = StockMoves.Ship(shipment, product.Value, out shortBy);
                return ReferenceEquals(shipped, product.Value) ? product : await products.ReplaceAsync(shipped, product.ETag, ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
            if (shortBy > 0)
            {
                shortfalls.Add(string.Create(CultureInfo.InvariantCulture, $"{sku}: {shortBy}"));
            }
        }, cancellationToken).ConfigureAwait(false);
        return shortfalls.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Gives the order the shipment's latest state (its own lines of it) and the status that follows. An order's
    /// copy only moves forward, so a late settlement of an earlier change never undoes a later one.</summary>
    private Task TellOrderAsync(Shipment shipment, string orderId, CancellationToken cancellationToken) =>
        TellAsync(orderId, order =>
        {
            var at = order.Shipments.ToList().FindIndex(s => s.Id == shipment.Id);
            if (at < 0 || Rank(shipment.Status) <= Rank(order.Shipments[at].Status))
            {
                return order;
            }

            var copies = order.Shipments.ToArray();
            copies[at] = shipment.For(orderId);
            return order with { Shipments = copies, UpdatedAt = clock.GetUtcNow() };
        }, cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the order (nothing when it returns the order as it was) with the status
    /// its shipments give it and, when that changed, its timeline entry and event, in one conditional write; then its
    /// summaries and, when its outbox has work, a queue message.</summary>
    private async Task TellAsync(string orderId, Func<Order, Order> change, CancellationToken cancellationToken)
    {
        var written = await Concurrency.RetryAsync<Versioned<Order>?>($"Order {orderId}", async _ =>
        {
            var found = await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                return found;
            }

            var order = found.Value;
            var next = change(order);
            if (ReferenceEquals(next, order))
            {
                return found;
            }

            var status = Follows(order.Status) ? FulfilmentState.Of(next, next.Shipments).Status : order.Status;
            if (status != order.Status)
            {
                var system = Actor.System(order.SupplierId);
                next = next with
                {
                    Status = status,
                    Outbox = next.Outbox
                        .Add(SalesFacts.Entry(clock, order.Subject, system, OrderLifecycle.Name(status), $"Order {order.Number} is {Words(status)}.", Visibility.Both,
                            new Dictionary<string, string> { ["status"] = $"{OrderLifecycle.Name(order.Status)} → {OrderLifecycle.Name(status)}" }))
                        .Add(OrderEvents.Event(clock, $"order.{OrderLifecycle.Name(status)}", next with { Status = status })),
                };
            }

            return await orders.ReplaceAsync(next, found.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (written is null)
        {
            return;
        }

        await index.UpsertAsync(OrderSummary.Of(written.Value), cancellationToken).ConfigureAwait(false);
        if (written.Value.HasWork)
        {
            await queue.SendAsync(new SalesWork(written.Value.Kind, written.Value.Id), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The statuses an order's shipments decide: from its confirmation until it is delivered.</summary>
    public static bool Follows(OrderStatus status) => status is OrderStatus.Confirmed or OrderStatus.PartiallyShipped or OrderStatus.Shipped or OrderStatus.Delivered;

    /// <summary>How far along a shipment is: a copy never moves to a lower rank.</summary>
    private static int Rank(ShipmentStatus status) => status switch
    {
        ShipmentStatus.Picking => 0,
        ShipmentStatus.Packed => 1,
        ShipmentStatus.Cancelled or ShipmentStatus.Dispatched => 2,
        _ => 3,
    };

    private static int Rank(ReturnStatus status) => status switch
    {
        ReturnStatus.Requested => 0,
        ReturnStatus.Approved or ReturnStatus.Rejected => 1,
        _ => 2,
    };

    private static string Words(OrderStatus status) => status switch
    {
        OrderStatus.PartiallyShipped => "partially shipped: part of it has left the warehouse",
        OrderStatus.Shipped => "shipped: all of it has left the warehouse",
        OrderStatus.Delivered => "delivered: all of it has arrived",
        _ => OrderLifecycle.Name(status),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shipment {ShipmentId} left with {Sku}, whose product was deleted since: no stock record was changed")]
    private static partial void LogProductGone(ILogger logger, string shipmentId, string sku);
}
