using System.Security.Cryptography;
using System.Text;
using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Marketing;

/// <summary>A supplier's clearance policy (issue 13, decision 0021b): from how many days idle stock is slow, the discount
/// proposed at that age and the most it grows to (at three times the age), how long an accepted promotion runs, and
/// whether slow stock is offered in a bundle with what it sells with.</summary>
public sealed record ClearanceSettings(int AgeDays, decimal BaseDiscountPercent, decimal MaxDiscountPercent, int ValidityDays, bool Bundle)
{
    public const int MaxAgeDays = 3650;
    public const decimal MaxPercent = 90;
    public const int MaxValidityDays = 365;

    /// <summary>What a supplier that never saved settings is shown: a quarter without a sale is slow, 10% growing to 30%,
    /// for 30 days, bundles on. Such a supplier gets no proposals until it saves settings (the nightly run only visits
    /// suppliers that did).</summary>
    public static readonly ClearanceSettings Default = new(90, 10, 30, 30, true);

    /// <summary>Checks <paramref name="input"/>; a field left out keeps its default.</summary>
    public static ClearanceSettings From(ClearanceSettingsInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var v = new Validation();
        var age = input.AgeDays ?? Default.AgeDays;
        var low = input.BaseDiscountPercent ?? Default.BaseDiscountPercent;
        var high = input.MaxDiscountPercent ?? Math.Max(low, Default.MaxDiscountPercent);
        var validity = input.ValidityDays ?? Default.ValidityDays;
        v.Check(age is >= 1 and <= MaxAgeDays, "ageDays", $"must be from 1 to {MaxAgeDays} days.");
        v.Check(low is > 0 and <= MaxPercent && decimal.Round(low, 1) == low, "baseDiscountPercent", $"must be more than 0 and at most {MaxPercent}, with at most one decimal.");
        v.Check(high is > 0 and <= MaxPercent && decimal.Round(high, 1) == high, "maxDiscountPercent", $"must be more than 0 and at most {MaxPercent}, with at most one decimal.");
        v.Check(!v.IsValid || high >= low, "maxDiscountPercent", "must be at least baseDiscountPercent.");
        v.Check(validity is >= 1 and <= MaxValidityDays, "validityDays", $"must be from 1 to {MaxValidityDays} days.");
        v.ThrowIfInvalid();
        return new ClearanceSettings(age, low, high, validity, input.Bundle ?? Default.Bundle);
    }
}

public sealed record ClearanceSettingsInput(int? AgeDays, decimal? BaseDiscountPercent, decimal? MaxDiscountPercent, int? ValidityDays, bool? Bundle);

public enum ClearanceStatus
{
    /// <summary>Waiting for a pricing manager.</summary>
    Open,

    /// <summary>Accepted: its promotion runs until <see cref="ProposedClearance.QuietUntil"/>.</summary>
    Accepted,

    /// <summary>Dismissed: not proposed again until <see cref="ProposedClearance.QuietUntil"/>.</summary>
    Dismissed,
}

