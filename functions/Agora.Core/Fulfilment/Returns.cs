using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Fulfilment;

public enum ReturnStatus
{
    /// <summary>The buyer asked; the supplier decides.</summary>
    Requested,

    /// <summary>The supplier accepts the goods back: the buyer sends them.</summary>
    Approved,

    /// <summary>The supplier refused, saying why.</summary>
    Rejected,

    /// <summary>The goods arrived at the supplier's warehouse, each line in its condition; resellable ones are back on
    /// hand, and a credit note credits what was invoiced of them.</summary>
    Received,
}

/// <summary>What a returned line is worth to the warehouse when it arrives.</summary>
public enum GoodsCondition
{
    /// <summary>Back on the shelf: on hand grows by it.</summary>
    Resellable,

    /// <summary>Kept out of stock (scrapped, sent to the maker); still credited.</summary>
    Damaged,
}

/// <summary>A part of a delivered order line coming back, in base units, from one delivered shipment (the one its invoice
/// names when invoices are per shipment).</summary>
/// <param name="WarehouseId">Where it goes back to: the warehouse it left from.</param>
/// <param name="Condition">Set when the goods are received.</param>
public sealed record ReturnLine(int OrderLine, string Sku, string Unit, decimal BaseQuantity, string ShipmentId, string WarehouseId, GoodsCondition? Condition = null);

public sealed record ReturnLineInput(int Line, decimal Quantity, bool InBaseUnits = false);

public sealed record ReturnInput([property: MaxItems(Order.MaxLines)] IReadOnlyList<ReturnLineInput>? Lines, string? Reason);

public sealed record ReturnDecision(ApprovalVerdict? Decision, string? Comment);

/// <summary>The condition of return line <see cref="Line"/> (its index in the return) as it arrived.</summary>
public sealed record ReceivedLine(int Line, GoodsCondition? Condition);

public sealed record ReturnReceipt([property: MaxItems(Order.MaxLines)] IReadOnlyList<ReceivedLine>? Lines);

/// <summary>A buyer's request to send back lines of a delivered order (issue 12), its own document in <c>sales</c> with a
/// copy in the order (<see cref="Order.Returns"/>), as shipments are: the order's copy is what limits every line's returns
/// to what was delivered of it, in one conditional write.</summary>
public sealed record GoodsReturn : ISalesDocument
{
    public required string Id { get; init; }

    public string Kind => "return";

    public required string SupplierId { get; init; }

    public required string BuyerId { get; init; }

    public required string OrderId { get; init; }

    public required string OrderNumber { get; init; }

    public required IReadOnlyList<ReturnLine> Lines { get; init; }

    public required string Reason { get; init; }

    public required ReturnStatus Status { get; init; }

    public required Actor RequestedBy { get; init; }

    public required DateTimeOffset RequestedAt { get; init; }

    public Actor? DecidedBy { get; init; }

    public string? DecisionComment { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    public Actor? ReceivedBy { get; init; }

    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>Whether the resellable goods are back on hand (<see cref="Returns.Restock"/>, once per return).</summary>
    public bool StockMoved { get; init; }

    /// <summary>The credit notes issued for it, once received.</summary>
    public IReadOnlyList<string> CreditNoteIds { get; init; } = [];

    /// <summary>Whether its order was told its latest state, and, once received, its credit notes issued.</summary>
    public bool Settled { get; init; } = true;

    public DateTimeOffset? UpdatedAt { get; init; }

    public Outbox Outbox { get; init; } = Outbox.Empty;

    /// <summary>Whether its quantities count against what may still be returned: every return but a rejected one.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Counts => Status != ReturnStatus.Rejected;

    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasWork => !Outbox.IsEmpty || !Settled || (Status == ReturnStatus.Received && !StockMoved);
}

/// <summary>Returns, pure: what may come back, the decision, the receipt, and the stock it puts back.</summary>
public static class Returns
{
    /// <summary>Returns per order (each is copied into the order), rejected ones included.</summary>
    public const int MaxPerOrder = 50;

    /// <summary>A reason or a decision's comment, as the API documents it.</summary>
    public const int MaxText = 2000;

