using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>Quotes for buyers, and the supplier's pricing rules for its pricing managers. A quote costs the same few reads
/// whatever its number of lines: the membership, the customer account, the assortment, the products (one query), the
/// rules for the customer (one query), the prices of those products in those lists (one query) and the promotion uses.</summary>
public sealed class PricingService(
    IPricingStore pricing,
    IProductStore products,
    ICustomerAccountStore accounts,
    IAssortmentStore assortments,
    IPriceListPurgeQueue purges,
    AccessControl access,
    TimeProvider clock,
    IOrganizationStore organizations)
{
    public const int MaxCouponCodes = 10;
    public const int MaxCouponCodeLength = 64;

    public async Task<Quote> QuoteAsync(Caller caller, string buyerId, string supplierId, QuoteRequest request, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, buyerId, cancellationToken).ConfigureAwait(false)).Require("ask suppliers for quotes", Roles.BuyerStaff);
        CheckCoupons(request.CouponCodes);
        var account = (Ids.IsWellFormed(supplierId) ? await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false) : null)
            ?? throw DomainException.NotFound("Supplier account", supplierId);
        var customer = new PricingCustomer(buyerId, account.Value.Category, account.Value.Currency);
        var book = await BookAsync(supplierId, customer, request, cancellationToken).ConfigureAwait(false);
        return PricingEngine.Price(supplierId, customer, book, request, clock.GetUtcNow());
    }

    /// <summary>Prices <paramref name="request"/> for the customer of <paramref name="account"/>, for carts and checkout
    /// (whose callers decided access already), with the book it was priced on: its products are what checkout holds stock
    /// of, so they are read once.</summary>
    internal async Task<(Quote Quote, PricingBook Book)> PriceAsync(CustomerAccount account, QuoteRequest request, CancellationToken cancellationToken)
    {
        CheckCoupons(request.CouponCodes);
        var customer = new PricingCustomer(account.BuyerId, account.Category, account.Currency);
        var book = await BookAsync(account.SupplierId, customer, request, cancellationToken).ConfigureAwait(false);
        return (PricingEngine.Price(account.SupplierId, customer, book, request, clock.GetUtcNow()), book);
    }

    /// <summary>A quote tries at most <see cref="MaxCouponCodes"/> codes of at most <see cref="MaxCouponCodeLength"/>
    /// characters: a cart cannot be used to guess a supplier's coupons by the thousand.</summary>
    private static void CheckCoupons(IReadOnlyList<string?>? codes)
    {
        var v = new Validation();
        v.Check(codes is null || codes.Count <= MaxCouponCodes, "couponCodes", $"at most {MaxCouponCodes} coupon codes per quote.");
        for (var i = 0; codes is not null && i < Math.Min(codes.Count, MaxCouponCodes); i++)
        {
            v.Check(!string.IsNullOrWhiteSpace(codes[i]), $"couponCodes[{i}]", "must be a coupon code.");
            v.Check(codes[i] is null || codes[i]!.Length <= MaxCouponCodeLength, $"couponCodes[{i}]", $"must be at most {MaxCouponCodeLength} characters.");
        }

        v.ThrowIfInvalid();
    }

    /// <summary>What a quote of <paramref name="request"/> for <paramref name="customer"/> reads: the customer's assortment,
    /// the cart's products, the rules for its audiences, its promotion uses, then the entries of those products in the
    /// candidate lists. Internal for the quote benchmark, which times the engine on the same book.</summary>
    internal async Task<PricingBook> BookAsync(string supplierId, PricingCustomer customer, QuoteRequest request, CancellationToken cancellationToken)
    {
        var buyerId = customer.BuyerId;
        var skus = (request.Lines ?? []).Select(l => l.Sku).Where(Ids.IsWellFormed).Distinct(StringComparer.Ordinal).Take(PricingEngine.MaxLines).ToArray()!;
        Audience[] audiences = [Audience.All, new(AudienceKind.Category, customer.Category), new(AudienceKind.Customer, buyerId)];

        var assortmentTask = assortments.FindAsync(supplierId, customer.Category, buyerId, cancellationToken);
        var productsTask = products.FindManyAsync(supplierId, skus!, cancellationToken);
        var rulesTask = pricing.LoadAsync(supplierId, audiences, cancellationToken);
        var usesTask = pricing.PromotionUsesAsync(supplierId, buyerId, cancellationToken);
        await Task.WhenAll(assortmentTask, productsTask, rulesTask, usesTask).ConfigureAwait(false);
        var assortment = await assortmentTask.ConfigureAwait(false);
        var visible = (await productsTask.ConfigureAwait(false)).Select(p => p.Value).Where(assortment.Allows).ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var rules = await rulesTask.ConfigureAwait(false);
        // Rules stored before they had a currency are in the supplier's default one, which only the supplier organization
        // holds: read (one more request) only when such a rule is among the customer's.
        var supplierCurrency = rules.Rules.Any(RuleCurrency.NamesNone)
            ? (await organizations.FindAsync(supplierId, cancellationToken).ConfigureAwait(false))?.Value.DefaultCurrency
            : null;
        var lists = rules.Rules.Select(r => r.List).OfType<PriceList>().ToList();
        var listIds = lists.Select(l => l.Id).Append(PriceEntry.BaseList).Distinct(StringComparer.Ordinal).ToArray();
        var entries = visible.Count == 0 ? [] : await pricing.EntriesAsync(supplierId, listIds, visible.Keys.ToArray(), cancellationToken).ConfigureAwait(false);
        return new PricingBook(
            rules.Settings,
            lists,
            entries,
            rules.Rules.Select(r => r.Discount).OfType<DiscountRule>().ToArray(),
            rules.Rules.Select(r => r.Volume).OfType<VolumeDiscount>().ToArray(),
            rules.Rules.Select(r => r.Promotion).OfType<Promotion>().ToArray(),
            rules.Rules.Select(r => r.Quantity).OfType<QuantityRule>().ToArray(),
            visible,
            await usesTask.ConfigureAwait(false),
            supplierCurrency);
    }

    public async Task<IReadOnlyList<PricingRule>> ListAsync(Caller caller, string supplierId, PricingRuleKind kind, CancellationToken cancellationToken)
    {
        await RequireAsync(caller, supplierId, "read pricing", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await pricing.ListAsync(supplierId, kind, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(Caller caller, string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken)
    {
        await RequireAsync(caller, supplierId, "change pricing", Roles.PricingManagers, cancellationToken).ConfigureAwait(false);
        id = kind == PricingRuleKind.Lists ? id.ToLowerInvariant() : id;
        if (kind == PricingRuleKind.Lists && Ids.IsWellFormed(id) && id != PriceEntry.BaseList)
        {
            await DeleteListAsync(supplierId, id, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (!Ids.IsWellFormed(id) || !await pricing.DeleteAsync(supplierId, kind, id, cancellationToken).ConfigureAwait(false))
        {
            throw DomainException.NotFound("Pricing rule", id);
        }
    }

    /// <summary>Deletes a price list and queues the purge of its prices. A list that does not exist is 404 and purges
    /// nothing: prices may be imported under a list id before the list is described, and they are that list's to come.
    /// When the purge cannot be queued the list is put back and the error surfaces, so the client's retry finds the
    /// list and does both again (the purge removes nothing of a list that exists, and nothing twice).</summary>
    private async Task DeleteListAsync(string supplierId, string id, CancellationToken cancellationToken)
    {
        var list = await pricing.FindAsync(supplierId, PricingRuleKind.Lists, id, cancellationToken).ConfigureAwait(false);
        if (list is null || !await pricing.DeleteAsync(supplierId, PricingRuleKind.Lists, id, cancellationToken).ConfigureAwait(false))
        {
            throw DomainException.NotFound("Pricing rule", id);
        }

        try
        {
            await purges.SendAsync(new PriceListPurge(supplierId, id), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            await pricing.SaveAsync(supplierId, list.Value, ifMatch: null, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    public async Task<Versioned<PricingSettings>> GetSettingsAsync(Caller caller, string supplierId, CancellationToken cancellationToken)
    {
        await RequireAsync(caller, supplierId, "read pricing", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await pricing.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces the settings whole: the first time without a version, then with If-Match (428 without, 412 when stale),
    /// so that an editor who never read the exchange rates cannot reset them.</summary>
    public async Task<Versioned<PricingSettings>> PutSettingsAsync(Caller caller, string supplierId, PricingSettingsInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        await RequireAsync(caller, supplierId, "change pricing", Roles.PricingManagers, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        var cap = input.MaxTotalDiscountPercent ?? 100;
        v.Check(cap is >= 0 and <= 100, "maxTotalDiscountPercent", "must be between 0 and 100.");
        var rates = input.ExchangeRates ?? [];
        for (var i = 0; i < rates.Count; i++)
        {
            v.Check(Currency.IsKnown(rates[i].From) && Currency.IsKnown(rates[i].To) && rates[i].From != rates[i].To, $"exchangeRates[{i}]", "needs two different ISO 4217 currencies.");
            v.Check(rates[i].Rate > 0, $"exchangeRates[{i}].rate", "must be more than zero.");
        }

        v.ThrowIfInvalid();
        var settings = new PricingSettings(input.Resolution ?? ListResolution.MostSpecific, cap, rates);
        var current = await pricing.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
        return await pricing.SaveSettingsAsync(supplierId, settings, Versions.ForReplace(current.IsStored ? current : null, ifMatch), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>List ids are lower case, as price files write them (<c>tabela</c> VIP is list <c>vip</c>), so that a list and
    /// its imported prices always meet.</summary>
    public Task<Versioned<PricingRule>> PutListAsync(Caller caller, string supplierId, string id, PriceListInput input, string? ifMatch, CancellationToken cancellationToken) =>
        PutAsync(caller, supplierId, id.ToLowerInvariant(), (v, supplierCurrency) =>
        {
            var currency = PricingValidation.Currency(v, input.Currency, supplierCurrency, "currency");
            PricingValidation.Window(v, input.ValidFrom, input.ValidTo);
            return new PricingRule(List: new PriceList(id.ToLowerInvariant(), PricingValidation.Name(v, input.Name), PricingValidation.Audience(v, input.Audience, "audience"), currency,
                input.ValidFrom, input.ValidTo, PricingValidation.Priority(v, input.Priority), input.Active ?? true));
        }, ifMatch, cancellationToken);

    public Task<Versioned<PricingRule>> PutDiscountAsync(Caller caller, string supplierId, string id, DiscountRuleInput input, string? ifMatch, CancellationToken cancellationToken) =>
        PutAsync(caller, supplierId, id, (v, _) =>
        {
            PricingValidation.Window(v, input.ValidFrom, input.ValidTo);
            return new PricingRule(Discount: new DiscountRule(id, PricingValidation.Name(v, input.Name), PricingValidation.Audience(v, input.Audience, "audience"),
                PricingValidation.Products(v, input.Products, "products"), PricingValidation.Percent(v, input.Percent, "percent", true) ?? 0, input.ValidFrom, input.ValidTo,
                PricingValidation.Priority(v, input.Priority), input.Stacking ?? Stacking.Combinable));
        }, ifMatch, cancellationToken);

    public Task<Versioned<PricingRule>> PutVolumeDiscountAsync(Caller caller, string supplierId, string id, VolumeDiscountInput input, string? ifMatch, CancellationToken cancellationToken) =>
        PutAsync(caller, supplierId, id, (v, supplierCurrency) =>
        {
            v.Check(input.MinOrderValue is not null || input.MinOrderQuantity is not null, "minOrderValue", "set minOrderValue or minOrderQuantity.");
            PricingValidation.Window(v, input.ValidFrom, input.ValidTo);
            return new PricingRule(Volume: new VolumeDiscount(id, PricingValidation.Name(v, input.Name), PricingValidation.Audience(v, input.Audience, "audience"),
                PricingValidation.NonNegative(v, input.MinOrderValue, "minOrderValue"), PricingValidation.NonNegative(v, input.MinOrderQuantity, "minOrderQuantity"),
                PricingValidation.Percent(v, input.Percent, "percent", true) ?? 0, input.ValidFrom, input.ValidTo,
                PricingValidation.Currency(v, input.Currency, supplierCurrency, "currency")));
        }, ifMatch, cancellationToken);

    public Task<Versioned<PricingRule>> PutPromotionAsync(Caller caller, string supplierId, string id, PromotionInput input, string? ifMatch, CancellationToken cancellationToken) =>
        PutAsync(caller, supplierId, id, (v, supplierCurrency) =>
        {
            var audiences = (input.Audiences is { Count: > 0 } a ? a : ["all"]).Select((text, i) => PricingValidation.Audience(v, text, $"audiences[{i}]")).Distinct().ToArray();
            PricingValidation.Window(v, input.ValidFrom, input.ValidTo);
            var reward = input.Reward;
            if (reward is null)
            {
                v.Add("reward", "is required.");
            }
            else
            {
                switch (reward.Kind)
                {
                    case RewardKind.PercentOff:
                        PricingValidation.Percent(v, reward.Percent, "reward.percent", true);
                        break;
                    case RewardKind.AmountOff:
                        v.Check(reward.Amount > 0, "reward.amount", "must be more than zero.");
                        break;
                    case RewardKind.FixedPrice:
                        v.Check(reward.FixedPrice >= 0, "reward.fixedPrice", "must be zero or more.");
                        break;
                    case RewardKind.BonusProduct:
                        v.Check(Ids.IsWellFormed(reward.BonusSku) && reward.BuyQuantity > 0 && reward.BonusQuantity > 0, "reward", "a bonus needs bonusSku, buyQuantity and bonusQuantity.");
                        break;
                    default:
                        v.Check(reward.BundleSkus is { Count: > 1 } skus && skus.All(Ids.IsWellFormed) && reward.BundlePrice > 0, "reward", "a bundle needs two or more bundleSkus and a bundlePrice.");
                        break;
                }
            }

            v.Check(input.UsageLimitPerCustomer is null or (> 0 and <= 1_000_000), "usageLimitPerCustomer", "must be from 1 to 1,000,000.");
            var coupon = v.OptionalText(input.CouponCode, "couponCode", 40);
            return new PricingRule(Promotion: new Promotion(id, PricingValidation.Name(v, input.Name), audiences, PricingValidation.Products(v, input.Products, "products"),
                PricingValidation.NonNegative(v, input.MinQuantity, "minQuantity"), PricingValidation.NonNegative(v, input.MinValue, "minValue"), input.ValidFrom, input.ValidTo,
                input.UsageLimitPerCustomer, coupon, reward ?? new Reward(RewardKind.PercentOff), input.Stacking ?? Stacking.Combinable, PricingValidation.Priority(v, input.Priority), input.Clearance ?? false,
                PricingValidation.Currency(v, input.Currency, supplierCurrency, "currency")));
        }, ifMatch, cancellationToken);

    public Task<Versioned<PricingRule>> PutQuantityRuleAsync(Caller caller, string supplierId, string id, QuantityRuleInput input, string? ifMatch, CancellationToken cancellationToken) =>
        PutAsync(caller, supplierId, id, (v, _) =>
        {
            var unit = v.RequiredText(input.Unit, "unit", 10)?.ToUpperInvariant();
            v.Check(unit is null || ProductRules.IsUnitCode(unit), "unit", "must be a sale unit such as UN or CX.");
            v.Check(input.Min is not null || input.Multiple is not null || input.Max is not null, "multiple", "set at least one of min, multiple, max.");
            v.Check(input.Multiple is null or > 0, "multiple", "must be more than zero.");
            v.Check(input.Min is null || input.Max is null || input.Min <= input.Max, "max", "must be at least min.");
            return new PricingRule(Quantity: new QuantityRule(id, PricingValidation.Audience(v, input.Audience, "audience"), PricingValidation.Products(v, input.Products, "products"),
                unit ?? "UN", PricingValidation.NonNegative(v, input.Min, "min"), input.Multiple, PricingValidation.NonNegative(v, input.Max, "max")));
        }, ifMatch, cancellationToken);

    /// <summary>Checks and saves a rule; <paramref name="build"/> is given the supplier's default currency, which money
    /// values that name no currency are in.
    /// <para>The first PUT of a rule creates it; replacing it needs If-Match with the version read (428 without, 412 when
    /// stale), so two pricing managers never lose each other's change.</para></summary>
    private async Task<Versioned<PricingRule>> PutAsync(Caller caller, string supplierId, string id, Func<Validation, string, PricingRule> build, string? ifMatch, CancellationToken cancellationToken)
    {
        var supplier = await RequireAsync(caller, supplierId, "change pricing", Roles.PricingManagers, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        v.Check(Ids.IsWellFormed(id), "id", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        var rule = build(v, supplier.Organization.Value.DefaultCurrency);
        v.ThrowIfInvalid();
        var current = await pricing.FindAsync(supplierId, rule.Kind, rule.Id, cancellationToken).ConfigureAwait(false);
        if (rule.Promotion is { } promotion)
        {
            // The secret of its personal coupons: kept across changes, so codes already sent keep working.
            rule = rule with { Promotion = promotion with { CouponSalt = current?.Value.Promotion?.CouponSalt ?? SecretTokens.New() } };
        }

        return await pricing.SaveAsync(supplierId, rule, Versions.ForReplace(current, ifMatch), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One rule with its version, for the ETag a replace names.</summary>
    public async Task<Versioned<PricingRule>> GetAsync(Caller caller, string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken)
    {
        await RequireAsync(caller, supplierId, "read pricing", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        id = kind == PricingRuleKind.Lists ? id.ToLowerInvariant() : id;
        return (Ids.IsWellFormed(id) ? await pricing.FindAsync(supplierId, kind, id, cancellationToken).ConfigureAwait(false) : null)
            ?? throw DomainException.NotFound("Pricing rule", id);
    }

    private Task<OrgAccess> RequireAsync(Caller caller, string supplierId, string action, IReadOnlyList<Role> roles, CancellationToken cancellationToken) =>
        access.SupplierMemberAsync(caller, supplierId, action, roles, cancellationToken);
}