/// <summary>A clearance proposal as kept for the pricing managers: one per SKU and warehouse (<see cref="Id"/> is derived
/// from both), replaced by each nightly run while it is open, and left alone once decided until
/// <see cref="QuietUntil"/> (the accepted promotion's end, or the validity a dismissed one would have run).</summary>
/// <param name="Round">Minted when the proposal opens, kept while it stays open: the accepted promotion's id is made from
/// it, so accepting again (a retry, a second pricing manager) finds the promotion it made and makes no other.</param>
/// <param name="IdleSince">Since when the stock has waited; listings go oldest first by it.</param>
public sealed record ProposedClearance(
    string Id,
    string SupplierId,
    string Sku,
    string WarehouseId,
    decimal OnHand,
    int DaysIdle,
    DateTimeOffset IdleSince,
    decimal DiscountPercent,
    IReadOnlyList<string> BundleWith,
    string Reason,
    ClearanceStatus Status,
    string Round,
    DateTimeOffset ProposedAt,
    DateTimeOffset? DecidedAt = null,
    string? DecidedBy = null,
    string? PromotionId = null,
    DateTimeOffset? QuietUntil = null)
{
    /// <summary>The proposal's id for a SKU in a warehouse: 24 hex digits of a hash of both, so it is a well-formed id
    /// whatever characters the SKU and warehouse id use, and the same every night.</summary>
    public static string IdOf(string sku, string warehouseId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{sku}\u001f{warehouseId}")))[..24];

    /// <summary>The promotion an acceptance of this round makes.</summary>
    public string PromotionIdOfRound => $"clearance-{Round}";

    /// <summary>Whether the nightly run leaves it as it is: decided, and its promotion (or the time a dismissed one would
    /// have run) not over.</summary>
    public bool IsQuiet(DateTimeOffset now) => Status != ClearanceStatus.Open && QuietUntil > now;

    /// <summary>Whether <paramref name="other"/> says the same as this one, apart from when it was proposed.</summary>
    public bool SameProposal(ProposedClearance other) =>
        other is not null && OnHand == other.OnHand && DaysIdle == other.DaysIdle && IdleSince == other.IdleSince && DiscountPercent == other.DiscountPercent
        && BundleWith.SequenceEqual(other.BundleWith, StringComparer.Ordinal) && Reason == other.Reason && Status == other.Status;
}

/// <summary>The body of an acceptance: what the pricing manager changes of the proposal. All optional.</summary>
/// <param name="DiscountPercent">More than 0, at most 90, at most one decimal; the proposal's when left out.</param>
/// <param name="ValidTo">When the promotion ends: after now, within 365 days; now + the supplier's validity days when left out.</param>
/// <param name="Bundle">Offer it with its companions at a bundle price; when left out, a bundle if the supplier's settings
/// say so and the proposal has companions.</param>
public sealed record ClearanceAcceptance(decimal? DiscountPercent, DateTimeOffset? ValidTo, bool? Bundle);

/// <summary>What orders show a product sells with (issue 13): for one SKU, in how many orders each other SKU was bought
/// with it, kept as orders are placed (never by scanning orders), once per order.</summary>
/// <param name="With">At most <see cref="MaxCompanions"/>, the most frequent.</param>
/// <param name="Orders">The latest orders counted, at most <see cref="MaxOrders"/>: an order handed on again (the outbox
/// retries) comes within minutes, long before that many more orders of the product.</param>
public sealed record SoldTogether(string Sku, IReadOnlyDictionary<string, int> With, IReadOnlyList<string> Orders)
{
    public const int MaxCompanions = 20;
    public const int MaxOrders = 100;

    /// <summary>Orders with more distinct products than this are not counted: a restocking order of the whole range says
    /// nothing about what sells together, and would cost a write per product.</summary>
    public const int MaxOrderProducts = 50;

    /// <summary><paramref name="current"/> with <paramref name="orderId"/>'s other products counted once; unchanged (the same
    /// instance) when that order was counted already.</summary>
    public static SoldTogether Count(SoldTogether? current, string sku, string orderId, IEnumerable<string> orderSkus)
    {
        ArgumentNullException.ThrowIfNull(orderSkus);
        current ??= new SoldTogether(sku, new Dictionary<string, int>(StringComparer.Ordinal), []);
        if (current.Orders.Contains(orderId, StringComparer.Ordinal))
        {
            return current;
        }

        var with = new Dictionary<string, int>(current.With, StringComparer.Ordinal);
        foreach (var other in orderSkus.Where(s => s != sku).Distinct(StringComparer.Ordinal))
        {
            with[other] = with.GetValueOrDefault(other) + 1;
        }

        var kept = with.OrderByDescending(w => w.Value).ThenBy(w => w.Key, StringComparer.Ordinal).Take(MaxCompanions).ToDictionary(w => w.Key, w => w.Value, StringComparer.Ordinal);
        return new SoldTogether(sku, kept, current.Orders.Append(orderId).TakeLast(MaxOrders).ToArray());
    }
}

/// <summary>One nightly run's changes to a supplier's proposals (pure): the proposals to write and those to remove.</summary>
public sealed record ClearancePlan(IReadOnlyList<ProposedClearance> Write, IReadOnlyList<ProposedClearance> Remove);

/// <summary>How the nightly analysis turns slow stock into proposals (pure).</summary>
public static class ClearanceRun
{
    /// <summary>Proposals kept per supplier, the oldest stock first: what a pricing manager can work through, and a bound
    /// on what each night rewrites.</summary>
    public const int MaxProposals = 1000;

    /// <summary>The stock ages of <paramref name="product"/>'s warehouse records. A record written before sales and
    /// receipts were kept is aged from its last count (see <see cref="WarehouseStock.IdleSince"/>).</summary>
    public static IEnumerable<StockAge> AgesOf(Product product)
    {
        ArgumentNullException.ThrowIfNull(product);
        return product.Stock.Select(s => new StockAge(product.Sku, s.Key, s.Value.OnHand, s.Value.LastSaleAt,
            s.Value.LastReceiptAt ?? (s.Value.LastSaleAt is null ? s.Value.AsOf : null)));
    }

    /// <summary>Since when <paramref name="age"/>'s stock has waited.</summary>
    public static DateTimeOffset IdleSince(StockAge age)
    {
        ArgumentNullException.ThrowIfNull(age);
        return new[] { age.LastSaleAt, age.LastReceiptAt }.Where(d => d is not null).Select(d => d!.Value).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
    }

    /// <summary>What to write and remove so the stored proposals say what <paramref name="fresh"/> (tonight's analysis,
    /// oldest first) says: an open proposal is replaced (kept as it is when it says the same, so a second run the same
    /// night writes nothing); a decided one is left alone while quiet, and opens again (a new round) when its quiet time
    /// is over and the stock is still slow; one no longer slow is removed, unless decided and quiet.</summary>
    public static ClearancePlan Plan(string supplierId, IReadOnlyList<ProposedClearance> existing, IReadOnlyList<(ClearanceProposal Proposal, DateTimeOffset IdleSince)> fresh,
        DateTimeOffset now, Func<string> newRound)
    {
        ArgumentNullException.ThrowIfNull(existing);
        ArgumentNullException.ThrowIfNull(fresh);
        ArgumentNullException.ThrowIfNull(newRound);
        var stored = existing.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var write = new List<ProposedClearance>();
        var proposed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (p, idleSince) in fresh.Take(MaxProposals))
        {
            var id = ProposedClearance.IdOf(p.Sku, p.WarehouseId);
            proposed.Add(id);
            var current = stored.GetValueOrDefault(id);
            if (current is not null && current.IsQuiet(now))
            {
                continue;
            }

            var next = new ProposedClearance(id, supplierId, p.Sku, p.WarehouseId, p.OnHand, p.DaysIdle, idleSince, p.DiscountPercent, p.BundleWith, p.Reason,
                ClearanceStatus.Open, current is { Status: ClearanceStatus.Open } ? current.Round : newRound(), now);
            if (current is { Status: ClearanceStatus.Open } && current.SameProposal(next))
            {
                continue;
            }

            write.Add(next);
        }

        var remove = existing.Where(e => !proposed.Contains(e.Id) && !e.IsQuiet(now)).ToArray();
        return new ClearancePlan(write, remove);
    }
}
