using Agora.Core.Catalog;

namespace Agora.Core.Pricing;

public enum AudienceKind
{
    /// <summary>Every customer of the supplier.</summary>
    All,

    /// <summary>The customers of one customer category.</summary>
    Category,

    /// <summary>One customer account (a buyer organization).</summary>
    Customer,
}

/// <summary>Whom a price list or rule is for. More specific audiences win when lists compete.</summary>
public sealed record Audience(AudienceKind Kind, string? Key = null)
{
    public static readonly Audience All = new(AudienceKind.All);

    public bool Includes(PricingCustomer customer) => Kind switch
    {
        AudienceKind.All => true,
        AudienceKind.Category => string.Equals(Key, customer.Category, StringComparison.Ordinal),
        _ => string.Equals(Key, customer.BuyerId, StringComparison.Ordinal),
    };

    /// <summary>customer &gt; category &gt; all.</summary>
    public int Specificity => (int)Kind;

    /// <summary>A single value stores index rules by, so a quote reads the rules of one customer in one query.</summary>
    public string Tag => Kind switch
    {
        AudienceKind.All => "all",
        AudienceKind.Category => $"category:{Key}",
        _ => $"customer:{Key}",
    };

    public override string ToString() => Kind switch
    {
        AudienceKind.All => "all customers",
        AudienceKind.Category => $"customer category '{Key}'",
        _ => $"customer '{Key}'",
    };
}

/// <summary>The buyer a quote is for, as its customer account at the supplier says.</summary>
public sealed record PricingCustomer(string BuyerId, string Category, string Currency);

/// <summary>Something that is valid from/to a time (inclusive start, exclusive end).</summary>
public interface IDated
{
    DateTimeOffset? ValidFrom { get; }

    DateTimeOffset? ValidTo { get; }
}

public static class Dated
{
    public static bool IsValidAt(this IDated item, DateTimeOffset now) =>
        (item.ValidFrom is null || item.ValidFrom <= now) && (item.ValidTo is null || now < item.ValidTo);
}

/// <summary>A price list: prices per SKU and sale unit with volume tiers (its <see cref="PriceEntry"/>s), for an audience,
/// in one currency, valid in a window. <see cref="Priority"/> breaks ties between lists of the same audience.</summary>
public sealed record PriceList(string Id, string Name, Audience Audience, string Currency, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, int Priority, bool Active = true) : IDated
{
    /// <summary>The list entries belong to when no list document names them: the general list, always valid.</summary>
    public static PriceList ImplicitBase(string currency) => new(PriceEntry.BaseList, "General price list", Audience.All, currency, null, null, 0);
}

/// <summary>How lists compete for a line, per supplier.</summary>
public enum ListResolution
{
    /// <summary>The most specific valid list with a price wins: customer, then category, then general; priority breaks ties.</summary>
    MostSpecific,

    /// <summary>The lowest price among the valid lists for the customer wins (after currency conversion).</summary>
    LowestPrice,
}

/// <summary>Units of <see cref="To"/> for one unit of <see cref="From"/>.</summary>
public sealed record ExchangeRate(string From, string To, decimal Rate);

/// <summary>A supplier's pricing policy.</summary>
public sealed record PricingSettings(ListResolution Resolution, decimal MaxTotalDiscountPercent, IReadOnlyList<ExchangeRate> ExchangeRates)
{
    public static readonly PricingSettings Default = new(ListResolution.MostSpecific, 100, []);
}

public enum Stacking
{
    /// <summary>Applies together with the other combinable rules.</summary>
    Combinable,

    /// <summary>When it applies, no other line rule does; between exclusives the highest priority wins.</summary>
    Exclusive,
}

/// <summary>A standing discount rate for an audience on some products (all when <see cref="Products"/> is empty).</summary>
public sealed record DiscountRule(string Id, string Name, Audience Audience, ProductSet Products, decimal Percent, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, int Priority, Stacking Stacking) : IDated;

