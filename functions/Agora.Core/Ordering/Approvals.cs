using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Core.Ordering;

public enum ApprovalSide
{
    Buyer,
    Supplier,
}

/// <summary>What makes a rule ask for approval. Buyer rules: <see cref="OrderTotalAbove"/>, <see cref="MonthlySpendAbove"/>
/// (what the purchaser ordered this calendar month, UTC, this order included), <see cref="ContainsProducts"/>,
/// <see cref="Always"/>. Supplier rules: <see cref="OrderTotalAbove"/> (a large order), <see cref="CreditLimitExceeded"/>,
/// <see cref="NegotiatedPrice"/>, <see cref="FirstOrder"/>, <see cref="Always"/>.</summary>
public enum ConditionKind
{
    OrderTotalAbove,
    MonthlySpendAbove,
    ContainsProducts,
    CreditLimitExceeded,
    NegotiatedPrice,
    FirstOrder,
    Always,
}

/// <summary>Every approver of the tier must approve, or any one of them.</summary>
public enum Quorum
{
    Any,
    All,
}

/// <param name="Amount">For OrderTotalAbove and MonthlySpendAbove: the threshold in its own currency; an order in another
/// currency is converted with the supplier's exchange rates, and when no rate converts it the rule applies (an approval
/// too many, never one missed).</param>
/// <param name="Categories">For ContainsProducts: category keys or paths ("ferramentas/eletricas").</param>
/// <param name="Skus">For ContainsProducts.</param>
public sealed record ApprovalCondition(ConditionKind Kind, Amount? Amount = null, IReadOnlyList<string>? Categories = null, IReadOnlyList<string>? Skus = null);

/// <summary>One level of approval: people holding one of <paramref name="Roles"/> in the rule's organization.</summary>
public sealed record ApprovalTier(IReadOnlyList<Role> Roles, Quorum Require);

public sealed record ApprovalRule(string Id, string Name, ApprovalSide Side, ApprovalCondition Condition, IReadOnlyList<ApprovalTier> Tiers, bool Active, int Order);

public sealed record ApprovalRuleInput(
    string? Name,
    ApprovalSide? Side,
    ConditionKind? Condition,
    Amount? Amount,
    [property: MaxItems(50)] IReadOnlyList<string>? Categories,
    [property: MaxItems(200)] IReadOnlyList<string>? Skus,
    [property: MaxItems(5)] IReadOnlyList<ApprovalTierInput>? Tiers,
    bool? Active,
    int? Order);

public sealed record ApprovalTierInput([property: MaxItems(4)] IReadOnlyList<Role>? Roles, Quorum? Require);

public enum StepStatus
{
    /// <summary>Comes after a step still waiting.</summary>
    Pending,
    Waiting,
    Approved,
    Rejected,
}

public sealed record ApprovalDecision(string UserId, string? Name, bool Approved, string? Comment, DateTimeOffset At);

/// <summary>One tier of one rule, for one order: who may decide (<see cref="Eligible"/>, fixed when the order was placed,
/// its placer never among them) and what they decided.</summary>
public sealed record ApprovalStep(
    int Number,
    ApprovalSide Side,
    string RuleId,
    string RuleName,
    string Reason,
    int Tier,
    IReadOnlyList<Role> Roles,
    Quorum Require,
    IReadOnlyList<string> Eligible,
    IReadOnlyList<ApprovalDecision> Decisions,
    StepStatus Status);

/// <summary>The approval steps of one order, buyer's first then supplier's, decided one after the other: all of tier 1,
/// then any of tier 2, as each rule says.</summary>
public sealed record ApprovalProcess(IReadOnlyList<ApprovalStep> Steps)
{
    public static readonly ApprovalProcess None = new([]);

    public ApprovalStep? Current => Steps.FirstOrDefault(s => s.Status == StepStatus.Waiting);

    public bool IsComplete => Steps.All(s => s.Status == StepStatus.Approved);

    /// <summary>Who the order waits for now: the current step's approvers who have not decided.</summary>
    public IReadOnlyList<string> WaitingFor() =>
        Current is { } step ? step.Eligible.Where(u => step.Decisions.All(d => d.UserId != u)).ToArray() : [];
}

