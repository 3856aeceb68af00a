using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Tests.Ordering;

/// <summary>Approval rules of a company that buys and sells: each side's staff read its rules, its admin changes them, and a
/// member who works only on the other side is told 403 (a member, not a stranger: strangers get 404).</summary>
public sealed class ApprovalRuleAccessTests
{
    private static readonly Caller Boss = new("boss", null, null);
    private static readonly Caller Sam = new("sam", null, null);
    private static readonly Caller Vic = new("vic", null, null);

    private readonly InMemoryStores _stores = new();
    private readonly OrderingConfigService _config;

    public ApprovalRuleAccessTests() => _config = new OrderingConfigService(new SalesAccess(new AccessControl(_stores)), new Rules());

    [Fact]
    public async Task A_member_of_the_other_side_gets_403_on_a_rule_and_its_own_side_reads_it()
    {
        await _stores.CreateAsync(ApprovalTests.Org("both", [Capability.Supplier, Capability.Buyer], ("boss", [Role.SupplierAdmin, Role.BuyerAdmin]), ("sam", [Role.SalesManager]), ("vic", [Role.Viewer])), default);
        var purchases = new ApprovalRuleInput("Every order", ApprovalSide.Buyer, ConditionKind.Always, null, null, null, [new ApprovalTierInput([Role.Approver], Quorum.Any)], null, null);
        await _config.PutRuleAsync(Boss, "both", "every", purchases, null, default);

        Assert.Equal("every", (await _config.GetRuleAsync(Vic, "both", "every", default)).Value.Id);
        Assert.Equal(FailureKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => _config.GetRuleAsync(Sam, "both", "every", default))).Kind);
        Assert.Equal(FailureKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => _config.DeleteRuleAsync(Sam, "both", "every", default))).Kind);

        // The supplier's default rule (credit limit) is its sales staff's, not its viewers'.
        Assert.Equal(FailureKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => _config.GetRuleAsync(Vic, "both", "credit-limit", default))).Kind);
        Assert.Equal(FailureKind.Forbidden, (await Assert.ThrowsAsync<DomainException>(() => _config.DeleteRuleAsync(Vic, "both", "credit-limit", default))).Kind);
        Assert.Equal(FailureKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => _config.GetRuleAsync(Vic, "both", "none", default))).Kind);
        Assert.Equal(["every"], (await _config.ListRulesAsync(Vic, "both", default)).Select(r => r.Id));
        Assert.Equal(["credit-limit"], (await _config.ListRulesAsync(Sam, "both", default)).Select(r => r.Id));
    }

    [Fact]
    public async Task Changing_a_rule_deleted_since_it_was_read_is_412_and_does_not_create_it_again()
    {
        await _stores.CreateAsync(ApprovalTests.Org("both", [Capability.Supplier, Capability.Buyer], ("boss", [Role.SupplierAdmin, Role.BuyerAdmin])), default);
        var purchases = new ApprovalRuleInput("Every order", ApprovalSide.Buyer, ConditionKind.Always, null, null, null, [new ApprovalTierInput([Role.Approver], Quorum.Any)], null, null);
        var read = await _config.PutRuleAsync(Boss, "both", "every", purchases, null, default);
        await _config.DeleteRuleAsync(Boss, "both", "every", default);

        var e = await Assert.ThrowsAsync<DomainException>(() => _config.PutRuleAsync(Boss, "both", "every", purchases with { Name = "Changed" }, read.ETag, default));

        Assert.Equal(FailureKind.PreconditionFailed, e.Kind);
        Assert.Equal(FailureKind.NotFound, (await Assert.ThrowsAsync<DomainException>(() => _config.GetRuleAsync(Boss, "both", "every", default))).Kind);
    }

    /// <summary>Only the approval rules are kept: that is all these use cases touch.</summary>
    private sealed class Rules : IOrderingStore
    {
        private Versioned<IReadOnlyList<ApprovalRule>>? _stored;
        private int _version;

        public Task<Versioned<IReadOnlyList<ApprovalRule>>?> ApprovalRulesAsync(string orgId, CancellationToken cancellationToken) => Task.FromResult(_stored);

        public Task<Versioned<IReadOnlyList<ApprovalRule>>> SaveApprovalRulesAsync(string orgId, IReadOnlyList<ApprovalRule> rules, string? ifMatch, CancellationToken cancellationToken)
        {
            if (ifMatch != _stored?.ETag)
            {
                throw new DomainException(FailureKind.PreconditionFailed, "The rules changed.");
            }

            _stored = new Versioned<IReadOnlyList<ApprovalRule>>(rules, $"v{++_version}");
            return Task.FromResult(_stored);
        }

        public Task<Versioned<OrderingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Versioned<OrderingSettings>> SaveSettingsAsync(string supplierId, OrderingSettings settings, string? ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Versioned<IReadOnlyList<Address>>?> AddressesAsync(string buyerId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<Versioned<IReadOnlyList<Address>>> SaveAddressesAsync(string buyerId, IReadOnlyList<Address> addresses, string? ifMatch, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<string> ClaimCheckoutAsync(string buyerId, string key, string orderId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<long> NextOrderNumberAsync(string supplierId, int year, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}
