using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Core.Marketing;

/// <summary>A campaign with what it achieved so far.</summary>
public sealed record CampaignView(Campaign Campaign, CampaignCounts Results);

/// <summary>Campaigns and the supplier's marketing settings, for supplier admins and sales managers (issue 13). A
/// campaign is written as a draft, activated (which checks its offers against the pricing rules and schedules its first
/// run), paused, resumed and ended; it is edited while a draft or paused. The runs also write it (when they ran, when they
/// run next), so edits name the version of what the client edits (its content), not the store's.</summary>
public sealed class CampaignService(AccessControl access, ICustomerAccountStore accounts, IMarketingStore store, ICampaignResults results, IPricingStore pricing, CampaignRunner runner, MarketingSettingsCache settingsCache, TimeProvider clock)
{
    public const int MaxPage = 100;

    /// <summary>Who manages campaigns.</summary>
    public static readonly IReadOnlyList<Role> Managers = [Role.SupplierAdmin, Role.SalesManager];

    public async Task<Versioned<MarketingSettings>> GetSettingsAsync(Caller caller, string supplierId, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "read the marketing settings", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        return await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<MarketingSettings>> PutSettingsAsync(Caller caller, string supplierId, MarketingSettingsInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "change the marketing settings", [Role.SupplierAdmin], cancellationToken).ConfigureAwait(false);
        var settings = MarketingSettings.From(input);
        var current = await store.SettingsAsync(supplierId, cancellationToken).ConfigureAwait(false);
        var saved = await store.SaveSettingsAsync(supplierId, settings, Versions.ForReplace(current.IsStored ? current : null, ifMatch), cancellationToken).ConfigureAwait(false);
        settingsCache.Forget(supplierId);
        return saved;
    }

    /// <summary>What Agora knows of a customer's rhythm: last order and login, orders, revenue, its usual interval, when it
    /// counts as inactive, the campaign emails it got lately. Supplier staff; an account never seen has empty signals.</summary>
    public async Task<CustomerSignals> SignalsAsync(Caller caller, string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "read customer signals", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        var account = Ids.IsWellFormed(buyerId) ? await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false) : null;
        if (account is null)
        {
            throw DomainException.NotFound("Customer account", buyerId);
        }

