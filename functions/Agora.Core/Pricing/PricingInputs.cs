using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

// What pricing managers send. Audiences are written "all", "category:<category>" or "customer:<buyerId>".

public sealed record PriceListInput(string? Name, string? Audience, string? Currency, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, int? Priority, bool? Active);

public sealed record DiscountRuleInput(string? Name, string? Audience, ProductSetInput? Products, decimal? Percent, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo, int? Priority, Stacking? Stacking);

/// <summary><see cref="Currency"/> is the currency of <see cref="MinOrderValue"/>: the supplier's default currency when absent.</summary>
public sealed record VolumeDiscountInput(string? Name, string? Audience, decimal? MinOrderValue, decimal? MinOrderQuantity, decimal? Percent, DateTimeOffset? ValidFrom, DateTimeOffset? ValidTo,
    string? Currency = null);

/// <summary><see cref="Currency"/> is the currency of <see cref="MinValue"/> and of the reward's amounts: the supplier's
/// default currency when absent.</summary>
public sealed record PromotionInput(
    string? Name,
    IReadOnlyList<string>? Audiences,
    ProductSetInput? Products,
    decimal? MinQuantity,
    decimal? MinValue,
    DateTimeOffset? ValidFrom,
    DateTimeOffset? ValidTo,
    int? UsageLimitPerCustomer,
    string? CouponCode,
    Reward? Reward,
    Stacking? Stacking,
    int? Priority,
    bool? Clearance,
    string? Currency = null);

public sealed record QuantityRuleInput(string? Audience, ProductSetInput? Products, string? Unit, decimal? Min, decimal? Multiple, decimal? Max);

public sealed record PricingSettingsInput(ListResolution? Resolution, decimal? MaxTotalDiscountPercent, IReadOnlyList<ExchangeRate>? ExchangeRates);

/// <summary>Validation of the pricing inputs (pure).</summary>
internal static class PricingValidation
{
    public static Audience Audience(Validation v, string? text, string field)
    {
        var value = text?.Trim() ?? "all";
        if (value == "all")
        {
            return Pricing.Audience.All;
        }

        var parts = value.Split(':', 2);
        var kind = parts[0] switch { "category" => AudienceKind.Category, "customer" => AudienceKind.Customer, _ => (AudienceKind?)null };
        if (kind is null || parts.Length != 2 || !Ids.IsWellFormed(parts[1]))
        {
            v.Add(field, "must be \"all\", \"category:<category>\" or \"customer:<buyerId>\".");
            return Pricing.Audience.All;
        }

        return new Audience(kind.Value, parts[1].ToLowerInvariant());
    }

    public static ProductSet Products(Validation v, ProductSetInput? input, string field) =>
        input is null ? ProductSet.None : AssortmentRules.Validate(new AssortmentRuleInput(input, null), field).Include;

    public static decimal? Percent(Validation v, decimal? value, string field, bool required)
    {
        if (value is null)
        {
            v.Check(!required, field, "is required.");
            return null;
        }

        v.Check(value is > 0 and <= 100, field, "must be more than 0 and at most 100.");
        return value;
    }

    public static decimal? NonNegative(Validation v, decimal? value, string field)
    {
        v.Check(value is null or >= 0, field, "cannot be negative.");
        return value;
    }

    public const int MaxPriority = 1000;

    /// <summary>Ties between rules of one audience: from -1,000 to 1,000, higher first; 0 when absent.</summary>
    public static int Priority(Validation v, int? priority)
    {
        v.Check(priority is null or (>= -MaxPriority and <= MaxPriority), "priority", $"must be a whole number from -{MaxPriority} to {MaxPriority}.");
        return priority ?? 0;
    }

    public static void Window(Validation v, DateTimeOffset? from, DateTimeOffset? to) =>
        v.Check(from is null || to is null || from < to, "validTo", "must be after validFrom.");

    public static string Name(Validation v, string? name) => v.RequiredText(name, "name", 200) ?? string.Empty;

    /// <summary>An ISO 4217 code in upper case; <paramref name="supplierDefault"/> (the supplier organization's default
    /// currency) when <paramref name="text"/> is absent.</summary>
    public static string Currency(Validation v, string? text, string supplierDefault, string field)
    {
        var code = string.IsNullOrWhiteSpace(text) ? supplierDefault : text.Trim().ToUpperInvariant();
        v.Check(Common.Currency.IsKnown(code), field, "must be an ISO 4217 currency such as BRL or USD.");
        return code;
    }
}
