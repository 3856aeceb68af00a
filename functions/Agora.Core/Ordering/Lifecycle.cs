using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Core.Ordering;

/// <summary>The order lifecycle as one table: every move a person may make, and the roles that may make it. Moves not in
/// the table are made by the system only (approval completes: pending → placed; an approver rejects: pending → rejected;
/// an unapproved order's hold expires: pending → cancelled; its shipments decide confirmed → partially shipped → shipped →
/// delivered, <see cref="Fulfilment.ShipmentSettlement"/>; a supplier admin closes a partially shipped order short: what has not
/// left will not ship). Invoicing and payment fill in their steps later; until then
/// their staff move them here.</summary>
public static class OrderLifecycle
{
    private static readonly Role[] SupplierManagers = [Role.SupplierAdmin, Role.SalesManager];
    private static readonly Role[] BuyerPlacers = [Role.BuyerAdmin, Role.Purchaser];

    public sealed record Move(OrderStatus From, OrderStatus To, IReadOnlyList<Role> Roles, string Verb);

    public static readonly IReadOnlyList<Move> Moves =
    [
        new(OrderStatus.PendingApproval, OrderStatus.Cancelled, [.. BuyerPlacers, Role.SupplierAdmin], "cancelled"),
        new(OrderStatus.Placed, OrderStatus.Confirmed, SupplierManagers, "confirmed"),
        new(OrderStatus.Placed, OrderStatus.Cancelled, [.. BuyerPlacers, .. SupplierManagers], "cancelled"),
        new(OrderStatus.Confirmed, OrderStatus.Cancelled, [Role.SupplierAdmin], "cancelled"),
        new(OrderStatus.PartiallyShipped, OrderStatus.Shipped, [Role.SupplierAdmin], "closed short"),
        new(OrderStatus.Delivered, OrderStatus.Invoiced, [Role.SupplierAdmin], "marked invoiced"),
        new(OrderStatus.Invoiced, OrderStatus.Paid, [Role.SupplierAdmin], "marked paid"),
    ];

    /// <summary>States an order never leaves.</summary>
    public static bool IsFinal(OrderStatus status) => status is OrderStatus.Paid or OrderStatus.Cancelled or OrderStatus.Rejected;

    /// <summary>Orders that still count against the customer's credit: placed and not yet paid, cancelled or rejected.
    /// What of them is invoiced counts by its open invoices instead (<see cref="Billing.CreditExposure"/>).</summary>
    public static bool IsOpen(OrderStatus status) => !IsFinal(status);

    /// <summary>Whether the order's held stock goes back when it reaches <paramref name="status"/>.</summary>
    public static bool ReleasesStock(OrderStatus status) => status is OrderStatus.Cancelled or OrderStatus.Rejected;

    /// <summary>The states <paramref name="from"/> may move to by anyone.</summary>
    public static IReadOnlyList<OrderStatus> Next(OrderStatus from) => Moves.Where(m => m.From == from).Select(m => m.To).ToArray();

    /// <summary>The move from the order's state to <paramref name="to"/> the caller, with <paramref name="roles"/> on the
    /// side they act for (<see cref="SalesParty.Roles"/>: never those they hold for the other side), may make; 409 naming the current state and the allowed ones when no such move exists,
    /// 403 when it exists but not for these roles. A purchaser who is not the buyer's admin cancels only the orders they
    /// placed.</summary>
    public static Move Check(Order order, OrderStatus to, IReadOnlyList<Role> roles, string callerId)
    {
        var move = Moves.FirstOrDefault(m => m.From == order.Status && m.To == to);
        if (move is null)
        {
            throw DomainException.MoveNotAllowed($"Order {order.Number}", Name(order.Status), Next(order.Status).Select(Name).ToArray(), Name(to));
        }

        if (!move.Roles.Any(roles.Contains))
        {
            throw DomainException.Forbidden($"To move an order from {Name(move.From)} to {Name(to)} you need one of these roles: {string.Join(", ", move.Roles.Where(r => roles.Any(mine => Roles.SideOf(mine) == Roles.SideOf(r))).DefaultIfEmpty(move.Roles[0]))}.");
        }

        if (to == OrderStatus.Cancelled && order.Shipments.Any(s => s.Counts))
        {
            throw DomainException.Conflict($"Order {order.Number} has shipments being picked or packed; cancel them first, so their goods go back on the shelves and nothing leaves.");
        }

        if (to == OrderStatus.Cancelled && !roles.Contains(Role.BuyerAdmin) && roles.Contains(Role.Purchaser) && Roles.SideOf(roles[0]) == Capability.Buyer
            && order.PlacedBy.UserId != callerId)
        {
            throw DomainException.Forbidden("A purchaser cancels only the orders they placed; ask your organization's admin.");
        }

        return move;
    }

    /// <summary>The status as the API writes it (camelCase).</summary>
    public static string Name(OrderStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());
}
