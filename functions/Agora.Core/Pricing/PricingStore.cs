using Agora.Core.Common;

namespace Agora.Core.Pricing;

public enum PricingRuleKind
{
    Lists,
    Discounts,
    VolumeDiscounts,
    Promotions,
    QuantityRules,
}

/// <summary>One stored pricing rule of any kind (exactly one property set), with the audiences it is for.</summary>
public sealed record PricingRule(PriceList? List = null, DiscountRule? Discount = null, VolumeDiscount? Volume = null, Promotion? Promotion = null, QuantityRule? Quantity = null)
{
    public PricingRuleKind Kind =>
        List is not null ? PricingRuleKind.Lists
        : Discount is not null ? PricingRuleKind.Discounts
        : Volume is not null ? PricingRuleKind.VolumeDiscounts
        : Promotion is not null ? PricingRuleKind.Promotions
        : PricingRuleKind.QuantityRules;

    public string Id => List?.Id ?? Discount?.Id ?? Volume?.Id ?? Promotion?.Id ?? Quantity!.Id;

    public IReadOnlyList<Audience> Audiences =>
        Promotion?.Audiences ?? [List?.Audience ?? Discount?.Audience ?? Volume?.Audience ?? Quantity!.Audience];
}

/// <summary>A customer's rules and the supplier's settings, as one read brings them.</summary>
public sealed record PricingRules(PricingSettings Settings, IReadOnlyList<PricingRule> Rules);

public interface IPricingStore
{
    /// <summary>The settings and every rule for any of <paramref name="audiences"/>, in one read.</summary>
    Task<PricingRules> LoadAsync(string supplierId, IReadOnlyList<Audience> audiences, CancellationToken cancellationToken);

    Task<IReadOnlyList<PricingRule>> ListAsync(string supplierId, PricingRuleKind kind, CancellationToken cancellationToken);

    Task<PricingRule?> FindAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken);

    Task SaveAsync(string supplierId, PricingRule rule, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken);

    Task<PricingSettings> SettingsAsync(string supplierId, CancellationToken cancellationToken);

    Task SaveSettingsAsync(string supplierId, PricingSettings settings, CancellationToken cancellationToken);

    /// <summary>How many times the buyer used each promotion (written when orders are placed).</summary>
    Task<IReadOnlyDictionary<string, int>> PromotionUsesAsync(string supplierId, string buyerId, CancellationToken cancellationToken);

    /// <summary>The entries of <paramref name="listIds"/> for <paramref name="skus"/>, in one query.</summary>
    Task<IReadOnlyList<PriceEntry>> EntriesAsync(string supplierId, IReadOnlyCollection<string> listIds, IReadOnlyCollection<string> skus, CancellationToken cancellationToken);
}
