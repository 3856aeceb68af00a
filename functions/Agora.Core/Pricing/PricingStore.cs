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

    Task<Versioned<PricingRule>?> FindAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken);

    /// <summary>Creates the rule when <paramref name="ifMatch"/> is null (Conflict when one exists by then), else replaces the
    /// version it names (PreconditionFailed when stale).</summary>
    Task<Versioned<PricingRule>> SaveAsync(string supplierId, PricingRule rule, string? ifMatch, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken);

    /// <summary>The settings with their version; the defaults, not stored, when none were set.</summary>
    Task<Versioned<PricingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken);

    /// <summary>As <see cref="SaveAsync"/>: creates with a null <paramref name="ifMatch"/>, else replaces that version.</summary>
    Task<Versioned<PricingSettings>> SaveSettingsAsync(string supplierId, PricingSettings settings, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>How many times the buyer used each promotion (written when orders are placed).</summary>
    Task<IReadOnlyDictionary<string, int>> PromotionUsesAsync(string supplierId, string buyerId, CancellationToken cancellationToken);

    /// <summary>The entries of <paramref name="listIds"/> for <paramref name="skus"/>, in one query.</summary>
    Task<IReadOnlyList<PriceEntry>> EntriesAsync(string supplierId, IReadOnlyCollection<string> listIds, IReadOnlyCollection<string> skus, CancellationToken cancellationToken);
}
