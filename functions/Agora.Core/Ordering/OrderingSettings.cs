using Agora.Core.Common;

namespace Agora.Core.Ordering;

/// <summary>What a supplier does when an order asks for more than is available.</summary>
public enum BackorderPolicy
{
    /// <summary>The line is refused at checkout, naming what is available.</summary>
    Refuse,

    /// <summary>What is available is held; the rest is backordered.</summary>
    Allow,

    /// <summary>As <see cref="Allow"/> for orders placed up to <see cref="OrderingSettings.BackordersUntil"/> (a confirmed
    /// restock, a season); refused after it.</summary>
    AllowUntil,
}

/// <summary>A supplier's ordering policy.</summary>
/// <param name="PendingHoldHours">How long an order waiting for approval holds its stock: past it, the order is cancelled and
/// the stock released (1 to 720 hours).</param>
/// <param name="NegotiationMarginPercent">How far below the pricing engine's price a sales manager may propose in a
/// negotiated quote before a pricing manager must approve the proposal (0 to 100).</param>
/// <param name="QuoteValidityDays">A proposal's validity when the sales manager names none (1 to 365).</param>
public sealed record OrderingSettings(BackorderPolicy Backorders, DateOnly? BackordersUntil, int PendingHoldHours, decimal NegotiationMarginPercent, int QuoteValidityDays)
{
    public static readonly OrderingSettings Default = new(BackorderPolicy.Refuse, null, 72, 10, 30);

    /// <summary>Whether an order placed on <paramref name="today"/> may backorder.</summary>
    public bool AllowsBackorders(DateOnly today) => Backorders switch
    {
        BackorderPolicy.Allow => true,
        BackorderPolicy.AllowUntil => BackordersUntil is { } until && today <= until,
        _ => false,
    };
}

public sealed record OrderingSettingsInput(BackorderPolicy? Backorders, DateOnly? BackordersUntil, int? PendingHoldHours, decimal? NegotiationMarginPercent, int? QuoteValidityDays);

internal static class OrderingValidation
{
    public static OrderingSettings Settings(OrderingSettingsInput input)
    {
        var v = new Validation();
        var policy = input.Backorders ?? BackorderPolicy.Refuse;
        v.Check(policy != BackorderPolicy.AllowUntil || input.BackordersUntil is not null, "backordersUntil", "is required with allowUntil: the last day orders may backorder.");
        v.Check(policy == BackorderPolicy.AllowUntil || input.BackordersUntil is null, "backordersUntil", "is only for allowUntil.");
        v.Check(input.PendingHoldHours is null or (>= 1 and <= 720), "pendingHoldHours", "must be from 1 to 720 hours.");
        v.Check(input.NegotiationMarginPercent is null or (>= 0 and <= 100), "negotiationMarginPercent", "must be from 0 to 100.");
        v.Check(input.QuoteValidityDays is null or (>= 1 and <= 365), "quoteValidityDays", "must be from 1 to 365 days.");
        v.ThrowIfInvalid();
        var d = OrderingSettings.Default;
        return new OrderingSettings(policy, input.BackordersUntil, input.PendingHoldHours ?? d.PendingHoldHours, input.NegotiationMarginPercent ?? d.NegotiationMarginPercent,
            input.QuoteValidityDays ?? d.QuoteValidityDays);
    }

    public static Address Address(string id, AddressInput input)
    {
        var v = new Validation();
        v.Check(Ids.IsWellFormed(id), "id", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        var country = v.RequiredText(input.Country, "country", 2)?.ToUpperInvariant();
        v.Check(country is null || (country.Length == 2 && country.All(char.IsAsciiLetterUpper)), "country", "must be an ISO 3166-1 alpha-2 code such as BR.");
        var address = new Address(
            id,
            v.RequiredText(input.Label, "label", 100) ?? string.Empty,
            v.RequiredText(input.Recipient, "recipient", 200) ?? string.Empty,
            v.RequiredText(input.Line1, "line1", 200) ?? string.Empty,
            v.OptionalText(input.Line2, "line2", 200),
            v.RequiredText(input.City, "city", 100) ?? string.Empty,
            v.OptionalText(input.Region, "region", 100),
            v.RequiredText(input.PostalCode, "postalCode", 20) ?? string.Empty,
            country ?? string.Empty,
            v.OptionalText(input.Phone, "phone", 40));
        v.ThrowIfInvalid();
        return address;
    }
}
