namespace Agora.Core.Pricing;

public enum LineStatus
{
    Priced,

    /// <summary>No list gives this customer a price in its currency, nor one that converts: ask the supplier.</summary>
    PriceOnRequest,

    /// <summary>Not sold to this customer: unknown, discontinued, outside the assortment, or not in that unit.</summary>
    Unavailable,

    /// <summary>Free goods a promotion adds.</summary>
    Bonus,
}

/// <summary>Where a line's list price came from: the list, the tier, the entry's unit and currency, and the conversions.</summary>
public sealed record PriceSource(string ListId, string ListName, string Audience, decimal TierMinQuantity, string EntryUnit, decimal EntryPrice, string EntryCurrency, decimal? ExchangeRate);

/// <summary>One change to a line's unit price, in the quote's currency per sale unit (positive = cheaper).</summary>
public sealed record Adjustment(string Kind, string RuleId, string Description, decimal AmountPerUnit);

public sealed record QuoteLine(
    int Line,
    string Sku,
    string Unit,
    decimal Quantity,
    LineStatus Status,
    PriceSource? Source,
    decimal? ListUnitPrice,
    IReadOnlyList<Adjustment> Adjustments,
    decimal? NetUnitPrice,
    decimal ListTotal,
    decimal LineTotal,
    IReadOnlyList<string> Issues,
    IReadOnlyList<string> Hints);

/// <summary>A priced cart: every line explained, totals that are the sum of the rounded lines.</summary>
public sealed record Quote(
    string SupplierId,
    string BuyerId,
    string Currency,
    IReadOnlyList<QuoteLine> Lines,
    decimal ListTotal,
    decimal DiscountTotal,
    decimal Total,
    IReadOnlyList<string> Hints,
    DateTimeOffset PricedAt);
