using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Ordering;
using Agora.Core.Pricing;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Marketing;

/// <summary>Where clearance keeps its data, all in the supplier's catalog partition beside its products: the settings,
/// the proposals, what each product sells with, and the products with slow stock.</summary>
public interface IClearanceStore
{
    /// <summary>The settings with their version; <see cref="ClearanceSettings.Default"/>, not stored, when none were saved.</summary>
    Task<Versioned<ClearanceSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken);

    /// <summary>Creates with a null <paramref name="ifMatch"/>, else replaces that version (412 when stale).</summary>
    Task<Versioned<ClearanceSettings>> SaveSettingsAsync(string supplierId, ClearanceSettings settings, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>One page of the active products that have stock on hand idle since <paramref name="idleBefore"/> or earlier
    /// (an indexed query: the index of each product holds its <see cref="Product.IdleSince"/>), plus those written before
    /// that index existed, which the caller judges from their records.</summary>
    Task<Page<Product>> IdleProductsAsync(string supplierId, DateTimeOffset idleBefore, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Every stored proposal of the supplier (at most about <see cref="ClearanceRun.MaxProposals"/> open ones and
    /// the decided ones still quiet).</summary>
    Task<IReadOnlyList<ProposedClearance>> AllProposalsAsync(string supplierId, CancellationToken cancellationToken);

    /// <summary>One page of proposals, the oldest stock first.</summary>
    Task<Page<ProposedClearance>> ListProposalsAsync(string supplierId, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The proposals of one SKU (one per warehouse).</summary>
    Task<IReadOnlyList<ProposedClearance>> ProposalsOfAsync(string supplierId, string sku, CancellationToken cancellationToken);

    Task<Versioned<ProposedClearance>?> FindProposalAsync(string supplierId, string id, CancellationToken cancellationToken);

    /// <summary>Writes the proposal: any version when <paramref name="ifMatch"/> is null (the nightly run), else only that
    /// version (412 when stale).</summary>
    Task<Versioned<ProposedClearance>> SaveProposalAsync(ProposedClearance proposal, string? ifMatch, CancellationToken cancellationToken);

    Task RemoveProposalAsync(string supplierId, string id, CancellationToken cancellationToken);

    /// <summary>What each of <paramref name="skus"/> sold with, in one query; SKUs never sold with another are absent.</summary>
    Task<IReadOnlyDictionary<string, SoldTogether>> SoldTogetherAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    Task<Versioned<SoldTogether>?> FindSoldTogetherAsync(string supplierId, string sku, CancellationToken cancellationToken);

    /// <summary>Creates with a null <paramref name="ifMatch"/> (a conflict when it exists by then), else replaces that version.</summary>
    Task SaveSoldTogetherAsync(string supplierId, SoldTogether value, string? ifMatch, CancellationToken cancellationToken);
}

/// <summary>Clearance (issue 13, decision 0021b): the supplier's settings, the nightly analysis that proposes slow stock
/// for clearance, and the pricing managers' decisions. An accepted proposal becomes a time-limited promotion marked
/// <see cref="Promotion.Clearance"/>, created through <see cref="PricingService.PutPromotionAsync"/> so that it is checked
/// and explained in quotes exactly as a promotion a pricing manager writes by hand.</summary>
public sealed partial class ClearanceService(
    IClearanceStore store,
    IProductStore products,
    IPricingStore pricing,
    PricingService promotions,
    AccessControl access,
    IDueIndex due,
    DueWork dueWork,
    TimeProvider clock,
    ILogger<ClearanceService> logger)
{
    /// <summary>The due-index kind of a supplier's nightly analysis: saving settings adds one for today, and each run adds
    /// the next day's, so the timer reads one partition a night instead of every organization.</summary>
    public const string DueKind = "clearance";

    public const int DefaultPage = 50;
    public const int MaxPage = 200;
    private const int ProductPage = 200;
    private const int MaxBundleDays = 365;

    public async Task<Versioned<ClearanceSettings>> GetSettingsAsync(Caller caller, string supplierId, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "read clearance settings", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Saves the settings (If-Match to replace, as every whole-document PUT) and makes the supplier due for the
    /// analysis tonight.</summary>
    public async Task<Versioned<ClearanceSettings>> PutSettingsAsync(Caller caller, string supplierId, ClearanceSettingsInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "change clearance settings", Roles.PricingManagers, cancellationToken).ConfigureAwait(false);
        var settings = ClearanceSettings.From(input ?? new ClearanceSettingsInput(null, null, null, null, null));
        var current = await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
        var saved = await store.SaveSettingsAsync(supplierId, settings, Versions.ForReplace(current.IsStored ? current : null, ifMatch), cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        await due.AddAsync(new DueEntry(DueEntry.DayOf(now), DueId(supplierId), DueKind, supplierId, now), cancellationToken).ConfigureAwait(false);
        return saved;
    }

    /// <summary>The nightly timer: analyses every supplier due (those that saved settings), each one adding itself for the
    /// next day first, so a supplier whose run failed stays due tonight and still comes back tomorrow. Running it twice
    /// the same night finds nothing due the second time, and an analysis repeated writes nothing that did not change.</summary>
    public Task<int> RunAsync(CancellationToken cancellationToken) =>
        dueWork.RunAsync(DueKind, async (entry, ct) =>
        {
            var tomorrow = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
            await due.AddAsync(new DueEntry(DueEntry.DayOf(tomorrow), DueId(entry.OrgId), DueKind, entry.OrgId, tomorrow), ct).ConfigureAwait(false);
            var written = await ProposeAsync(entry.OrgId, ct).ConfigureAwait(false);
            LogAnalysed(logger, entry.OrgId, written);
        }, cancellationToken);

    private static string DueId(string supplierId) => $"clearance.{supplierId}";

    /// <summary>Analyses one supplier's stock and brings its proposals up to date; returns how many were written or
    /// removed. Reads the products with slow stock page by page, what they sell with in one query per page, and the stored
    /// proposals in one query.</summary>
    public async Task<int> ProposeAsync(string supplierId, CancellationToken cancellationToken)
    {
        var settings = await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
        if (!settings.IsStored)
        {
            return 0;
        }

        var s = settings.Value;
        var now = clock.GetUtcNow();
        var fresh = new List<(ClearanceProposal, DateTimeOffset)>();
        string? after = null;
        do
        {
            var page = await store.IdleProductsAsync(supplierId, now.AddDays(-s.AgeDays), after, ProductPage, cancellationToken).ConfigureAwait(false);
            var skus = page.Items.Select(p => p.Sku).ToArray();
            var soldWith = await store.SoldTogetherAsync(supplierId, skus, cancellationToken).ConfigureAwait(false);
            var ages = page.Items.SelectMany(ClearanceRun.AgesOf).ToArray();
            var proposals = Clearance.Propose(ages, now, s.AgeDays, s.BaseDiscountPercent, s.MaxDiscountPercent,
                soldWith.ToDictionary(w => w.Key, w => w.Value.With, StringComparer.Ordinal),
                s.Bundle ? page.Items.ToDictionary(p => p.Sku, p => p.Related, StringComparer.Ordinal) : new Dictionary<string, IReadOnlyList<string>>());
            var idle = ages.ToDictionary(a => (a.Sku, a.WarehouseId), ClearanceRun.IdleSince);
            fresh.AddRange(proposals.Select(p => (s.Bundle ? p : p with { BundleWith = [] }, idle[(p.Sku, p.WarehouseId)])));
            after = Cursor.Decode(page.Next, "cursor");
        }
        while (after is not null);

        // Oldest first over all pages, as Clearance.Propose orders one page.
        var ordered = fresh.OrderBy(f => f.Item2).ThenBy(f => f.Item1.Sku, StringComparer.Ordinal).ThenBy(f => f.Item1.WarehouseId, StringComparer.Ordinal).ToArray();
        var existing = await store.AllProposalsAsync(supplierId, cancellationToken).ConfigureAwait(false);
        var plan = ClearanceRun.Plan(supplierId, existing, ordered, now, () => Ids.New(clock));
        foreach (var proposal in plan.Write)
        {
            await store.SaveProposalAsync(proposal, null, cancellationToken).ConfigureAwait(false);
        }

        foreach (var gone in plan.Remove)
        {
            await store.RemoveProposalAsync(supplierId, gone.Id, cancellationToken).ConfigureAwait(false);
        }

        return plan.Write.Count + plan.Remove.Count;
    }

    public async Task<Page<ProposedClearance>> ListAsync(Caller caller, string supplierId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "read clearance proposals", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        var size = Paging.Size(limit, DefaultPage, MaxPage);
        return await store.ListProposalsAsync(supplierId, Cursor.Decode(cursor, "cursor"), size, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<ProposedClearance>> GetAsync(Caller caller, string supplierId, string id, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "read clearance proposals", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await FindAsync(supplierId, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Accepts a proposal: a promotion marked as clearance, for everyone, from now until the chosen end — a
    /// percentage off the SKU, or, bundled, the SKU and its companions (one base unit each) at their general-list prices
    /// less the discount. Accepting an accepted proposal answers it as it is and makes nothing more; If-Match, when sent,
    /// must name the proposal as read (412 otherwise: the nightly run may have changed its discount).</summary>
    public async Task<Versioned<ProposedClearance>> AcceptAsync(Caller caller, string supplierId, string id, ClearanceAcceptance? input, string? ifMatch, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "accept clearance proposals", Roles.PricingManagers, cancellationToken).ConfigureAwait(false);
        input ??= new ClearanceAcceptance(null, null, null);
        var now = clock.GetUtcNow();
        var v = new Validation();
        v.Check(input.DiscountPercent is null or (> 0 and <= ClearanceSettings.MaxPercent) && (input.DiscountPercent is null || decimal.Round(input.DiscountPercent.Value, 1) == input.DiscountPercent),
            "discountPercent", $"must be more than 0 and at most {ClearanceSettings.MaxPercent}, with at most one decimal.");
        v.Check(input.ValidTo is null || (input.ValidTo > now && input.ValidTo <= now.AddDays(MaxBundleDays)), "validTo", $"must be after now and at most {MaxBundleDays} days ahead.");
        v.ThrowIfInvalid();
        return await Concurrency.RetryAsync($"Clearance proposal '{id}'", async _ =>
        {
            var found = await FindAsync(supplierId, id, cancellationToken).ConfigureAwait(false);
            var p = found.Value;
            if (p.Status == ClearanceStatus.Accepted)
            {
                return found;
            }

            if (p.Status == ClearanceStatus.Dismissed)
            {
                // Dismissed while this acceptance was writing its promotion: that promotion must not run.
                await pricing.DeleteAsync(supplierId, PricingRuleKind.Promotions, p.PromotionIdOfRound, cancellationToken).ConfigureAwait(false);
                throw DomainException.Conflict($"The clearance of {p.Sku} in warehouse {p.WarehouseId} was dismissed; it may be proposed again after {p.QuietUntil:yyyy-MM-dd}.");
            }

            CheckVersion(found, ifMatch);
            var product = await products.FindAsync(supplierId, p.Sku, cancellationToken).ConfigureAwait(false);
            if (product?.Value.Stock.GetValueOrDefault(p.WarehouseId) is not { OnHand: > 0 })
            {
                throw DomainException.Conflict($"{p.Sku} has nothing on hand in warehouse {p.WarehouseId} any more, so there is nothing to clear; the next nightly analysis removes this proposal.");
            }

            if ((await store.ProposalsOfAsync(supplierId, p.Sku, cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(o => o.Id != p.Id && o.Status == ClearanceStatus.Accepted && o.QuietUntil > now) is { } running)
            {
                throw DomainException.Conflict($"{p.Sku} is on clearance already (promotion {running.PromotionId}, from warehouse {running.WarehouseId}, until {running.QuietUntil:yyyy-MM-dd}): a product has one clearance promotion at a time, since a promotion prices the product whichever warehouse ships it.");
            }

            var settings = (await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false)).Value;
            var percent = input.DiscountPercent ?? p.DiscountPercent;
            var validTo = input.ValidTo ?? now.AddDays(settings.ValidityDays);
            var bundle = input.Bundle ?? (settings.Bundle && p.BundleWith.Count > 0);
            if (bundle && p.BundleWith.Count == 0)
            {
                throw DomainException.Unprocessable("bundle", $"{p.Sku} has no companions to bundle with: orders show nothing it sells with and the catalog names no related products. Accept it as a discount (bundle: false).");
            }

            var promotionId = p.PromotionIdOfRound;
            if (await pricing.FindAsync(supplierId, PricingRuleKind.Promotions, promotionId, cancellationToken).ConfigureAwait(false) is null)
            {
                var promotion = bundle
                    ? await BundleAsync(supplierId, product.Value, p, percent, now, validTo, cancellationToken).ConfigureAwait(false)
                    : Promotion(product.Value, new ProductSetInput([p.Sku], null, null), new Reward(RewardKind.PercentOff, Percent: percent), null, now, validTo);
                try
                {
                    await promotions.PutPromotionAsync(caller, supplierId, promotionId, promotion, null, cancellationToken).ConfigureAwait(false);
                }
                catch (DomainException e) when (e.Kind == FailureKind.PreconditionRequired)
                {
                    // A concurrent acceptance of the same proposal created it first: the same promotion, kept as it wrote it.
                }
            }

            var accepted = p with { Status = ClearanceStatus.Accepted, DecidedAt = now, DecidedBy = caller.UserId, PromotionId = promotionId, QuietUntil = validTo };
            return await store.SaveProposalAsync(accepted, found.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>Dismisses a proposal: not proposed again for the supplier's validity days (the time its promotion would have
    /// run). Dismissing again answers it as it is.</summary>
    public async Task<Versioned<ProposedClearance>> DismissAsync(Caller caller, string supplierId, string id, string? ifMatch, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "dismiss clearance proposals", Roles.PricingManagers, cancellationToken).ConfigureAwait(false);
        return await Concurrency.RetryAsync($"Clearance proposal '{id}'", async _ =>
        {
            var found = await FindAsync(supplierId, id, cancellationToken).ConfigureAwait(false);
            var p = found.Value;
            if (p.Status == ClearanceStatus.Dismissed)
            {
                return found;
            }

            if (p.Status == ClearanceStatus.Accepted)
            {
                throw DomainException.Conflict($"The clearance of {p.Sku} was accepted: promotion {p.PromotionId} runs until {p.QuietUntil:yyyy-MM-dd}. End it early by changing or deleting that promotion.");
            }

            CheckVersion(found, ifMatch);
            var now = clock.GetUtcNow();
            var settings = (await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false)).Value;
            var dismissed = p with { Status = ClearanceStatus.Dismissed, DecidedAt = now, DecidedBy = caller.UserId, QuietUntil = now.AddDays(settings.ValidityDays) };
            var written = await store.SaveProposalAsync(dismissed, found.ETag, cancellationToken).ConfigureAwait(false);
            // An acceptance racing this dismissal may have written the round's promotion before losing the proposal's write;
            // the proposal reads dismissed, so no promotion of it may run (the acceptance removes it too when it sees this).
            await pricing.DeleteAsync(supplierId, PricingRuleKind.Promotions, p.PromotionIdOfRound, cancellationToken).ConfigureAwait(false);
            return written;
        }).ConfigureAwait(false);
    }

    private async Task<Versioned<ProposedClearance>> FindAsync(string supplierId, string id, CancellationToken cancellationToken) =>
        (Ids.IsWellFormed(id) ? await store.FindProposalAsync(supplierId, id, cancellationToken).ConfigureAwait(false) : null)
            ?? throw DomainException.NotFound("Clearance proposal", id);

    private static void CheckVersion(Versioned<ProposedClearance> found, string? ifMatch)
    {
        if (ifMatch is not null && !string.Equals(ifMatch, found.ETag, StringComparison.Ordinal))
        {
            throw new DomainException(FailureKind.PreconditionFailed, "The proposal changed since it was read (the nightly analysis updates open proposals); read it again and retry with the new ETag.");
        }
    }

    /// <summary>A bundle of the SKU and those of its companions that have a general-list price in the SKU's currency: one
    /// base unit of each at the sum of those prices less <paramref name="percent"/>, rounded to the currency.</summary>
    private async Task<PromotionInput> BundleAsync(string supplierId, Product product, ProposedClearance p, decimal percent, DateTimeOffset now, DateTimeOffset validTo, CancellationToken cancellationToken)
    {
        string[] skus = [p.Sku, .. p.BundleWith];
        var found = (await products.FindManyAsync(supplierId, skus, cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.Value.Sku, f => f.Value, StringComparer.Ordinal);
        var entries = await pricing.EntriesAsync(supplierId, [PriceEntry.BaseList], skus, cancellationToken).ConfigureAwait(false);
        (decimal Price, string Currency)? BasePrice(string sku)
        {
            if (found.GetValueOrDefault(sku) is not { Status: ProductStatus.Active } item)
            {
                return null;
            }

            var entry = entries.Where(e => e.Sku == sku && item.UnitOf(e.Unit) is not null).OrderBy(e => e.MinQuantity).ThenBy(e => item.UnitOf(e.Unit)!.Factor).FirstOrDefault();
            return entry is null ? null : (entry.Price / item.UnitOf(entry.Unit)!.Factor, entry.Currency);
        }

        var own = BasePrice(p.Sku) ?? throw DomainException.Conflict($"{p.Sku} has no price in the general price list, so a bundle price cannot be worked out; accept it as a discount (bundle: false) or give it a price.");
        var companions = p.BundleWith.Select(sku => (Sku: sku, Price: BasePrice(sku))).Where(c => c.Price is { } price && price.Currency == own.Currency).ToArray();
        if (companions.Length == 0)
        {
            throw DomainException.Conflict($"None of the companions of {p.Sku} ({string.Join(", ", p.BundleWith)}) is an active product with a general-list price in {own.Currency}; accept it as a discount (bundle: false).");
        }

        var total = own.Price + companions.Sum(c => c.Price!.Value.Price);
        var price = Currency.Round(total * (100 - percent) / 100, own.Currency);
        string[] bundle = [p.Sku, .. companions.Select(c => c.Sku)];
        return Promotion(product, new ProductSetInput(bundle, null, null), new Reward(RewardKind.BundlePrice, BundleSkus: bundle, BundlePrice: price), own.Currency, now, validTo);
    }

    private static PromotionInput Promotion(Product product, ProductSetInput products, Reward reward, string? currency, DateTimeOffset now, DateTimeOffset validTo) =>
        new(Name: $"{product.Name} ({product.Sku})", Audiences: ["all"], Products: products, MinQuantity: null, MinValue: null, ValidFrom: now, ValidTo: validTo,
            UsageLimitPerCustomer: null, CouponCode: null, Reward: reward, Stacking: Stacking.Combinable, Priority: 0, Clearance: true, Currency: currency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clearance analysis of {SupplierId}: {Written} proposals written or removed")]
    private static partial void LogAnalysed(ILogger logger, string supplierId, int written);
}

/// <summary>Keeps <see cref="SoldTogether"/> as orders are placed: hears <c>order.placed</c> from the sales outbox and
/// counts each of the order's products with the others, once per order (a redelivered outbox counts nothing twice).</summary>
public sealed class SoldTogetherObserver(IClearanceStore store) : ISalesObserver
{
    public async Task HandedOnAsync(ISalesDocument document, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (document is not Order order || !events.Any(e => e.Type == "order.placed"))
        {
            return;
        }

        var skus = order.Skus.ToArray();
        if (skus.Length is < 2 or > SoldTogether.MaxOrderProducts)
        {
            return;
        }

        foreach (var sku in skus)
        {
            await Concurrency.RetryAsync(string.Create(CultureInfo.InvariantCulture, $"What {sku} sells with"), async _ =>
            {
                var found = await store.FindSoldTogetherAsync(order.SupplierId, sku, cancellationToken).ConfigureAwait(false);
                var next = SoldTogether.Count(found?.Value, sku, order.Id, skus);
                if (!ReferenceEquals(next, found?.Value))
                {
                    await store.SaveSoldTogetherAsync(order.SupplierId, next, found?.ETag, cancellationToken).ConfigureAwait(false);
                }

                return next;
            }).ConfigureAwait(false);
        }
    }
}