    /// <summary>A return of <paramref name="input"/>'s lines of <paramref name="order"/>: each line at most what was
    /// delivered of it less what other returns (not rejected) take, allocated to its delivered shipments oldest first;
    /// quantities in the line's sale unit (or base units), coming to at most 6 decimals of base units. Errors by field.</summary>
    public static GoodsReturn Request(Order order, ReturnInput input, Actor by, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(clock);
        var v = new Validation();
        var reason = v.RequiredText(input.Reason, "reason", MaxText);
        if (input.Lines is not { Count: > 0 } requested)
        {
            v.Add("lines", $"must list 1 to {Order.MaxLines} lines of the order to send back.");
            v.ThrowIfInvalid();
            return null!;
        }

        if (order.Returns.Count >= MaxPerOrder)
        {
            throw DomainException.Conflict($"Order {order.Number} has {order.Returns.Count} returns, the most an order takes; ask the supplier to handle the rest as a credit note.");
        }

        var delivered = order.Shipments.Where(s => s.Status == ShipmentStatus.Delivered).OrderBy(s => s.DeliveredAt).ToArray();
        if (delivered.Length == 0)
        {
            throw DomainException.Conflict($"Nothing of order {order.Number} was delivered yet: only delivered goods are returned.");
        }

        var taken = order.Returns.Where(r => r.Counts).SelectMany(r => r.Lines).GroupBy(l => (l.ShipmentId, l.OrderLine)).ToDictionary(g => g.Key, g => g.Sum(l => l.BaseQuantity));
        var lines = new List<ReturnLine>();
        var seen = new HashSet<int>();
        for (var i = 0; i < requested.Count; i++)
        {
            var path = $"lines[{i}]";
            var item = requested[i];
            if (item is null || item.Line < 0 || item.Line >= order.Lines.Count)
            {
                v.Add($"{path}.line", $"must be the index of one of the order's {order.Lines.Count} lines (0 to {order.Lines.Count - 1}).");
                continue;
            }

            if (!seen.Add(item.Line))
            {
                v.Add($"{path}.line", $"Line {item.Line} is listed twice; list it once with the whole quantity.");
                continue;
            }

            var line = order.Lines[item.Line];
            var quantity = item.InBaseUnits ? item.Quantity : item.Quantity * ShipmentPlan.Factor(line);
            if (item.Quantity <= 0 || !Limits.Fits(item.Quantity) || Quantities.Round(quantity) != quantity)
            {
                v.Add($"{path}.quantity", $"must be above zero, in {(item.InBaseUnits ? "base units" : line.Price.Unit)}, and come to a whole number of base units with at most {Quantities.MaxDecimals} decimals.");
                continue;
            }

            if (Quantities.Round(quantity / ShipmentPlan.Factor(line)) <= 0)
            {
                v.Add($"{path}.quantity", $"comes to less than a millionth of a {line.Price.Unit}; a credit note could not credit it.");
                continue;
            }

            var parts = new List<ReturnLine>();
            var left = quantity;
            foreach (var shipment in delivered)
            {
                var here = shipment.Lines.Where(l => l.OrderLine == item.Line).Sum(l => l.BaseQuantity) - taken.GetValueOrDefault((shipment.Id, item.Line));
                var part = Math.Min(left, here);
                if (part > 0)
                {
                    parts.Add(new ReturnLine(item.Line, line.Price.Sku, line.Price.Unit, part, shipment.Id, shipment.WarehouseId));
                    left -= part;
                }
            }

            if (left > 0)
            {
                var returnable = quantity - left;
                v.Add($"{path}.quantity", string.Create(CultureInfo.InvariantCulture,
                    $"Line {item.Line} ({line.Name}): {InUnit(returnable, line)} delivered can still be returned, not {InUnit(quantity, line)}."));
                continue;
            }

            lines.AddRange(parts);
        }

        v.ThrowIfInvalid();
        var now = clock.GetUtcNow();
        return new GoodsReturn
        {
            Id = Ids.New(clock),
            SupplierId = order.SupplierId,
            BuyerId = order.BuyerId,
            OrderId = order.Id,
            OrderNumber = order.Number,
            Lines = lines,
            Reason = reason!,
            Status = ReturnStatus.Requested,
            RequestedBy = by,
            RequestedAt = now,
            UpdatedAt = now,
        };
    }