        return (await store.FindSignalsAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false))?.Value ?? CustomerSignals.None(supplierId, buyerId);
    }

    public async Task<Page<Campaign>> ListAsync(Caller caller, string supplierId, CampaignStatus? status, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "read campaigns", Managers, cancellationToken).ConfigureAwait(false);
        return await store.ListCampaignsAsync(supplierId, status, Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 50, MaxPage), cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<CampaignView>> GetAsync(Caller caller, string supplierId, string campaignId, CancellationToken cancellationToken)
    {
        await access.SupplierMemberAsync(caller, supplierId, "read campaigns", Managers, cancellationToken).ConfigureAwait(false);
        var campaign = await FindAsync(supplierId, campaignId, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(campaign.Value, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<CampaignView>> CreateAsync(Caller caller, string supplierId, CampaignInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.SupplierMemberAsync(caller, supplierId, "create campaigns", Managers, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var draft = new Campaign
        {
            Id = Ids.New(clock),
            SupplierId = supplierId,
            Name = string.Empty,
            Kind = CampaignKind.Broadcast,
            Status = CampaignStatus.Draft,
            Segment = Segment.Everyone,
            CreatedBy = caller.UserId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var campaign = CampaignRules.Checked(input, draft, now);
        var created = await store.CreateCampaignAsync(campaign, cancellationToken).ConfigureAwait(false);
        return await ViewAsync(created.Value, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Versioned<CampaignView>> ChangeAsync(Caller caller, string supplierId, string campaignId, CampaignInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.SupplierMemberAsync(caller, supplierId, "change campaigns", Managers, cancellationToken).ConfigureAwait(false);
        var written = await Concurrency.RetryAsync("The campaign", async _ =>
        {
            var current = await FindAsync(supplierId, campaignId, cancellationToken).ConfigureAwait(false);
            Versions.CheckContent(ContentVersion(current.Value), ifMatch);
            if (current.Value.Status is not (CampaignStatus.Draft or CampaignStatus.Paused))
            {
                throw DomainException.Conflict($"The campaign is {Word(current.Value.Status)}: pause it to change it.");
            }

            var changed = CampaignRules.Checked(input, current.Value, clock.GetUtcNow());
            if (current.Value.Status == CampaignStatus.Paused && changed.Kind != current.Value.Kind)
            {
                throw DomainException.Invalid("kind", "a campaign that ran keeps its kind; create another campaign for another kind.");
            }

            return await store.ReplaceCampaignAsync(changed, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        return await ViewAsync(written.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Activates (checks the offers and schedules the first run), pauses, resumes or ends a campaign.</summary>
    public async Task<Versioned<CampaignView>> SetStatusAsync(Caller caller, string supplierId, string campaignId, CampaignStatusInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        await access.SupplierMemberAsync(caller, supplierId, "start and stop campaigns", Managers, cancellationToken).ConfigureAwait(false);
        var to = input.Status ?? throw DomainException.Invalid("status", "is required: active, paused or ended.");
        if (!Enum.IsDefined(to) || to == CampaignStatus.Draft)
        {
            throw DomainException.Invalid("status", "must be active, paused or ended.");
        }

        var written = await Concurrency.RetryAsync("The campaign", async _ =>
        {
            var current = await FindAsync(supplierId, campaignId, cancellationToken).ConfigureAwait(false);
            var from = current.Value.Status;
            if (from == to)
            {
                return current;
            }

            var allowed = from switch
            {
                CampaignStatus.Draft => new[] { CampaignStatus.Active, CampaignStatus.Ended },
                CampaignStatus.Active => [CampaignStatus.Paused, CampaignStatus.Ended],
                CampaignStatus.Paused => [CampaignStatus.Active, CampaignStatus.Ended],
                _ => [],
            };
            if (!allowed.Contains(to))
            {
                throw DomainException.MoveNotAllowed("The campaign", Word(from), allowed.Select(Word).ToArray(), Word(to));
            }

            var now = clock.GetUtcNow();
            var next = current.Value with { Status = to, UpdatedAt = now, NextRunAt = null };
            if (to == CampaignStatus.Active)
            {
                await CheckOffersAsync(current.Value, cancellationToken).ConfigureAwait(false);
                var at = await runner.NextRunAsync(next, now, cancellationToken).ConfigureAwait(false);
                if (at is null)
                {
                    throw DomainException.Conflict("The campaign's schedule has no run left; change its schedule first.");
                }

                next = next with { NextRunAt = at };
            }

            var stored = await store.ReplaceCampaignAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
            if (to == CampaignStatus.Active)
            {
                await runner.ScheduleAsync(stored.Value, now, cancellationToken).ConfigureAwait(false);
            }

            return stored;
        }).ConfigureAwait(false);
        return await ViewAsync(written.Value, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every offered promotion exists; one offered with personal coupons has a coupon code to make them from.</summary>
    private async Task CheckOffersAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var v = new Validation();
        var offers = campaign.Offer is null ? [] : new[] { ("offer", campaign.Offer) };
        foreach (var (field, offer) in offers.Concat(campaign.Steps.Select((s, i) => ($"steps[{i}].offer", s.Offer)).Where(x => x.Item2 is not null).Select(x => (x.Item1, x.Item2!))))
        {
            var found = await pricing.FindAsync(campaign.SupplierId, PricingRuleKind.Promotions, offer.PromotionId, cancellationToken).ConfigureAwait(false);
            if (found?.Value.Promotion is not { } promotion)
            {
                v.Add($"{field}.promotionId", $"no promotion '{offer.PromotionId}' in your pricing rules.");
            }
            else if (offer.CouponPerCustomer && promotion.CouponCode is null)
            {
                v.Add($"{field}.couponPerCustomer", $"promotion '{promotion.Name}' has no coupon code to make personal codes from.");
            }
            else if (promotion.ValidTo is { } end && end <= clock.GetUtcNow())
            {
                v.Add($"{field}.promotionId", $"promotion '{promotion.Name}' ended on {end:yyyy-MM-dd}.");
            }
            else if (promotion.ValidFrom is { } start && start > (campaign.Schedule?.At is { } at && at > clock.GetUtcNow() ? at : clock.GetUtcNow()))
            {
                v.Add($"{field}.promotionId", $"promotion '{promotion.Name}' starts on {start:yyyy-MM-dd}, after the campaign's first email: its coupon would not work yet.");
            }
        }

        if (!v.IsValid)
        {
            v.ThrowIfInvalid();
        }
    }

    private async Task<Versioned<Campaign>> FindAsync(string supplierId, string campaignId, CancellationToken cancellationToken) =>
        (Ids.IsWellFormed(campaignId) ? await store.FindCampaignAsync(supplierId, campaignId, cancellationToken).ConfigureAwait(false) : null)
        ?? throw DomainException.NotFound("Campaign", campaignId);

    private async Task<Versioned<CampaignView>> ViewAsync(Campaign campaign, CancellationToken cancellationToken) =>
        new(new CampaignView(campaign, await results.GetAsync(campaign.SupplierId, campaign.Id, cancellationToken).ConfigureAwait(false)), ContentVersion(campaign));

    /// <summary>The version clients edit against: what they wrote and its status, not the runs' bookkeeping.</summary>
    public static string ContentVersion(Campaign campaign) =>
        Versions.OfContent(new { campaign.Name, campaign.Kind, campaign.Status, campaign.Segment, campaign.Offer, campaign.Messages, campaign.Schedule, campaign.Steps, campaign.SendWithinHours });

    private static string Word(CampaignStatus status) => status switch
    {
        CampaignStatus.Draft => "draft",
        CampaignStatus.Active => "active",
        CampaignStatus.Paused => "paused",
        _ => "ended",
    };
}
