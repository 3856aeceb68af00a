using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Notifications;

namespace Agora.Core.Ordering;

public sealed record OrderMove(OrderStatus? Status, string? Reason);

public sealed record ApprovalInput(ApprovalVerdict? Decision, string? Comment);

public enum ApprovalVerdict
{
    Approve,
    Reject,
}

/// <summary>Orders after checkout: reading and listing them for either side, moving them along the lifecycle, the
/// approval decisions, and the end of a pending approval's hold on stock. Every change is one conditional write of the
/// order (decided again on the newer version when another writer got in between), with its timeline entries, events and
/// emails in its outbox.</summary>
public sealed class OrderService(
    SalesAccess access,
    IOrganizationStore organizations,
    ISalesDocuments<Order> orders,
    ISalesIndex index,
    SalesSignal outbox,
    DueWork dueWork,
    TimeProvider clock)
{
    public const int MaxPage = 100;

    public async Task<Versioned<Order>> GetAsync(Caller caller, string orgId, string orderId, CancellationToken cancellationToken)
    {
        var (order, _) = await ReadAsync(caller, orgId, orderId, cancellationToken).ConfigureAwait(false);
        return order;
    }

    public async Task<Page<OrderSummary>> ListAsync(Caller caller, string orgId, OrderSide? side, OrderFilter filter, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var which = side ?? (you.HasAny(Roles.SupplierStaff) && you.Org.IsSupplier ? OrderSide.Sales : OrderSide.Purchases);
        _ = you.Require(which == OrderSide.Sales ? "read the orders your organization received" : "read your organization's orders", which == OrderSide.Sales ? Roles.SupplierStaff : Roles.BuyerStaff);
        var v = new Validation();
        v.Check(filter.CounterpartyId is null || Ids.IsWellFormed(filter.CounterpartyId), which == OrderSide.Sales ? "customer" : "supplier", "must be an organization id.");
        v.Check(filter.SalesManagerId is null || Ids.IsWellFormed(filter.SalesManagerId), "salesManager", "must be a user id.");
        v.Check(filter.PurchaseOrderNumber is null || filter.PurchaseOrderNumber.Length <= 50, "po", "must be at most 50 characters.");
        v.Check(filter.From is null || filter.To is null || filter.From < filter.To, "to", "must be after from.");
        v.ThrowIfInvalid();
        return await index.ListOrdersAsync(orgId, which, filter, Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 50, MaxPage), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What waits for the caller's approval in <paramref name="orgId"/>, newest first.</summary>
    public async Task<Page<OrderSummary>> WaitingAsync(Caller caller, string orgId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var side = you.HasAny(Roles.SupplierStaff) && you.Org.IsSupplier && !you.HasAny(Roles.BuyerStaff) ? OrderSide.Sales : OrderSide.Purchases;
        var filter = new OrderFilter(OrderStatus.PendingApproval, null, null, null, null, null, caller.UserId);
        var first = await index.ListOrdersAsync(orgId, side, filter, Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 50, MaxPage), cancellationToken).ConfigureAwait(false);
        if (side == OrderSide.Purchases && you.Org.IsSupplier && you.HasAny(Roles.SupplierStaff) && cursor is null && first.Items.Count == 0)
        {
            return await index.ListOrdersAsync(orgId, OrderSide.Sales, filter, null, Paging.Size(limit, 50, MaxPage), cancellationToken).ConfigureAwait(false);
        }

        return first;
    }

    /// <summary>Moves the order to <see cref="OrderMove.Status"/> if the lifecycle allows it from where it is, for the
    /// caller's roles (409 naming the current and allowed states, 403 without the role).</summary>
    public async Task<Versioned<Order>> MoveAsync(Caller caller, string orgId, string orderId, OrderMove input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        v.Check(input.Status is not null, "status", "is required: the state to move the order to.");
        var reason = v.OptionalText(input.Reason, "reason", 2000);
        v.ThrowIfInvalid();
        var (_, party) = await ReadAsync(caller, orgId, orderId, cancellationToken).ConfigureAwait(false);
        var actor = party.Actor(caller);
        var changed = await ChangeAsync(orderId, (order, supplier) =>
        {
            var move = OrderLifecycle.Check(order, input.Status!.Value, party.Roles, caller.UserId);
            var to = move.To;
            var now = clock.GetUtcNow();
            var closingShort = order.Status == OrderStatus.PartiallyShipped && to == OrderStatus.Shipped;
            if (closingShort && order.Shipments.Any(s => s.Status is Fulfilment.ShipmentStatus.Picking or Fulfilment.ShipmentStatus.Packed))
            {
                throw DomainException.Conflict($"Order {order.Number} has lots being picked or packed; dispatch or cancel them before closing it short.");
            }

            var next = order with
            {
                Status = to,
                UpdatedAt = now,
                Stock = (OrderLifecycle.ReleasesStock(to) || closingShort) && order.Stock == StockState.Held ? StockState.Releasing : order.Stock,
                CancellationReason = to == OrderStatus.Cancelled ? reason ?? $"Cancelled by {actor.Name ?? actor.UserId}." : order.CancellationReason,
                ClosedShort = closingShort ? reason ?? $"Closed short by {actor.Name ?? actor.UserId}." : order.ClosedShort,
                HoldExpiresAt = null,
            };
            if (closingShort)
            {
                // What left decides: delivered when every lot that left has arrived.
                next = next with { Status = Fulfilment.FulfilmentState.Of(next, next.Shipments).Status };
                to = next.Status;
            }

            var summary = $"{actor.Name ?? actor.UserId} {move.Verb} order {order.Number}{(reason is null ? "." : $": {reason}")}";
            var box = next.Outbox.Add(SalesFacts.Entry(clock, order.Subject, actor, LifecycleAction(to), summary, Visibility.Both,
                new Dictionary<string, string> { ["status"] = $"{OrderLifecycle.Name(order.Status)} → {OrderLifecycle.Name(to)}" }, reason));
            if (EventOf(to) is { } type)
            {
                box = box.Add(OrderEvents.Event(clock, type, next));
            }

            var notices = new List<Notification>();
            if (party.IsBuyer && to == OrderStatus.Cancelled)
            {
                notices.AddRange(OrderNotices.SalesManager(clock, next, supplier, "Order cancelled"));
            }
            else if (!party.IsBuyer && OrderNotices.Placer(clock, next, $"Order {order.Number} {move.Verb}", $"{order.SupplierName} {move.Verb} your order {order.Number}.",
                         reason ?? $"It is now {OrderLifecycle.Name(to)}.") is { } n)
            {
                notices.Add(n);
            }

            return next with { Outbox = box.Add(notices) };
        }, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    /// <summary>Records the caller's approval or rejection of the step the order waits for. One rejection rejects the
    /// order (and releases its stock); the last approval places it. Two approvers deciding at once each have their
    /// decision recorded, and the order moves once.</summary>
    public async Task<Versioned<Order>> DecideAsync(Caller caller, string orgId, string orderId, ApprovalInput input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        v.Check(input.Decision is not null, "decision", "is required: approve or reject.");
        var comment = v.OptionalText(input.Comment, "comment", 2000);
        v.Check(input.Decision != ApprovalVerdict.Reject || comment is not null, "comment", "is required when rejecting: say why, for the purchaser.");
        v.ThrowIfInvalid();
        var (found, party) = await ReadAsync(caller, orgId, orderId, cancellationToken).ConfigureAwait(false);
        var approve = input.Decision == ApprovalVerdict.Approve;
        var actor = party.Actor(caller);
        var buyer = (await organizations.FindAsync(found.Value.BuyerId, cancellationToken).ConfigureAwait(false))!.Value;
        return await ChangeAsync(orderId, (order, supplier) =>
        {
            if (order.Status != OrderStatus.PendingApproval)
            {
                throw DomainException.Conflict($"Order {order.Number} is {OrderLifecycle.Name(order.Status)}; it waits for no approval.");
            }

            if (order.Approval.Current is { } waiting && (waiting.Side == ApprovalSide.Buyer) != party.IsBuyer)
            {
                throw DomainException.Forbidden($"Order {order.Number} waits for the {(waiting.Side == ApprovalSide.Buyer ? "buyer's" : "supplier's")} approval ({waiting.RuleName}).");
            }

            var now = clock.GetUtcNow();
            var process = Approvals.Decide(order.Approval, caller.UserId, actor.Name, approve, comment, now, out var step);
            var status = step.Status == StepStatus.Rejected ? OrderStatus.Rejected : process.IsComplete ? OrderStatus.Placed : OrderStatus.PendingApproval;
            var next = order with
            {
                Approval = process,
                Status = status,
                UpdatedAt = now,
                Stock = status == OrderStatus.Rejected ? StockState.Releasing : order.Stock,
                HoldExpiresAt = status == OrderStatus.PendingApproval ? order.HoldExpiresAt : null,
            };
            var verb = approve ? "approved" : "rejected";
            var box = next.Outbox.Add(SalesFacts.Entry(clock, order.Subject, actor, verb,
                $"{actor.Name ?? actor.UserId} {verb} step {step.Number} ({step.RuleName}) of order {order.Number}." +
                (status == OrderStatus.Placed ? " Every approval is in: the order is placed." : status == OrderStatus.Rejected ? " The order is rejected." : string.Empty),
                step.Side == ApprovalSide.Supplier ? Visibility.Supplier : Visibility.Both,
                status == order.Status ? null : new Dictionary<string, string> { ["status"] = $"{OrderLifecycle.Name(order.Status)} → {OrderLifecycle.Name(status)}" }, comment));
            var notices = new List<Notification>();
            switch (status)
            {
                case OrderStatus.Placed:
                    box = box.Add(OrderEvents.Event(clock, "order.approved", next));
                    notices.AddRange(OrderNotices.SalesManager(clock, next, supplier, "New order"));
                    if (OrderNotices.Placer(clock, next, $"Order {order.Number} approved", $"Your order {order.Number} at {order.SupplierName} was approved and placed.", $"Last approval by {actor.Name ?? actor.UserId}.") is { } placed)
                    {
                        notices.Add(placed);
                    }

                    break;
                case OrderStatus.Rejected:
                    if (OrderNotices.Placer(clock, next, $"Order {order.Number} rejected", $"{actor.Name ?? actor.UserId} rejected your order {order.Number}.", comment!) is { } rejected)
                    {
                        notices.Add(rejected);
                    }

                    break;
                default:
                    if (process.Current?.Number != step.Number)
                    {
                        notices.AddRange(OrderNotices.Approvers(clock, next, buyer, supplier));
                    }

                    break;
            }

            return next with { Outbox = box.Add(notices) };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ends the holds of orders whose approval did not come in time: each is cancelled and its stock released.</summary>
    public Task<int> ExpireHoldsAsync(CancellationToken cancellationToken) => dueWork.RunAsync(CheckoutService.HoldExpiryKind, ExpireAsync, cancellationToken);

    private async Task ExpireAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var found = await orders.FindAsync(entry.Id, cancellationToken).ConfigureAwait(false);
        if (found is null || found.Value.Status != OrderStatus.PendingApproval || found.Value.HoldExpiresAt > clock.GetUtcNow())
        {
            return;
        }

        var system = Actor.System(found.Value.SupplierId);
        await ChangeAsync(entry.Id, (order, _) =>
        {
            if (order.Status != OrderStatus.PendingApproval)
            {
                return order;
            }

            var reason = $"The approval did not come within the supplier's {Hours(order)} hours; the order was cancelled and its stock released.";
            var next = order with { Status = OrderStatus.Cancelled, Stock = StockState.Releasing, CancellationReason = reason, HoldExpiresAt = null, UpdatedAt = clock.GetUtcNow() };
            var box = next.Outbox
                .Add(SalesFacts.Entry(clock, order.Subject, system, "expired", reason, Visibility.Both, new Dictionary<string, string> { ["status"] = "pendingApproval → cancelled" }))
                .Add(OrderEvents.Event(clock, "order.cancelled", next));
            if (OrderNotices.Placer(clock, next, $"Order {order.Number} cancelled: no approval in time", $"Your order {order.Number} at {order.SupplierName} was cancelled.", reason) is { } n)
            {
                box = box.Add([n]);
            }

            return next with { Outbox = box };
        }, cancellationToken).ConfigureAwait(false);
    }

    private static int Hours(Order order) => (int)Math.Round(((order.HoldExpiresAt ?? order.CreatedAt) - order.CreatedAt).TotalHours);

    /// <summary>Reads, changes and writes the order, again on the newer version after a lost race; then its summaries
    /// and the outbox signal. <paramref name="change"/> returning the same instance writes nothing.</summary>
    private async Task<Versioned<Order>> ChangeAsync(string orderId, Func<Order, Organization, Order> change, CancellationToken cancellationToken)
    {
        var written = await Concurrency.RetryAsync("The order", async _ =>
        {
            var current = await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false) ?? throw DomainException.NotFound("Order", orderId);
            var supplier = (await organizations.FindAsync(current.Value.SupplierId, cancellationToken).ConfigureAwait(false))!.Value;
            var next = change(current.Value, supplier);
            return ReferenceEquals(next, current.Value) ? current : await orders.ReplaceAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await index.UpsertAsync(OrderSummary.Of(written.Value), cancellationToken).ConfigureAwait(false);
        await outbox.SignalAsync(written.Value, cancellationToken).ConfigureAwait(false);
        return written;
    }

    private async Task<(Versioned<Order> Order, SalesParty Party)> ReadAsync(Caller caller, string orgId, string orderId, CancellationToken cancellationToken)
    {
        var order = await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false);
        var party = await access.PartyAsync(caller, orgId, order?.Value, "Order", orderId, cancellationToken).ConfigureAwait(false);
        return (order!, party);
    }

    private static string LifecycleAction(OrderStatus to) => OrderLifecycle.Name(to);

    private static string? EventOf(OrderStatus to) => to switch
    {
        OrderStatus.Confirmed => "order.confirmed",
        OrderStatus.Cancelled => "order.cancelled",
        OrderStatus.Shipped => "order.shipped",
        OrderStatus.Delivered => "order.delivered",
        _ => null,
    };
}
