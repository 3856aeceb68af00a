using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Core.Ordering;

/// <summary>What organizations configure for ordering: a supplier's ordering settings, each side's approval rules (the
/// seed's "personalize the algorithm of the employees' actions"), a buyer's delivery addresses. Rules and addresses are
/// kept as one list per organization (one read at checkout) but versioned one by one: each carries the hash of its content
/// as its ETag, so two admins editing two rules never block each other, and one editing a rule another just changed gets 412.</summary>
public sealed class OrderingConfigService(SalesAccess access, IOrderingStore ordering)
{
    public const int MaxAddresses = 200;

    public async Task<Versioned<OrderingSettings>> GetSettingsAsync(Caller caller, string supplierId, CancellationToken cancellationToken)
    {
        await access.SupplierAsync(caller, supplierId, "read ordering settings", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await ordering.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<OrderingSettings>> PutSettingsAsync(Caller caller, string supplierId, OrderingSettingsInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        await access.SupplierAsync(caller, supplierId, "change ordering settings", [Role.SupplierAdmin], cancellationToken).ConfigureAwait(false);
        var settings = OrderingValidation.Settings(input);
        var current = await ordering.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
        return await ordering.SaveSettingsAsync(supplierId, settings, Versions.ForReplace(current.IsStored ? current : null, ifMatch), cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ApprovalRule>> ListRulesAsync(Caller caller, string orgId, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var rules = await RulesAsync(orgId, you.Org, cancellationToken).ConfigureAwait(false);
        return rules.Where(r => you.HasAny(r.Side == ApprovalSide.Buyer ? Roles.BuyerStaff : Roles.SupplierStaff)).ToArray();
    }

    /// <summary>One rule, for the staff of its side: a member who works only on the other side gets 403 (they are of the
    /// organization; only strangers get 404).</summary>
    public async Task<Versioned<ApprovalRule>> GetRuleAsync(Caller caller, string orgId, string ruleId, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var rule = (await RulesAsync(orgId, you.Org, cancellationToken).ConfigureAwait(false)).FirstOrDefault(r => r.Id == ruleId) ?? throw DomainException.NotFound("Approval rule", ruleId);
        _ = you.Require($"read {Name(rule.Side)} approval rules", rule.Side == ApprovalSide.Buyer ? Roles.BuyerStaff : Roles.SupplierStaff);
        return new Versioned<ApprovalRule>(rule, ContentVersion(rule));
    }

    /// <summary>Creates the rule, or replaces it with If-Match naming the version read (428 without, 412 when stale). The
    /// side's admin manages its rules: buyer admins the purchase rules, supplier admins the sales rules.</summary>
    public async Task<Versioned<ApprovalRule>> PutRuleAsync(Caller caller, string orgId, string ruleId, ApprovalRuleInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        var rule = Approvals.Validate(ruleId, input, you.Org);
        _ = you.Require($"change {(rule.Side == ApprovalSide.Buyer ? "purchase" : "sales")} approval rules", [Roles.AdminOf(rule.Side == ApprovalSide.Buyer ? Capability.Buyer : Capability.Supplier)]);
        await Concurrency.RetryAsync("The approval rules", async _ =>
        {
            var stored = await ordering.ApprovalRulesAsync(orgId, cancellationToken).ConfigureAwait(false);
            var rules = stored?.Value ?? (you.Org.IsSupplier ? Approvals.SupplierDefaults : []);
            var existing = rules.FirstOrDefault(r => r.Id == ruleId);
            CheckVersion(existing, ifMatch);
            if (existing is not null && existing.Side != rule.Side)
            {
                throw DomainException.Invalid("side", $"rule '{ruleId}' is a {Name(existing.Side)} rule; it cannot change side.");
            }

            if (existing is null && rules.Count >= Approvals.MaxRules)
            {
                throw DomainException.Unprocessable("ruleId", $"An organization keeps at most {Approvals.MaxRules} approval rules.");
            }

            var next = existing is null ? [.. rules, rule] : rules.Select(r => r.Id == ruleId ? rule : r).ToArray();
            await ordering.SaveApprovalRulesAsync(orgId, next, stored?.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return new Versioned<ApprovalRule>(rule, ContentVersion(rule));
    }

    public async Task DeleteRuleAsync(Caller caller, string orgId, string ruleId, CancellationToken cancellationToken)
    {
        var you = await access.MemberAsync(caller, orgId, cancellationToken).ConfigureAwait(false);
        await Concurrency.RetryAsync("The approval rules", async attempt =>
        {
            var stored = await ordering.ApprovalRulesAsync(orgId, cancellationToken).ConfigureAwait(false);
            var rules = stored?.Value ?? (you.Org.IsSupplier ? Approvals.SupplierDefaults : []);
            var existing = rules.FirstOrDefault(r => r.Id == ruleId) ?? throw DomainException.NotFound("Approval rule", ruleId);
            _ = you.Require("delete approval rules", [Roles.AdminOf(existing.Side == ApprovalSide.Buyer ? Capability.Buyer : Capability.Supplier)]);
            await ordering.SaveApprovalRulesAsync(orgId, rules.Where(r => r.Id != ruleId).ToArray(), stored?.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<Address>> ListAddressesAsync(Caller caller, string buyerId, CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "read delivery addresses", Roles.BuyerStaff, cancellationToken).ConfigureAwait(false);
        return (await ordering.AddressesAsync(buyerId, cancellationToken).ConfigureAwait(false))?.Value ?? [];
    }

    public async Task<Versioned<Address>> GetAddressAsync(Caller caller, string buyerId, string addressId, CancellationToken cancellationToken)
    {
        var address = (await ListAddressesAsync(caller, buyerId, cancellationToken).ConfigureAwait(false)).FirstOrDefault(a => a.Id == addressId)
            ?? throw DomainException.NotFound("Address", addressId);
        return new Versioned<Address>(address, ContentVersion(address));
    }

    /// <summary>Creates or replaces a delivery address (buyer admins; If-Match to replace). Orders keep a copy of the
    /// address they were placed with, so changing it never changes an order.</summary>
    public async Task<Versioned<Address>> PutAddressAsync(Caller caller, string buyerId, string addressId, AddressInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "manage delivery addresses", [Role.BuyerAdmin], cancellationToken).ConfigureAwait(false);
        var address = OrderingValidation.Address(addressId, input);
        await Concurrency.RetryAsync("The addresses", async _ =>
        {
            var stored = await ordering.AddressesAsync(buyerId, cancellationToken).ConfigureAwait(false);
            var list = stored?.Value ?? [];
            var existing = list.FirstOrDefault(a => a.Id == addressId);
            CheckVersion(existing, ifMatch);
            if (existing is null && list.Count >= MaxAddresses)
            {
                throw DomainException.Unprocessable("addressId", $"An organization keeps at most {MaxAddresses} delivery addresses.");
            }

            var next = existing is null ? [.. list, address] : list.Select(a => a.Id == addressId ? address : a).ToArray();
            await ordering.SaveAddressesAsync(buyerId, next, stored?.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return new Versioned<Address>(address, ContentVersion(address));
    }

    public async Task DeleteAddressAsync(Caller caller, string buyerId, string addressId, CancellationToken cancellationToken)
    {
        await access.BuyerAsync(caller, buyerId, "manage delivery addresses", [Role.BuyerAdmin], cancellationToken).ConfigureAwait(false);
        await Concurrency.RetryAsync("The addresses", async _ =>
        {
            var stored = await ordering.AddressesAsync(buyerId, cancellationToken).ConfigureAwait(false);
            if (stored is null || stored.Value.All(a => a.Id != addressId))
            {
                throw DomainException.NotFound("Address", addressId);
            }

            await ordering.SaveAddressesAsync(buyerId, stored.Value.Where(a => a.Id != addressId).ToArray(), stored.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ApprovalRule>> RulesAsync(string orgId, Organization org, CancellationToken cancellationToken) =>
        (await ordering.ApprovalRulesAsync(orgId, cancellationToken).ConfigureAwait(false))?.Value ?? (org.IsSupplier ? Approvals.SupplierDefaults : []);

    /// <summary>Creating needs no version; replacing needs the one read (428 without, 412 when it changed since). A version
    /// sent for an item that does not exist is 412 too: the client meant to change what it read, which was deleted since,
    /// and must not create it again unawares (HTTP's If-Match on a missing resource).</summary>
    private static void CheckVersion<T>(T? existing, string? ifMatch)
        where T : class
    {
        if (existing is null)
        {
            if (ifMatch is not null)
            {
                throw new DomainException(FailureKind.PreconditionFailed, "It does not exist (any more): it was deleted since it was read. Send it without If-Match to create it.");
            }

            return;
        }

        Versions.CheckContent(ContentVersion(existing), ifMatch);
    }

    /// <summary>The version of one item of a list: a hash of its content.</summary>
    public static string ContentVersion<T>(T value) => Versions.OfContent(value);

    private static string Name(ApprovalSide side) => side == ApprovalSide.Buyer ? "buyer" : "supplier";
}