/// <summary>What approval rules look at, computed by checkout.</summary>
/// <param name="MonthSpend">What the purchaser ordered this month before this order, per currency.</param>
/// <param name="Exposure">What the customer owes and has committed at the supplier (<see cref="Billing.CreditExposure"/>: unpaid
/// invoices, plus open orders not invoiced yet, less its credit), in <paramref name="Currency"/>.</param>
/// <param name="Negotiated">The order is checked out from a negotiated quote.</param>
/// <param name="FirstOrder">The customer has no earlier order at the supplier that was not cancelled or rejected.</param>
public sealed record ApprovalContext(
    string Currency,
    decimal Total,
    IReadOnlyList<(string Sku, IReadOnlyList<string> CategoryKeys)> Products,
    IReadOnlyDictionary<string, decimal> MonthSpend,
    decimal Exposure,
    decimal CreditLimit,
    bool Negotiated,
    bool FirstOrder,
    IReadOnlyList<ExchangeRate> Rates);

/// <summary>Approval rules: their validation, which of them an order meets, and the decisions on its steps (pure).</summary>
public static class Approvals
{
    public const int MaxRules = 50;

    /// <summary>The supplier's rules when it has set none: an order past the customer's credit limit waits for a supplier
    /// admin or a sales manager.</summary>
    public static readonly IReadOnlyList<ApprovalRule> SupplierDefaults =
    [
        new("credit-limit", "Credit limit exceeded", ApprovalSide.Supplier, new ApprovalCondition(ConditionKind.CreditLimitExceeded),
            [new ApprovalTier([Role.SupplierAdmin, Role.SalesManager], Quorum.Any)], true, 0),
    ];

    private static readonly ConditionKind[] BuyerKinds = [ConditionKind.OrderTotalAbove, ConditionKind.MonthlySpendAbove, ConditionKind.ContainsProducts, ConditionKind.Always];
    private static readonly ConditionKind[] SupplierKinds = [ConditionKind.OrderTotalAbove, ConditionKind.CreditLimitExceeded, ConditionKind.NegotiatedPrice, ConditionKind.FirstOrder, ConditionKind.Always];