    /// <summary>The supplier's answer to a requested return; a rejection says why.</summary>
    public static GoodsReturn Decide(GoodsReturn request, bool approve, string? comment, Actor by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Status != ReturnStatus.Requested)
        {
            throw DomainException.MoveNotAllowed($"Return {request.Id}", Name(request.Status), Next(request.Status), Name(approve ? ReturnStatus.Approved : ReturnStatus.Rejected));
        }

        var v = new Validation();
        var text = v.OptionalText(comment, "comment", MaxText);
        v.Check(approve || text is not null, "comment", "is required when rejecting: say why, for the buyer.");
        v.ThrowIfInvalid();
        return request with { Status = approve ? ReturnStatus.Approved : ReturnStatus.Rejected, DecidedBy = by, DecidedAt = at, DecisionComment = text, UpdatedAt = at };
    }

    /// <summary>The goods of an approved return as they arrived: the condition of every line.</summary>
    public static GoodsReturn Receive(GoodsReturn request, ReturnReceipt receipt, Actor by, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(receipt);
        if (request.Status != ReturnStatus.Approved)
        {
            throw DomainException.MoveNotAllowed($"Return {request.Id}", Name(request.Status), Next(request.Status), Name(ReturnStatus.Received));
        }

        var v = new Validation();
        var conditions = new Dictionary<int, GoodsCondition>();
        var given = receipt.Lines ?? [];
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is not { } line || line.Line < 0 || line.Line >= request.Lines.Count)
            {
                v.Add($"lines[{i}].line", $"must be the index of one of the return's {request.Lines.Count} lines (0 to {request.Lines.Count - 1}).");
            }
            else if (line.Condition is null)
            {
                v.Add($"lines[{i}].condition", "is required: resellable or damaged.");
            }
            else if (!conditions.TryAdd(line.Line, line.Condition.Value))
            {
                v.Add($"lines[{i}].line", $"Return line {line.Line} is listed twice.");
            }
        }

        v.Check(!v.IsValid || conditions.Count == request.Lines.Count, "lines", $"must give the condition of each of the return's {request.Lines.Count} lines.");
        v.ThrowIfInvalid();
        return request with
        {
            Status = ReturnStatus.Received,
            Lines = request.Lines.Select((l, i) => l with { Condition = conditions[i] }).ToArray(),
            ReceivedBy = by,
            ReceivedAt = at,
            UpdatedAt = at,
        };
    }

    /// <summary>The product once <paramref name="received"/>'s resellable goods of it are back on hand in the warehouses
    /// they left from, once per return (<see cref="WarehouseStock.Moves"/>); a warehouse record removed since is left alone.
    /// Goods put back are a receipt (<see cref="WarehouseStock.LastReceiptAt"/>): they are on the shelf again from then.</summary>
    public static Product Restock(GoodsReturn received, Product product)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(product);
        var back = received.Lines.Where(l => l.Sku == product.Sku && l.Condition == GoodsCondition.Resellable).GroupBy(l => l.WarehouseId).ToArray();
        var stocks = product.Stock.ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        var changed = false;
        foreach (var place in back)
        {
            if (stocks.GetValueOrDefault(place.Key) is { } stock && !stock.HasMoved(received.Id))
            {
                var at = received.ReceivedAt ?? received.UpdatedAt ?? received.RequestedAt;
                stocks[place.Key] = (stock with
                {
                    OnHand = stock.OnHand + place.Sum(l => l.BaseQuantity),
                    LastReceiptAt = stock.LastReceiptAt is { } before && before > at ? before : at,
                }).Remember(received.Id);
                changed = true;
            }
        }

        return changed ? product with { Stock = stocks } : product;
    }

    public static string Name(ReturnStatus status) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.ToString());

    private static string[] Next(ReturnStatus status) => status switch
    {
        ReturnStatus.Requested => [Name(ReturnStatus.Approved), Name(ReturnStatus.Rejected)],
        ReturnStatus.Approved => [Name(ReturnStatus.Received)],
        _ => [],
    };

    private static string InUnit(decimal baseQuantity, OrderLine line) =>
        string.Create(CultureInfo.InvariantCulture, $"{Quantities.Round(baseQuantity / ShipmentPlan.Factor(line))} {line.Price.Unit}");
}