/// <summary>An order-level discount from an order value or quantity (in base units) on; the best one reached applies.
/// <see cref="MinOrderValue"/> is in <see cref="Currency"/>, converted to the quote's currency by the supplier's rates (no
/// rate: the discount does not apply, and the quote says why). A null currency (documents written before rules had one)
/// is the supplier's default currency.</summary>
public sealed record VolumeDiscount(string Id, string Name, Audience Audience, decimal? MinOrderValue, decimal? MinOrderQuantity, decimal Percent, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo,
    string? Currency = null) : IDated;

public enum RewardKind
{
    PercentOff,

    /// <summary>An amount off each sale unit, in the promotion's currency.</summary>
    AmountOff,

    /// <summary>A price per base unit, whatever the list says (always exclusive).</summary>
    FixedPrice,

    /// <summary>For every <see cref="Reward.BuyQuantity"/> base units bought, <see cref="Reward.BonusQuantity"/> units of <see cref="Reward.BonusSku"/> free.</summary>
    BonusProduct,

    /// <summary>One base unit of each of <see cref="Reward.BundleSkus"/> together for <see cref="Reward.BundlePrice"/>.</summary>
    BundlePrice,
}

public sealed record Reward(
    RewardKind Kind,
    decimal? Percent = null,
    decimal? Amount = null,
    decimal? FixedPrice = null,
    string? BonusSku = null,
    decimal? BuyQuantity = null,
    decimal? BonusQuantity = null,
    IReadOnlyList<string>? BundleSkus = null,
    decimal? BundlePrice = null);

/// <summary>A promotion: for whom, on which products, on what condition, with what reward and how it stacks.
/// <see cref="Clearance"/> marks promotions that clear slow-moving stock (reported as such). Its money values
/// (<see cref="MinValue"/>, the reward's amount, fixed price and bundle price) are in <see cref="Currency"/>, converted to
/// the quote's currency by the supplier's rates (no rate: the promotion does not apply, and the quote says why). A null
/// currency (documents written before promotions had one) is the supplier's default currency. <see cref="CouponSalt"/> is
/// the secret its customers' personal coupons are made with (<see cref="PersonalCoupons"/>), drawn at its first save.</summary>
public sealed record Promotion(
    string Id,
    string Name,
    IReadOnlyList<Audience> Audiences,
    ProductSet Products,
    decimal? MinQuantity,
    decimal? MinValue,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidTo,
    int? UsageLimitPerCustomer,
    string? CouponCode,
    Reward Reward,
    Stacking Stacking,
    int Priority,
    bool Clearance = false,
    string? Currency = null,
    string? CouponSalt = null) : IDated;

/// <summary>How much of a product a customer may order, in <see cref="Unit"/>: at least <see cref="Min"/>, in multiples of
/// <see cref="Multiple"/>, at most <see cref="Max"/>. The most specific rule for the product applies.</summary>
public sealed record QuantityRule(string Id, Audience Audience, ProductSet Products, string Unit, decimal? Min, decimal? Multiple, decimal? Max);

/// <summary>Everything that prices one customer's cart at one supplier: the relevant lists and their entries for the
/// cart's SKUs, the rules, the products, and how many times the customer used each promotion.
/// <see cref="SupplierCurrency"/> is the supplier's default currency, the currency of the money-valued rules that name
/// none (stored before rules had one); without it such rules do not apply.</summary>
public sealed record PricingBook(
    PricingSettings Settings,
    IReadOnlyList<PriceList> Lists,
    IReadOnlyList<PriceEntry> Entries,
    IReadOnlyList<DiscountRule> Discounts,
    IReadOnlyList<VolumeDiscount> VolumeDiscounts,
    IReadOnlyList<Promotion> Promotions,
    IReadOnlyList<QuantityRule> QuantityRules,
    IReadOnlyDictionary<string, Product> Products,
    IReadOnlyDictionary<string, int> PromotionUses,
    string? SupplierCurrency = null);

public sealed record CartLine(string? Sku, string? Unit, decimal? Quantity);

public sealed record QuoteRequest(IReadOnlyList<CartLine>? Lines, IReadOnlyList<string>? CouponCodes);
