using System.Security.Cryptography;
using System.Text;
using Agora.Core.Pricing;

namespace Agora.Core.Ordering;

public enum CartKind
{
    /// <summary>The buyer member's cart at one supplier: one each, what checkout orders.</summary>
    Cart,

    /// <summary>A named list (a saved cart, a recurring order): any number, private or shared with colleagues.</summary>
    List,
}

public enum ListVisibility
{
    Private,

    /// <summary>Every member of the buyer organization reads it and copies it into their cart; its owner and the buyer's
    /// admins change it.</summary>
    Shared,
}

/// <summary>One line: a product in one of its sale units. <see cref="LineId"/> stays the same while the line exists, so a
/// client changes "this line" even when other lines were added or removed meanwhile.</summary>
public sealed record CartItem(string LineId, string Sku, string Unit, decimal Quantity, DateTimeOffset AddedAt);

/// <summary>A cart or a named list of one buyer member at one supplier. Persisted as one document of its own; its
/// <see cref="LastActivityAt"/> tells marketing which carts were abandoned.</summary>
public sealed record Cart : ISalesDocument
{
    public const int MaxLines = PricingEngine.MaxLines;

    public required string Id { get; init; }

    public string Kind => "cart";

    public required CartKind Type { get; init; }

    public required string BuyerId { get; init; }

    public required string SupplierId { get; init; }

    public required string OwnerId { get; init; }

    public string? OwnerName { get; init; }

    public string? OwnerEmail { get; init; }

    /// <summary>A list's name; null for the cart.</summary>
    public string? Name { get; init; }

    public ListVisibility Visibility { get; init; } = ListVisibility.Private;

    public required IReadOnlyList<CartItem> Lines { get; init; }

    public IReadOnlyList<string> CouponCodes { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The last change by its owner (reading it is no activity).</summary>
    public required DateTimeOffset LastActivityAt { get; init; }

    public Outbox Outbox { get; init; } = Outbox.Empty;

    public string Subject => $"cart:{Id}";

    /// <summary>The version a client names in If-Match to change a list: its content, not the store's ETag, which the
    /// sales queue changes when it hands the outbox on.</summary>
    public string ContentVersion => Common.Versions.OfContent(new { Name, Visibility, Lines, CouponCodes });

    /// <summary>The id of a member's cart at a supplier: derived from the three, so finding it is one point read and two
    /// requests that create it at once create one.</summary>
    public static string CartIdOf(string buyerId, string supplierId, string userId) =>
        "cart-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{buyerId}\n{supplierId}\n{userId}")))[..40];
}

public sealed record CartSummary(
    string Id,
    string BuyerId,
    string SupplierId,
    string OwnerId,
    string? OwnerName,
    CartKind Type,
    string? Name,
    ListVisibility Visibility,
    int LineCount,
    DateTimeOffset LastActivityAt)
{
    public static CartSummary Of(Cart c) => new(c.Id, c.BuyerId, c.SupplierId, c.OwnerId, c.OwnerName, c.Type, c.Name, c.Visibility, c.Lines.Count, c.LastActivityAt);
}

/// <summary>A cart line as the buyer sees it: its explained price and every problem with it, in words.</summary>
/// <param name="Available">What the supplier can deliver from stock now, in the line's unit (over all warehouses, less what
/// other lines of the same product take first).</param>
/// <param name="Problems">What stops checkout (not sold, no price, a quantity rule, not enough stock under the supplier's
/// backorder policy).</param>
/// <param name="Notes">What checkout will do that the buyer should know (a backorder).</param>
public sealed record CartLineView(string LineId, string Sku, string Unit, decimal Quantity, string? Name, QuoteLine? Price, decimal? Available,
    IReadOnlyList<string> Problems, IReadOnlyList<string> Notes);

/// <summary>A priced cart or list. <see cref="CanCheckOut"/> is true when no line has a problem.</summary>
public sealed record CartView(
    string Id,
    CartKind Type,
    string BuyerId,
    string SupplierId,
    string OwnerId,
    string? OwnerName,
    string? Name,
    ListVisibility Visibility,
    string Currency,
    IReadOnlyList<CartLineView> Lines,
    IReadOnlyList<QuoteLine> BonusLines,
    decimal ListTotal,
    decimal DiscountTotal,
    decimal Total,
    IReadOnlyList<string> Hints,
    IReadOnlyList<string> CouponCodes,
    bool CanCheckOut,
    DateTimeOffset LastActivityAt,
    DateTimeOffset PricedAt)
{
    /// <summary>Lines a change refused (an unknown SKU, a product not sold to this buyer), with the reason.</summary>
    public IReadOnlyList<RejectedLine> Rejected { get; init; } = [];
}

public sealed record RejectedLine(int? Row, string? Sku, string Reason);

// What buyers send.

public sealed record CartLineInput(string? Sku, string? Unit, decimal? Quantity);

public sealed record AddCartLines(IReadOnlyList<CartLineInput>? Lines);

public sealed record ChangeCartLine(string? Unit, decimal? Quantity);

public sealed record CartCoupons([property: Common.MaxItems(10)] IReadOnlyList<string>? CouponCodes);

public sealed record Reorder(string? OrderId);

public sealed record CreateList(string? Name, ListVisibility? Visibility, bool? FromCart, IReadOnlyList<CartLineInput>? Lines);

public sealed record ChangeList(string? Name, ListVisibility? Visibility, IReadOnlyList<CartLineInput>? Lines);
