using System.Globalization;
using Agora.Core.Billing;
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
    BillingService billing,
    IBillingStore invoices,
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
            var shipment = current.Value;
            var told = new List<Order>();
            InvoicePer? invoicing = shipment.HasLeft && !shipment.Invoiced ? (await billing.SettingsAsync(shipment.SupplierId, cancellationToken).ConfigureAwait(false)).InvoicePer : null;
            foreach (var orderId in shipment.OrderIds)
            {
                if (await TellOrderAsync(shipment, orderId, invoicing, cancellationToken).ConfigureAwait(false) is { } order)
                {
                    told.Add(order.Value);
                }
            }

            var invoiced = shipment.Invoiced;
            if (invoicing is { } per)
            {
                await InvoiceAsync(shipment, told, per, cancellationToken).ConfigureAwait(false);
                invoiced = true;
            }

            // A change made meanwhile is left unsettled: its own settlement tells the orders its newer state.
            current = await WriteAsync(shipments, shipmentId, s => s.Settled || s.Status != shipment.Status ? s : s with { Settled = true, Invoiced = invoiced }, cancellationToken).ConfigureAwait(false) ?? current;
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

        if (current.Value is { Status: ReturnStatus.Received, CreditNoteIds.Count: 0 } toCredit)
        {
            var credited = await CreditAsync(toCredit, cancellationToken).ConfigureAwait(false);
            current = await WriteAsync(returns, returnId, r => r.CreditNoteIds.Count > 0 ? r : r with { CreditNoteIds = credited }, cancellationToken).ConfigureAwait(false) ?? current;
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

    /// <summary>The credit notes of a received return: one per invoice that billed its goods (the delivered shipment's
    /// invoice, or the order's), each idempotent by an id derived from the return's. None yet when some of its goods are
    /// not invoiced (per order, before the order shipped whole): the order's invoice asks again when it is issued.</summary>
    private async Task<IReadOnlyList<string>> CreditAsync(GoodsReturn received, CancellationToken cancellationToken)
    {
        var order = (await orders.FindAsync(received.OrderId, cancellationToken).ConfigureAwait(false))?.Value ?? throw DomainException.NotFound("Order", received.OrderId);
        var invoiceOf = new Dictionary<string, string>(StringComparer.Ordinal); // shipment id → the invoice that billed its goods
        foreach (var shipmentId in received.Lines.Select(l => l.ShipmentId).Distinct(StringComparer.Ordinal))
        {
            // The shipment's own document: the order's copy holds only its lines, and a consolidated delivery's invoice id
            // names the order too.
            var shipment = (await shipments.FindAsync(shipmentId, cancellationToken).ConfigureAwait(false))?.Value;
            string? invoiceId = null;
            foreach (var candidate in new[] { shipment is null ? null : InvoiceIdOf(shipment, order.Id), OrderInvoiceId(order.Id) })
            {
                if (candidate is not null && (invoiceOf.ContainsValue(candidate) || await invoices.FindAsync(candidate, cancellationToken).ConfigureAwait(false) is not null))
                {
                    invoiceId = candidate;
                    break;
                }
            }

            if (invoiceId is null && shipment?.Invoiced != true)
            {
                // The shipment's own settlement has not issued its invoices yet: the queue tries this again.
                throw DomainException.Conflict($"Return {received.Id}: the goods of shipment {shipmentId} are not invoiced yet; the credit note follows their invoice.");
            }

            if (invoiceId is null)
            {
                // Invoiced per order, and the order has not shipped whole yet: its invoice bills these goods too, and its
                // issuing asks this return's settlement again (InvoiceAsync), which credits them then.
                LogCreditWaits(logger, received.Id, order.Id);
                return [];
            }

            invoiceOf[shipmentId] = invoiceId;
        }

        var byInvoice = received.Lines.GroupBy(l => invoiceOf[l.ShipmentId], StringComparer.Ordinal).ToArray();
        var ids = new List<string>();
        for (var i = 0; i < byInvoice.Length; i++)
        {
            var invoiceId = byInvoice[i].Key;
            var parts = byInvoice[i].GroupBy(l => l.OrderLine).Select(g => new BilledPart(g.Key, Billed.InSaleUnits(order.Lines[g.Key], g.Sum(l => l.BaseQuantity)))).Where(p => p.Quantity > 0).ToArray();
            if (parts.Length == 0)
            {
                continue;
            }

            var why = $"Return {received.Id}: {received.Reason}";
            var note = await billing.CreditAsync(new CreditRequest($"cn.{received.Id}.{i + 1}", invoiceId, parts, why.Length <= Returns.MaxText ? why : string.Concat(why.AsSpan(0, Returns.MaxText - 1), "…")), cancellationToken).ConfigureAwait(false);
            ids.Add(note.Id);
        }

        return ids;
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
    /// copy only moves forward, so a late settlement of an earlier change never undoes a later one. The first lot that leaves fixes how the order is invoiced (<paramref name="invoicing"/>, the supplier's setting now).</summary>
    private Task<Versioned<Order>?> TellOrderAsync(Shipment shipment, string orderId, InvoicePer? invoicing, CancellationToken cancellationToken) =>
        TellAsync(orderId, order =>
        {
            var at = order.Shipments.ToList().FindIndex(s => s.Id == shipment.Id);
            if (at < 0 || Rank(shipment.Status) <= Rank(order.Shipments[at].Status))
            {
                return order;
            }

            var copies = order.Shipments.ToArray();
            copies[at] = shipment.For(orderId);
            return order with { Shipments = copies, Invoicing = order.Invoicing ?? invoicing, UpdatedAt = clock.GetUtcNow() };
        }, cancellationToken);

    /// <summary>Applies <paramref name="change"/> to the order (nothing when it returns the order as it was) with the status
    /// its shipments give it and, when that changed, its timeline entry and event, in one conditional write; then its
    /// summaries and, when its outbox has work, a queue message. The order as written (or as found, when nothing changed).</summary>
    private async Task<Versioned<Order>?> TellAsync(string orderId, Func<Order, Order> change, CancellationToken cancellationToken)
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
            return null;
        }

        await index.UpsertAsync(OrderSummary.Of(written.Value), cancellationToken).ConfigureAwait(false);
        if (written.Value.HasWork)
        {
            await queue.SendAsync(new SalesWork(written.Value.Kind, written.Value.Id), cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>The invoices of a shipment that left, as the supplier bills (<see cref="BillingSettings.InvoicePer"/>): one
    /// per order it carries, of what it carries of each line; or, per order, one invoice of the whole order once this
    /// shipment made it shipped. Issuing is idempotent by invoice id (derived from the shipment or the order), so a retried
    /// settlement issues nothing twice.</summary>
    private async Task InvoiceAsync(Shipment shipment, IReadOnlyList<Order> told, InvoicePer setting, CancellationToken cancellationToken)
    {
        foreach (var order in told)
        {
            if ((order.Invoicing ?? setting) == InvoicePer.Shipment)
            {
                if (Billed.Parts(order, shipment) is { Count: > 0 } parts)
                {
                    await billing.IssueAsync(new IssueRequest(InvoiceIdOf(shipment, order.Id), order.Id, parts, shipment.Id), cancellationToken).ConfigureAwait(false);
                }
            }
            else if (order.Status is OrderStatus.Shipped or OrderStatus.Delivered)
            {
                await InvoiceWholeAsync(order, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Invoiced per order, once it has shipped (whole, or closed short: what left): its one invoice, then the
    /// credit notes of returns received before it existed. Idempotent, as issuing is.</summary>
    public async Task InvoiceWholeAsync(Order order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (Billed.Shipped(order) is not { Count: > 0 } parts)
        {
            return;
        }

        await billing.IssueAsync(new IssueRequest(OrderInvoiceId(order.Id), order.Id, parts, null), cancellationToken).ConfigureAwait(false);
        foreach (var waiting in order.Returns.Where(r => r is { Status: ReturnStatus.Received, CreditNoteIds.Count: 0 }))
        {
            // Received before the order's invoice existed: its credit note can be issued now.
            await queue.SendAsync(new SalesWork(waiting.Kind, waiting.Id), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The invoice of <paramref name="orderId"/>'s goods in <paramref name="shipment"/> when invoices are per
    /// shipment: the shipment's id, or with the order's for a consolidated one.</summary>
    public static string InvoiceIdOf(Shipment shipment, string orderId) => shipment.OrderIds.Count == 1 ? shipment.Id : $"{shipment.Id}.{orderId}";

    /// <summary>The invoice of a whole order when invoices are per order.</summary>
    public static string OrderInvoiceId(string orderId) => $"inv.{orderId}";

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Return {ReturnId} waits for the invoice of order {OrderId} (invoiced per order, not shipped whole yet) before its credit note")]
    private static partial void LogCreditWaits(ILogger logger, string returnId, string orderId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shipment {ShipmentId} left with {Sku}, whose product was deleted since: no stock record was changed")]
    private static partial void LogProductGone(ILogger logger, string shipmentId, string sku);
}