    public static ApprovalRule Validate(string id, ApprovalRuleInput input, Organization org)
    {
        var v = new Validation();
        v.Check(Ids.IsWellFormed(id), "id", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        var name = v.RequiredText(input.Name, "name", 200);
        var side = input.Side ?? (org.IsSupplier && !org.IsBuyer ? ApprovalSide.Supplier : org.IsBuyer && !org.IsSupplier ? ApprovalSide.Buyer : (ApprovalSide?)null);
        if (side is null)
        {
            v.Add("side", "is required: this organization buys and sells, so say whether the rule is for its purchases (buyer) or its sales (supplier).");
        }
        else
        {
            v.Check(side == ApprovalSide.Buyer ? org.IsBuyer : org.IsSupplier, "side", $"this organization does not {(side == ApprovalSide.Buyer ? "buy" : "sell")}.");
        }

        var kinds = side == ApprovalSide.Supplier ? SupplierKinds : BuyerKinds;
        if (input.Condition is not { } kind)
        {
            v.Add("condition", $"is required: one of {string.Join(", ", kinds.Select(Name))}.");
            kind = ConditionKind.Always;
        }
        else
        {
            v.Check(kinds.Contains(kind), "condition", $"a {(side == ApprovalSide.Supplier ? "supplier" : "buyer")} rule's condition is one of {string.Join(", ", kinds.Select(Name))}.");
        }

        Amount? amount = null;
        if (kind is ConditionKind.OrderTotalAbove or ConditionKind.MonthlySpendAbove)
        {
            if (input.Amount is not { } a)
            {
                v.Add("amount", "is required: the threshold and its currency, such as { \"value\": 50000, \"currency\": \"BRL\" }.");
            }
            else
            {
                v.Check(a.Value is >= 0 and <= Limits.MaxMagnitude, "amount.value", "must be from 0 to 1,000,000,000,000.");
                v.Check(Currency.IsKnown(a.Currency?.ToUpperInvariant()), "amount.currency", "must be an ISO 4217 currency such as BRL or USD.");
                amount = a with { Currency = a.Currency?.ToUpperInvariant() ?? string.Empty };
            }
        }
        else
        {
            v.Check(input.Amount is null, "amount", $"is only for {Name(ConditionKind.OrderTotalAbove)} and {Name(ConditionKind.MonthlySpendAbove)}.");
        }

        var categories = (input.Categories ?? []).Select(c => Catalog.CatalogKeys.CategoryKey(c ?? string.Empty)).ToArray();
        var skus = (input.Skus ?? []).ToArray();
        if (kind == ConditionKind.ContainsProducts)
        {
            v.Check(categories.Length + skus.Length > 0, "categories", "name at least one category or SKU.");
            v.Check(categories.All(c => c.Length > 0), "categories", "each must be a category path such as \"Ferramentas > Elétricas\".");
            v.Check(skus.All(Ids.IsWellFormed), "skus", "each must be a SKU.");
        }
        else
        {
            v.Check(categories.Length + skus.Length == 0, "categories", $"categories and skus are only for {Name(ConditionKind.ContainsProducts)}.");
        }

        var tiers = input.Tiers ?? [];
        v.Check(tiers.Count is > 0 and <= 5, "tiers", "must hold 1 to 5 tiers, each with the roles that approve and whether all or any of them must.");
        var sideRoles = side == ApprovalSide.Supplier ? Roles.SupplierStaff : Roles.BuyerStaff;
        for (var i = 0; i < tiers.Count; i++)
        {
            var roles = tiers[i]?.Roles ?? [];
            v.Check(roles.Count > 0, $"tiers[{i}].roles", "name at least one role.");
            v.Check(roles.All(sideRoles.Contains), $"tiers[{i}].roles", $"must be roles of the rule's side: {string.Join(", ", sideRoles.Select(r => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(r.ToString())))}.");
            v.Check(!roles.Contains(Role.Viewer), $"tiers[{i}].roles", "viewers read orders; they do not approve them.");
        }

        v.Check(input.Order is null or (>= 0 and <= 1000), "order", "must be from 0 to 1,000.");
        v.ThrowIfInvalid();
        return new ApprovalRule(id, name!, side!.Value, new ApprovalCondition(kind, amount, categories.Length > 0 ? categories : null, skus.Length > 0 ? skus : null),
            tiers.Select(t => new ApprovalTier(t.Roles!.Distinct().ToArray(), t.Require ?? Quorum.Any)).ToArray(), input.Active ?? true, input.Order ?? 0);
    }

    /// <summary>The steps an order must pass: the buyer's active rules it meets, then the supplier's, each rule's tiers in
    /// order. A step nobody but the placer could decide is refused now (422), not left waiting for ever.</summary>
    public static ApprovalProcess Plan(ApprovalContext context, IReadOnlyList<ApprovalRule> buyerRules, Organization buyer, IReadOnlyList<ApprovalRule> supplierRules,
        Organization supplier, string placerId)
    {
        var steps = new List<ApprovalStep>();
        foreach (var (rules, org) in new[] { (buyerRules, buyer), (supplierRules, supplier) })
        {
            foreach (var rule in rules.Where(r => r.Active).OrderBy(r => r.Order).ThenBy(r => r.Id, StringComparer.Ordinal))
            {
                if (Reason(rule, context) is not { } reason)
                {
                    continue;
                }

                for (var t = 0; t < rule.Tiers.Count; t++)
                {
                    var tier = rule.Tiers[t];
                    var eligible = org.Members.Where(m => m.UserId != placerId && m.HasAny(tier.Roles)).Select(m => m.UserId).ToArray();
                    if (eligible.Length == 0)
                    {
                        throw DomainException.Unprocessable("approval", $"This order needs the approval of {Describe(tier)} at {org.Name} ({rule.Name}: {reason}), and nobody but you holds that role there. " +
                            (rule.Side == ApprovalSide.Buyer ? "Ask your organization's admin to give someone the role." : "Ask the supplier."));
                    }

                    steps.Add(new ApprovalStep(steps.Count + 1, rule.Side, rule.Id, rule.Name, reason, t + 1, tier.Roles, tier.Require, eligible, [], steps.Count == 0 ? StepStatus.Waiting : StepStatus.Pending));
                }
            }
        }

        return new ApprovalProcess(steps);
    }

    /// <summary>Why <paramref name="rule"/> applies to the order, in words; null when it does not.</summary>
    internal static string? Reason(ApprovalRule rule, ApprovalContext c)
    {
        var condition = rule.Condition;
        switch (condition.Kind)
        {
            case ConditionKind.Always:
                return "every order";
            case ConditionKind.OrderTotalAbove:
            {
                var threshold = condition.Amount!;
                var total = Convert(c.Total, c.Currency, threshold.Currency, c.Rates);
                return total is null ? $"the total {Money(c.Total, c.Currency)} cannot be compared with {Money(threshold.Value, threshold.Currency)}: the supplier has no exchange rate between them"
                    : total > threshold.Value ? $"the total {Money(c.Total, c.Currency)}{(c.Currency == threshold.Currency ? string.Empty : $" ({Money(total.Value, threshold.Currency)})")} is above {Money(threshold.Value, threshold.Currency)}"
                    : null;
            }

            case ConditionKind.MonthlySpendAbove:
            {
                var threshold = condition.Amount!;
                decimal spent = 0;
                foreach (var (currency, amount) in c.MonthSpend.Append(new KeyValuePair<string, decimal>(c.Currency, c.Total)))
                {
                    if (Convert(amount, currency, threshold.Currency, c.Rates) is not { } converted)
                    {
                        return $"this month's orders include {Money(amount, currency)}, which the supplier's exchange rates do not convert to {threshold.Currency}";
                    }

                    spent += converted;
                }

                return spent > threshold.Value ? $"your orders this month would come to {Money(spent, threshold.Currency)}, above your monthly limit of {Money(threshold.Value, threshold.Currency)}" : null;
            }

            case ConditionKind.ContainsProducts:
            {
                var skus = condition.Skus ?? [];
                var categories = condition.Categories ?? [];
                var hits = c.Products.Where(p => skus.Contains(p.Sku, StringComparer.OrdinalIgnoreCase) || p.CategoryKeys.Any(categories.Contains)).Select(p => p.Sku).Take(5).ToArray();
                return hits.Length == 0 ? null : $"it contains {string.Join(", ", hits)}{(hits.Length == 5 ? "..." : string.Empty)}";
            }

            case ConditionKind.CreditLimitExceeded:
                return c.Exposure + c.Total > c.CreditLimit
                    ? $"unpaid invoices and open orders of {Money(c.Exposure, c.Currency)} plus this order's {Money(c.Total, c.Currency)} exceed the credit limit of {Money(c.CreditLimit, c.Currency)}"
                    : null;
            case ConditionKind.NegotiatedPrice:
                return c.Negotiated ? "it is priced at a negotiated quote" : null;
            case ConditionKind.FirstOrder:
                return c.FirstOrder ? "it is the customer's first order" : null;
            default:
                return null;
        }
    }

    /// <summary>Records <paramref name="approverId"/>'s decision on the current step and moves the process on: the step
    /// completes when any (or every) approver approved; one rejection rejects it. Throws 403 for someone who may not decide
    /// it, 409 for a second decision by the same person.</summary>
    public static ApprovalProcess Decide(ApprovalProcess process, string approverId, string? approverName, bool approve, string? comment, DateTimeOffset now, out ApprovalStep decided)
    {
        var step = process.Current ?? throw DomainException.Conflict("Nothing of this order waits for approval.");
        if (!step.Eligible.Contains(approverId))
        {
            throw DomainException.Forbidden($"Step {step.Number} ({step.RuleName}) is decided by {Describe(new ApprovalTier(step.Roles, step.Require))}; you are not among its approvers" +
                " (nobody approves an order they placed).");
        }

        if (step.Decisions.Any(d => d.UserId == approverId))
        {
            throw DomainException.Conflict($"You already decided step {step.Number} ({step.RuleName}) of this order.");
        }

        var decisions = step.Decisions.Append(new ApprovalDecision(approverId, approverName, approve, comment, now)).ToArray();
        var status = !approve ? StepStatus.Rejected
            : step.Require == Quorum.Any || step.Eligible.All(u => decisions.Any(d => d.UserId == u && d.Approved)) ? StepStatus.Approved
            : StepStatus.Waiting;
        decided = step with { Decisions = decisions, Status = status };
        var steps = process.Steps.ToList();
        var index = steps.FindIndex(s => s.Number == step.Number);
        steps[index] = decided;
        if (status == StepStatus.Approved && index + 1 < steps.Count)
        {
            steps[index + 1] = steps[index + 1] with { Status = StepStatus.Waiting };
        }

        return new ApprovalProcess(steps);
    }

    public static string Describe(ApprovalTier tier) =>
        (tier.Require == Quorum.All && tier.Roles.Count > 0 ? "every " : "a ") + string.Join(" or ", tier.Roles.Select(r => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(r.ToString())));

    /// <summary><paramref name="amount"/> in <paramref name="to"/> by the supplier's rates: direct, else by the inverse of
    /// the opposite rate; null when neither exists.</summary>
    public static decimal? Convert(decimal amount, string from, string to, IReadOnlyList<ExchangeRate> rates)
    {
        if (from == to)
        {
            return amount;
        }

        if (Exchange.RateOf(rates, from, to) is { } rate)
        {
            return amount * rate;
        }

        return Exchange.RateOf(rates, to, from) is { } inverse && inverse != 0 ? amount / inverse : null;
    }

    private static string Money(decimal amount, string currency) => $"{Currency.Round(amount, currency).ToString("#,0.##", System.Globalization.CultureInfo.InvariantCulture)} {currency}";

    private static string Name(ConditionKind kind) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(kind.ToString());
}
