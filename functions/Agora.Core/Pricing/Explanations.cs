using System.Globalization;
using Agora.Core.Catalog;

namespace Agora.Core.Pricing;

/// <summary>The sentences a quote explains itself with: every adjustment's description, the issues and the hints.
/// Numbers are written invariantly with up to 6 decimals.</summary>
internal static class Explanations
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Num(decimal value) => value.ToString("0.######", Inv);

    public static string NotInCatalog(string sku) => $"{sku} is not in this supplier's catalog for you.";

    public static string NotSoldIn(string sku, string unit, Product product) =>
        $"{sku} is not sold in {unit}; it is sold in {string.Join(", ", product.SaleUnits.Select(u => u.Code))}.";

    public static string PriceOnRequest(string sku, bool hasEntries, string currency) => hasEntries
        ? $"No price for {sku} converts to {currency}: ask the supplier for a quote."
        : $"{sku} has no price for you: ask the supplier for a quote.";

    public static string NextTier(decimal more, string entryUnit, string sku, decimal nextPrice, string currency, string unit, decimal less) =>
        $"Add {Num(more)} {entryUnit} of {sku} to reach the next tier: {Num(nextPrice)} {currency} per {unit} ({Num(decimal.Round(less, 1))}% less).";

    public static string Discount(DiscountRule d) => $"{d.Name}: {Num(d.Percent)}% for {d.Audience}";

    public static string Label(Promotion p) => p.Clearance ? $"{p.Name} (clearance)" : p.Name;

    public static string PercentOff(string label, decimal percent) => $"{label}: {Num(percent)}% off";

    public static string AmountOff(string label, decimal amount, string currency, string unit, string? note) => $"{label}: {Num(amount)} {currency} off per {unit}{note}";

    public static string FixedPrice(string label, decimal price, string currency, string baseUnit, string? note) => $"{label}: {Num(price)} {currency} per {baseUnit}{note}";

    public static string Bundle(Promotion p, decimal price, string currency, string? note, decimal bundles) =>
        $"{Label(p)}: {string.Join(" + ", p.Reward.BundleSkus!)} for {Num(price)} {currency}{note} ({Num(bundles)}×)";

    public static string Volume(VolumeDiscount v, string threshold) => $"{v.Name}: {Num(v.Percent)}% on orders {threshold}";

    public static string Threshold(VolumeDiscount v, string currency, string? note) =>
        v.MinOrderValue is { } value ? $"from {Num(value)} {currency}{note}" : $"from {Num(v.MinOrderQuantity ?? 0)} units";

    /// <summary>How a rule's amount was converted: " (20 BRL at 0.1841)".</summary>
    public static string Converted(decimal amount, string from, decimal rate) => $" ({Num(amount)} {from} at {Num(rate)})";

    /// <summary>Why a rule in another currency does not apply to the quote.</summary>
    public static string NotConverted(string rule, string? from, string quote) => from is null
        ? $"{rule} does not apply: it names no currency and the supplier's default currency is unknown."
        : $"{rule} does not apply: it is in {from}, and the supplier has no exchange rate from {from} to {quote}.";

    public static string NextVolume(decimal missing, string currency, VolumeDiscount next) =>
        $"Add {Num(missing)} {currency} to your order to get {Num(next.Percent)}% off ({next.Name}).";

    public static string Cap(decimal cap) => $"The supplier's discounts stop at {Num(cap)}% off the list price.";

    public static string Bonus(Promotion p, Product bonus, string boughtUnit, string sku) =>
        $"{p.Name}: {Num(p.Reward.BonusQuantity!.Value)} {bonus.BaseUnit} of {bonus.Sku} free for every {Num(p.Reward.BuyQuantity!.Value)} {boughtUnit} of {sku}";
}
