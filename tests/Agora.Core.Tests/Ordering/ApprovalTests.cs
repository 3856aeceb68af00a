using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Core.Pricing;

namespace Agora.Core.Tests.Ordering;

public sealed class ApprovalTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Organization Org(string id, Capability side, params (string User, Role[] Roles)[] members) => Org(id, [side], members);

    /// <summary>An organization acting on <paramref name="sides"/>, its members with emails at it.</summary>
    internal static Organization Org(string id, Capability[] sides, params (string User, Role[] Roles)[] members) => new()
    {
        Id = id,
        Name = id,
        Country = "BR",
        DefaultCurrency = "BRL",
        Capabilities = sides,
        Members = members.Select(m => new Member(m.User, $"{m.User}@{id}.test", m.User, m.Roles, Now)).ToArray(),
        CreatedAt = Now,
        UpdatedAt = Now,
    };

    private static readonly Organization Buyer = Org("buyer", Capability.Buyer, ("admin", [Role.BuyerAdmin]), ("pat", [Role.Purchaser]), ("ana", [Role.Approver]), ("abe", [Role.Approver]), ("vic", [Role.Viewer]));
    private static readonly Organization Supplier = Org("supplier", Capability.Supplier, ("sara", [Role.SupplierAdmin]), ("sam", [Role.SalesManager]));

    private static ApprovalContext Context(decimal total, string currency = "BRL", decimal exposure = 0, decimal creditLimit = 1_000_000, bool first = false, IReadOnlyDictionary<string, decimal>? spend = null,
        IReadOnlyList<ExchangeRate>? rates = null) =>
        new(currency, total, [("P-1", ["ferramentas", "ferramentas/eletricas"])], spend ?? new Dictionary<string, decimal>(), exposure, creditLimit, false, first, rates ?? []);

    private static ApprovalRule Rule(string id, ConditionKind kind, Amount? amount = null, ApprovalSide side = ApprovalSide.Buyer, params ApprovalTier[] tiers) =>
        new(id, id, side, new ApprovalCondition(kind, amount), tiers.Length > 0 ? tiers : [new ApprovalTier([Role.Approver], Quorum.Any)], true, 0);

    [Fact]
    public void An_order_above_a_threshold_in_another_currency_is_compared_after_converting_it_with_the_suppliers_rate()
    {
        var rule = Rule("big", ConditionKind.OrderTotalAbove, new Amount(10_000, "USD"));
        var rates = new[] { new ExchangeRate("BRL", "USD", 0.2m) };

        // 40,000 BRL is 8,000 USD: below; 60,000 BRL is 12,000 USD: above.
        Assert.Empty(Approvals.Plan(Context(40_000, rates: rates), [rule], Buyer, [], Supplier, "pat").Steps);
        var steps = Approvals.Plan(Context(60_000, rates: rates), [rule], Buyer, [], Supplier, "pat").Steps;
        Assert.Contains("12,000 USD", Assert.Single(steps).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_rate_between_the_currencies_the_rule_applies_rather_than_being_missed()
    {
        var rule = Rule("big", ConditionKind.OrderTotalAbove, new Amount(10_000, "EUR"));
        var step = Assert.Single(Approvals.Plan(Context(10, rates: []), [rule], Buyer, [], Supplier, "pat").Steps);
        Assert.Contains("no exchange rate", step.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_inverse_of_the_opposite_rate_converts_when_only_that_one_is_set()
    {
        Assert.Equal(10m, Approvals.Convert(50, "BRL", "USD", [new ExchangeRate("USD", "BRL", 5m)]));
    }

    [Fact]
    public void A_monthly_limit_counts_this_months_orders_and_this_one()
    {
        var rule = Rule("month", ConditionKind.MonthlySpendAbove, new Amount(10_000, "BRL"));
        Assert.Empty(Approvals.Plan(Context(3_000, spend: new Dictionary<string, decimal> { ["BRL"] = 6_000 }), [rule], Buyer, [], Supplier, "pat").Steps);
        var step = Assert.Single(Approvals.Plan(Context(3_000, spend: new Dictionary<string, decimal> { ["BRL"] = 8_000 }), [rule], Buyer, [], Supplier, "pat").Steps);
        Assert.Contains("11,000 BRL", step.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Buyer_steps_come_before_supplier_steps_and_each_rules_tiers_in_order()
    {
        var buyerRule = Rule("tiered", ConditionKind.Always, tiers: [new ApprovalTier([Role.Approver], Quorum.All), new ApprovalTier([Role.BuyerAdmin], Quorum.Any)]);
        var credit = Approvals.SupplierDefaults[0];
        var process = Approvals.Plan(Context(500, exposure: 800, creditLimit: 1000), [buyerRule], Buyer, [credit], Supplier, "pat");
        Assert.Equal([ApprovalSide.Buyer, ApprovalSide.Buyer, ApprovalSide.Supplier], process.Steps.Select(s => s.Side));
        Assert.Equal([StepStatus.Waiting, StepStatus.Pending, StepStatus.Pending], process.Steps.Select(s => s.Status));
        Assert.Equal(["abe", "ana"], process.Steps[0].Eligible.Order());
        Assert.Contains("exceed the credit limit", process.Steps[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void All_of_tier_one_then_any_of_tier_two_and_one_rejection_rejects()
    {
        var rule = Rule("tiered", ConditionKind.Always, tiers: [new ApprovalTier([Role.Approver], Quorum.All), new ApprovalTier([Role.BuyerAdmin], Quorum.Any)]);
        var process = Approvals.Plan(Context(500), [rule], Buyer, [], Supplier, "pat");

        process = Approvals.Decide(process, "ana", "Ana", true, null, Now, out var first);
        Assert.Equal(StepStatus.Waiting, first.Status); // abe has not approved yet
        Assert.Equal(["abe"], process.WaitingFor());
        process = Approvals.Decide(process, "abe", "Abe", true, null, Now, out var second);
        Assert.Equal(StepStatus.Approved, second.Status);
        Assert.Equal(2, process.Current!.Number);
        Assert.Equal(["admin"], process.WaitingFor());

        var rejected = Approvals.Decide(process, "admin", "Admin", false, "Too much", Now, out var last);
        Assert.Equal(StepStatus.Rejected, last.Status);
        Assert.False(rejected.IsComplete);
        Assert.Null(rejected.Current);
    }

    [Fact]
    public void Nobody_approves_their_own_order_nor_decides_twice_nor_decides_a_step_that_is_not_theirs()
    {
        var rule = Rule("admins", ConditionKind.Always, tiers: [new ApprovalTier([Role.BuyerAdmin, Role.Approver], Quorum.All)]);
        var process = Approvals.Plan(Context(500), [rule], Buyer, [], Supplier, "admin");
        Assert.DoesNotContain("admin", process.Steps[0].Eligible);
        Assert.Equal(FailureKind.Forbidden, Assert.Throws<DomainException>(() => Approvals.Decide(process, "admin", null, true, null, Now, out _)).Kind);
        Assert.Equal(FailureKind.Forbidden, Assert.Throws<DomainException>(() => Approvals.Decide(process, "vic", null, true, null, Now, out _)).Kind);
        process = Approvals.Decide(process, "ana", null, true, null, Now, out _);
        Assert.Equal(FailureKind.Conflict, Assert.Throws<DomainException>(() => Approvals.Decide(process, "ana", null, true, null, Now, out _)).Kind);
    }

    [Fact]
    public void A_step_only_the_placer_could_decide_is_refused_at_checkout_in_words()
    {
        var lonely = Org("lonely", Capability.Buyer, ("boss", [Role.BuyerAdmin, Role.Purchaser]));
        var rule = Rule("admins", ConditionKind.Always, tiers: [new ApprovalTier([Role.BuyerAdmin], Quorum.Any)]);
        var e = Assert.Throws<DomainException>(() => Approvals.Plan(Context(500), [rule], lonely, [], Supplier, "boss"));
        Assert.Equal(FailureKind.Unprocessable, e.Kind);
        Assert.Contains("nobody but you", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Products_conditions_match_a_category_or_a_sku_and_supplier_conditions_their_own_facts()
    {
        var byCategory = new ApprovalRule("tools", "tools", ApprovalSide.Buyer, new ApprovalCondition(ConditionKind.ContainsProducts, Categories: ["ferramentas/eletricas"]), [new ApprovalTier([Role.Approver], Quorum.Any)], true, 0);
        Assert.Single(Approvals.Plan(Context(1), [byCategory], Buyer, [], Supplier, "pat").Steps);
        var first = Rule("first", ConditionKind.FirstOrder, side: ApprovalSide.Supplier, tiers: [new ApprovalTier([Role.SalesManager], Quorum.Any)]);
        Assert.Empty(Approvals.Plan(Context(1, first: false), [], Buyer, [first], Supplier, "pat").Steps);
        Assert.Equal(["sam"], Assert.Single(Approvals.Plan(Context(1, first: true), [], Buyer, [first], Supplier, "pat").Steps).Eligible);
    }

    [Fact]
    public void Rules_are_validated_per_side_with_every_problem_named()
    {
        var e = Assert.Throws<DomainException>(() => Approvals.Validate("r1", new ApprovalRuleInput(null, ApprovalSide.Buyer, ConditionKind.CreditLimitExceeded, new Amount(5, "XXX"), null, null,
            [new ApprovalTierInput([Role.SalesManager], null)], null, null), Buyer));
        Assert.Contains("name", e.Errors.Keys);
        Assert.Contains("condition", e.Errors.Keys);
        Assert.Contains("amount", e.Errors.Keys);
        Assert.Contains("tiers[0].roles", e.Errors.Keys);
        var ok = Approvals.Validate("r1", new ApprovalRuleInput("Big", null, ConditionKind.OrderTotalAbove, new Amount(5, "usd"), null, null, [new ApprovalTierInput([Role.Approver], Quorum.All)], null, 3), Buyer);
        Assert.Equal(ApprovalSide.Buyer, ok.Side);
        Assert.Equal("USD", ok.Condition.Amount!.Currency);
    }
}
