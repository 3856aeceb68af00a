using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Notifications;
using Agora.Core.Ordering;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Fulfilment;

/// <summary>Returns (issue 12): a buyer's shoppers ask to send back lines of a delivered order with a reason; the
/// supplier's admins or sales managers approve or reject; the warehouse receives the goods, line by line resellable or
/// damaged; resellable goods go back on hand and a credit note credits what was invoiced of them
/// (<see cref="ShipmentSettlement.SettleReturnAsync"/>). A request is stored first, then named in the order's copy in one
/// conditional write (decided again on the newer order), as a split is.</summary>
public sealed partial class ReturnService(
    SalesAccess access,
    IOrganizationStore organizations,
    ISalesDocuments<Order> orders,
    ISalesDocuments<GoodsReturn> returns,
    ISalesIndex index,
    SalesSignal outbox,
    ShipmentSettlement settlement,
    TimeProvider clock,
    ILogger<ReturnService> logger)
{
    public async Task<Versioned<GoodsReturn>> RequestAsync(Caller caller, string orgId, string orderId, ReturnInput input, CancellationToken cancellationToken)
    {
        var found = await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false);
        var party = await access.PartyAsync(caller, orgId, found?.Value, "Order", orderId, cancellationToken).ConfigureAwait(false);
        if (!party.IsBuyer || !party.Roles.Any(SalesAccess.Shoppers.Contains))
        {
            throw DomainException.Forbidden($"The buyer asks for a return, with one of these roles: {string.Join(", ", SalesAccess.Shoppers)}.");
        }

        var actor = party.Actor(caller);
        var supplier = (await organizations.FindAsync(found!.Value.SupplierId, cancellationToken).ConfigureAwait(false))!.Value;
        string? id = null;
        Versioned<GoodsReturn>? stored = null;
        try
        {
            var written = await Concurrency.RetryAsync($"Order {found.Value.Number}", async attempt =>
            {
                var current = attempt == 1 ? found : await orders.FindAsync(orderId, cancellationToken).ConfigureAwait(false) ?? throw DomainException.NotFound("Order", orderId);
                var order = current.Value;
                var request = Returns.Request(order, input, actor, clock);
                id ??= request.Id;
                request = request with { Id = id };
                stored = stored is null ? await returns.CreateAsync(request, cancellationToken).ConfigureAwait(false) : await returns.ReplaceAsync(request, stored.ETag, cancellationToken).ConfigureAwait(false);
                var summary = $"{actor.Name ?? actor.UserId} asked to return {Count(request.Lines.Select(l => l.OrderLine).Distinct().Count(), "line")} of order {order.Number} (return {request.Id}): {request.Reason}";
                var next = order with
                {
                    Returns = [.. order.Returns, request],
                    UpdatedAt = clock.GetUtcNow(),
                    Outbox = order.Outbox.Add(SalesFacts.Entry(clock, order.Subject, actor, "returnRequested", summary)).Add(OrderNotices.SalesManager(clock, order, supplier, "Return requested",
                        $"{order.BuyerName} asks to return goods of order {order.Number} (return {request.Id}).",
                        $"{Count(request.Lines.Select(l => l.OrderLine).Distinct().Count(), "line")}: " +
                        string.Join("; ", request.Lines.GroupBy(l => l.OrderLine).Take(20).Select(g => $"{order.Lines[g.Key].Name} ({g.Sum(l => l.BaseQuantity)} base units)")) +
                        $". Reason: {request.Reason}", $"/returns/{request.Id}")),
                };
                return await orders.ReplaceAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
            await index.UpsertAsync(OrderSummary.Of(written.Value), cancellationToken).ConfigureAwait(false);
            await outbox.SignalAsync(written.Value, cancellationToken).ConfigureAwait(false);
            return stored!;
        }
        catch (Exception) when (stored is not null)
        {
            // No order names it: nobody can see it, but it should not linger.
            await returns.DeleteAsync(stored.Value.Id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<Versioned<GoodsReturn>> GetAsync(Caller caller, string orgId, string returnId, CancellationToken cancellationToken) =>
        (await ReadAsync(caller, orgId, returnId, cancellationToken).ConfigureAwait(false)).Return;

    /// <summary>The supplier's admins and sales managers approve or reject a requested return (a rejection says why).</summary>
    public async Task<Versioned<GoodsReturn>> DecideAsync(Caller caller, string orgId, string returnId, ReturnDecision input, CancellationToken cancellationToken)
    {
        var v = new Validation();
        v.Check(input.Decision is not null, "decision", "is required: approve or reject.");
        v.ThrowIfInvalid();
        var (found, party, order) = await ReadAsync(caller, orgId, returnId, cancellationToken).ConfigureAwait(false);
        Require(party, SalesAccess.SupplierSellers, "decide on a return");
        var approve = input.Decision == ApprovalVerdict.Approve;
        var actor = party.Actor(caller);
        return await ChangeAsync(found, r =>
        {
            var decided = Returns.Decide(r, approve, input.Comment, actor, clock.GetUtcNow());
            var verb = approve ? "approved" : "rejected";
            var box = decided.Outbox.Add(SalesFacts.Entry(clock, $"order:{r.OrderId}", actor, approve ? "returnApproved" : "returnRejected",
                $"{actor.Name ?? actor.UserId} {verb} return {r.Id} of order {r.OrderNumber}{(decided.DecisionComment is { } c ? $": {c}" : ".")}"));
            if (OrderNotices.Placer(clock, order, $"Return {verb}: order {r.OrderNumber}", $"{order.SupplierName} {verb} your return of order {r.OrderNumber}.",
                    approve ? "Send the goods back; a credit note follows once they arrive." : decided.DecisionComment!) is { } email)
            {
                box = box.Add([email]);
            }

            return decided with { Outbox = box };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The warehouse receives an approved return, giving each line's condition; resellable goods go back on hand.</summary>
    public async Task<Versioned<GoodsReturn>> ReceiveAsync(Caller caller, string orgId, string returnId, ReturnReceipt input, CancellationToken cancellationToken)
    {
        var (found, party, _) = await ReadAsync(caller, orgId, returnId, cancellationToken).ConfigureAwait(false);
        Require(party, ShipmentService.Shippers, "receive returned goods");
        var actor = party.Actor(caller);
        return await ChangeAsync(found, r =>
        {
            var received = Returns.Receive(r, input, actor, clock.GetUtcNow());
            var damaged = received.Lines.Count(l => l.Condition == GoodsCondition.Damaged);
            return received with
            {
                Outbox = received.Outbox.Add(SalesFacts.Entry(clock, $"order:{r.OrderId}", actor, "returnReceived",
                    $"{actor.Name ?? actor.UserId} received return {r.Id} of order {r.OrderNumber}: {Count(received.Lines.Count - damaged, "line")} back in stock, {Count(damaged, "line")} damaged.")),
            };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One conditional write of the return (decided again on a newer version), then its settlement at once (the
    /// queue finishes it otherwise) and its outbox signalled.</summary>
    private async Task<Versioned<GoodsReturn>> ChangeAsync(Versioned<GoodsReturn> found, Func<GoodsReturn, GoodsReturn> change, CancellationToken cancellationToken)
    {
        var id = found.Value.Id;
        var written = await Concurrency.RetryAsync($"Return {id}", async attempt =>
        {
            var current = attempt == 1 ? found : await returns.FindAsync(id, cancellationToken).ConfigureAwait(false) ?? throw DomainException.NotFound("Return", id);
            return await returns.ReplaceAsync(change(current.Value) with { Settled = false }, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        try
        {
            written = await settlement.SettleReturnAsync(id, cancellationToken).ConfigureAwait(false) ?? written;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogSettleLater(logger, e, id);
        }

        await outbox.SignalAsync(written.Value, cancellationToken).ConfigureAwait(false);
        return written;
    }

    private async Task<(Versioned<GoodsReturn> Return, SalesParty Party, Order Order)> ReadAsync(Caller caller, string orgId, string returnId, CancellationToken cancellationToken)
    {
        var found = await returns.FindAsync(returnId, cancellationToken).ConfigureAwait(false);
        var party = await access.PartyAsync(caller, orgId, found?.Value, "Return", returnId, cancellationToken).ConfigureAwait(false);
        var order = await orders.FindAsync(found!.Value.OrderId, cancellationToken).ConfigureAwait(false);
        if (order is null || order.Value.Returns.All(r => r.Id != returnId))
        {
            // Stored by a request whose order write failed: no order names it.
            throw DomainException.NotFound("Return", returnId);
        }

        return (found, party, order.Value);
    }

    private static void Require(SalesParty party, IReadOnlyList<Role> roles, string action) => ShipmentService.RequireSupplier(party, roles, action);

    private static string Count(int n, string what) => ShipmentService.Count(n, what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Return {ReturnId} changed; what follows (stock, the order, credit notes) is left to the sales queue")]
    private static partial void LogSettleLater(ILogger logger, Exception exception, string returnId);
}
