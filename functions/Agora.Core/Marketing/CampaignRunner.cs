using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Core.Pricing;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Marketing;

/// <summary>The campaign timer's work (issue 13): the runs due by now — a broadcast's occurrence, a sequence's pass — and
/// the sales-manager tasks the signals made due (a customer gone inactive, a high-value cart left idle). Found through the
/// due index, never by scanning suppliers.
///
/// A run decides for each recipient with the send policy (opt-outs first, the weekly cap, quiet hours), sends in requests
/// of at most 1,000 personalizations, one per step and language, and after each request records it in the run document
/// first (its checkpoint) and then in each recipient's delivery record, sequence state and customer touches. A run that
/// crashed finishes recording its last request before anything else, and skips every recipient whose delivery id is
/// recorded, so each recipient gets each step once and nobody is missed (decision 0021). The window left is a crash
/// between SendGrid accepting a request and the one write of its checkpoint.</summary>
public sealed partial class CampaignRunner(
    IMarketingStore store,
    ISuppressions suppressions,
    IMarketingMailer mailer,
    ICampaignResults results,
    MarketingSignals signals,
    ISalesTasks tasks,
    ITimelineStore timeline,
    IOrganizationStore organizations,
    ICustomerAccountStore accounts,
    IPricingStore pricing,
    PricingService pricingService,
    ISalesDocuments<Cart> carts,
    IProductStore products,
    IDueIndex due,
    DueWork work,
    Notifications.NotificationOptions portal,
    TimeProvider clock,
    ILogger<CampaignRunner> logger)
{
    public const string DueKind = "campaign";

    /// <summary>How soon an active sequence looks again after a pass (the timer's period is 15 minutes).</summary>
    public static readonly TimeSpan SequencePass = TimeSpan.FromMinutes(10);

    /// <summary>The run key of a sequence: one run document per sequence holds its checkpoint across passes.</summary>
    public const string SequenceRun = "sequence";

    /// <summary>Subjects (carts or customers) one sequence pass looks at, oldest first; the rest wait for the next pass.</summary>
    public const int MaxSubjectsPerPass = 10_000;

    private const int Parallel = 16;

    // What the audience (a nested helper) reads through its runner.
    private IMarketingStore Store => store;

    private ISalesDocuments<Cart> Carts => carts;

    private PricingService PricingQuotes => pricingService;

    private ICustomerAccountStore Accounts => accounts;

    private IOrganizationStore Organizations => organizations;

    private IProductStore Products => products;

    private Notifications.NotificationOptions Portal => portal;

    public async Task<int> RunDueAsync(CancellationToken cancellationToken)
    {
        var handled = await work.RunAsync(DueKind, RunEntryAsync, cancellationToken).ConfigureAwait(false);
        handled += await work.RunAsync(MarketingSignals.InactiveKind, InactiveCustomerAsync, cancellationToken).ConfigureAwait(false);
        handled += await work.RunAsync(MarketingSignals.IdleCartKind, IdleCartAsync, cancellationToken).ConfigureAwait(false);
        return handled;
    }

    public static DueEntry Entry(Campaign campaign, string runKey, DateTimeOffset at) =>
        new(DueEntry.DayOf(at), $"{campaign.Id}|{runKey}|{at.UtcTicks.ToString(CultureInfo.InvariantCulture)}", DueKind, campaign.SupplierId, at);

    public static string RunKeyOf(DateTimeOffset occurrence) => occurrence.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);

    /// <summary>When an activated campaign runs next: its schedule's next run, or sooner the recipients its latest run was
    /// still waiting for (a campaign resumed after a pause).</summary>
    public async Task<DateTimeOffset?> NextRunAsync(Campaign campaign, DateTimeOffset after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var next = campaign.NextRun(after, campaign.LastRunAt);
        if (!campaign.IsSequence && campaign.LastRunKey is { } key
            && await store.FindRunAsync(campaign.SupplierId, campaign.Id, key, cancellationToken).ConfigureAwait(false) is { ResumeAt: { } resume })
        {
            var at = resume < after ? after : resume;
            await due.AddAsync(Entry(campaign, key, at), cancellationToken).ConfigureAwait(false);
            return next is { } n && n < at ? n : at;
        }

        return next;
    }

    /// <summary>Puts an active campaign's next run in the due index (on activation and after each run).</summary>
    public async Task<DateTimeOffset?> ScheduleAsync(Campaign campaign, DateTimeOffset after, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var next = campaign.NextRun(after, campaign.LastRunAt);
        if (next is { } at)
        {
            await due.AddAsync(Entry(campaign, campaign.IsSequence ? SequenceRun : RunKeyOf(at), at), cancellationToken).ConfigureAwait(false);
        }

        return next;
    }

    private async Task RunEntryAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var parts = entry.Id.Split('|');
        if (parts.Length != 3)
        {
            return;
        }

        var found = await store.FindCampaignAsync(entry.OrgId, parts[0], cancellationToken).ConfigureAwait(false);
        if (found is not { Value.Status: CampaignStatus.Active } active)
        {
            return; // paused or ended since: its entries lapse; activating it again schedules it anew
        }

        var campaign = active.Value;
        var now = clock.GetUtcNow();
        var runKey = parts[1];
        if (!campaign.IsSequence && campaign.Schedule?.Cron is not null
            && DateTimeOffset.TryParseExact(runKey, "yyyyMMddHHmm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var occurrence)
            && campaign.NextRun(occurrence.AddMinutes(1), null) is { } following)
        {
            // The next occurrence is due whatever becomes of this one.
            await due.AddAsync(Entry(campaign, RunKeyOf(following), following), cancellationToken).ConfigureAwait(false);
        }

        var run = await RunAsync(campaign, runKey, cancellationToken).ConfigureAwait(false);
        DateTimeOffset? again = campaign.IsSequence ? now + SequencePass : run.ResumeAt;
        if (again is { } resume)
        {
            await due.AddAsync(Entry(campaign, runKey, resume), cancellationToken).ConfigureAwait(false);
        }

        await Concurrency.RetryAsync("The campaign", async attempt =>
        {
            var current = attempt == 1 ? active : await store.FindCampaignAsync(campaign.SupplierId, campaign.Id, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return;
            }

            var next = current.Value.IsSequence ? again : current.Value.NextRun(now.AddMinutes(1), now) is { } n && (again is null || n < again) ? n : again;
            await store.ReplaceCampaignAsync(current.Value with { LastRunAt = now, LastRunKey = runKey, NextRunAt = next }, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>One run of <paramref name="campaign"/> under <paramref name="runKey"/>: finishes the checkpoint of a
    /// crashed run, then sends what is due now.</summary>
    public async Task<CampaignRun> RunAsync(Campaign campaign, string runKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var now = clock.GetUtcNow();
        var holder = Ids.New(clock);
        if (!await store.ClaimRunAsync(new CampaignRun { SupplierId = campaign.SupplierId, CampaignId = campaign.Id, RunKey = runKey, StartedAt = now }, holder, now + ClaimTime, now, cancellationToken).ConfigureAwait(false))
        {
            // Another run of this campaign is sending (the admin endpoint beside the schedule): this entry stays due.
            throw new IncompleteWorkException($"Campaign {campaign.Id} run {runKey} is being sent by another run.");
        }

        var run = (await store.FindRunAsync(campaign.SupplierId, campaign.Id, runKey, cancellationToken).ConfigureAwait(false))!;
        try
        {
            return await SendAsync(campaign, runKey, run, now, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (await store.FindRunAsync(campaign.SupplierId, campaign.Id, runKey, CancellationToken.None).ConfigureAwait(false) is { } held && held.Holder == holder)
            {
                await store.SaveRunAsync(held with { Holder = null, ClaimedUntil = null }, CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }
    }

    /// <summary>How long a run's claim holds without a batch sent (each batch renews it).</summary>
    public static readonly TimeSpan ClaimTime = TimeSpan.FromMinutes(10);

    private async Task<CampaignRun> SendAsync(Campaign campaign, string runKey, CampaignRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (run.LastBatch is { } unfinished)
        {
            await RecordAsync(campaign, runKey, unfinished, cancellationToken).ConfigureAwait(false);
        }

        var settings = (await store.SettingsAsync(campaign.SupplierId, cancellationToken).ConfigureAwait(false)).Value;
        var supplier = (await organizations.FindAsync(campaign.SupplierId, cancellationToken).ConfigureAwait(false))?.Value
            ?? throw DomainException.NotFound("Organization", campaign.SupplierId);
        var offers = await OffersAsync(campaign, cancellationToken).ConfigureAwait(false);
        var audience = new Audience(this, campaign, settings, offers, now);
        var candidates = campaign.Kind switch
        {
            CampaignKind.AbandonedCart => await audience.CartsAsync(cancellationToken).ConfigureAwait(false),
            CampaignKind.Reactivation => await audience.InactiveAsync(cancellationToken).ConfigureAwait(false),
            _ => await audience.BroadcastAsync(runKey, cancellationToken).ConfigureAwait(false),
        };

        // One email per person per run: the first (the latest step) of each address.
        candidates = candidates.GroupBy(c => c.Email, StringComparer.Ordinal).Select(g => g.First()).ToArray();
        var emails = candidates.Select(c => c.Email).ToArray();
        var sends = await store.SendsAsync(campaign.SupplierId, emails, cancellationToken).ConfigureAwait(false);
        var optOuts = await suppressions.FindAsync(emails, cancellationToken).ConfigureAwait(false);
        var rules = settings.Rules;
        var go = new List<Candidate>();
        long waiting = 0, suppressed = 0, expired = 0, newlySuppressed = 0, newlyDeferred = 0;
        var counted = new List<(string Email, string Mark)>();
        DateTimeOffset? resume = null;
        var deadline = run.StartedAt.AddHours(campaign.SendWithinHours);
        foreach (var c in candidates)
        {
            var history = sends.GetValueOrDefault(c.Email);
            if (history?.Has(c.DeliveryId) == true)
            {
                continue; // sent already (this run before a crash, or an earlier pass)
            }

            var blocked = optOuts.TryGetValue(c.Email, out var s) && s.Blocks(campaign.MailKind);
            var decision = SendPolicy.Decide(new Recipient(c.UserId, c.Email, blocked, history?.Sent.Select(x => x.At).ToArray() ?? [], c.TimeZone), rules, now);
            switch (decision.Verdict)
            {
                case SendVerdict.Send:
                    go.Add(c);
                    break;
                case SendVerdict.Skip:
                    suppressed++;
                    if (history?.HasCounted($"suppressed:{c.DeliveryId}") != true)
                    {
                        newlySuppressed++;
                        counted.Add((c.Email, $"suppressed:{c.DeliveryId}"));
                    }

                    break;
                default:
                    if (!campaign.IsSequence && decision.NotBefore > deadline)
                    {
                        expired++;
                    }
                    else
                    {
                        waiting++;
                        resume = resume is { } r && r < decision.NotBefore!.Value ? r : decision.NotBefore;
                        if (history?.HasCounted($"deferred:{c.DeliveryId}") != true)
                        {
                            newlyDeferred++;
                            counted.Add((c.Email, $"deferred:{c.DeliveryId}"));
                        }
                    }

                    break;
            }
        }

        var number = run.Batches;
        foreach (var group in go.GroupBy(c => (c.Step, c.Language)).OrderBy(g => g.Key.Step).ThenBy(g => g.Key.Language, StringComparer.Ordinal))
        {
            var byEmail = group.ToDictionary(c => c.Email, StringComparer.Ordinal);
            foreach (var planned in SendBatches.Plan(byEmail.Keys))
            {
                var batch = planned.RecipientIds.Select(e => byEmail[e]).ToArray();
                await mailer.SendAsync(Compose(campaign, supplier, group.Key.Step, group.Key.Language, batch), cancellationToken).ConfigureAwait(false);
                AgoraMetrics.EmailsSent.Add(batch.Length, new KeyValuePair<string, object?>("agora.email.kind", "campaign"));
                number++;
                var sent = new SentBatch(number, group.Key.Step, clock.GetUtcNow(),
                    batch.Select(c => new BatchEntry(c.Email, c.DeliveryId, c.BuyerId, c.SubjectId, c.Coupon) { StartedAt = c.StartedAt, Passed = c.Passed }).ToArray());
                // The checkpoint first: from here on the batch counts as sent, whatever happens to the records after it.
                run = run with { Batches = number, Sent = run.Sent + batch.Length, LastBatch = sent, ClaimedUntil = clock.GetUtcNow() + ClaimTime };
                await store.SaveRunAsync(run, cancellationToken).ConfigureAwait(false);
                await RecordAsync(campaign, runKey, sent, cancellationToken).ConfigureAwait(false);
                LogBatch(logger, campaign.Id, runKey, number, batch.Length);
            }
        }

        var pass = $"{runKey}.{now.UtcTicks.ToString(CultureInfo.InvariantCulture)}";
        if (counted.Count > 0)
        {
            // Each person once per delivery: the results first, then the marks (a crash between them counts that pass's
            // people again on the next pass, never loses them). The marks go on a fresh read of each person's sends, which
            // another campaign's run may have written meanwhile.
            await results.AddAsync(campaign.SupplierId, campaign.Id, $"{pass}.skipped", new CampaignCounts(Suppressed: newlySuppressed, Deferred: newlyDeferred), cancellationToken).ConfigureAwait(false);
            var fresh = await store.SendsAsync(campaign.SupplierId, counted.Select(m => m.Email).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false);
            await store.SaveSendsAsync(campaign.SupplierId, counted.GroupBy(m => m.Email, StringComparer.Ordinal)
                .Select(g => g.Aggregate(fresh.GetValueOrDefault(g.Key) ?? new RecipientSends(g.Key, []), (s, m) => s.WithCounted(m.Mark)))
                .ToArray(), cancellationToken).ConfigureAwait(false);
        }

        run = run with
        {
            Waiting = waiting,
            Suppressed = run.Suppressed + newlySuppressed,
            Expired = run.Expired + expired,
            ResumeAt = campaign.IsSequence ? null : resume,
            FinishedAt = campaign.IsSequence || resume is not null ? null : clock.GetUtcNow(),
            Holder = null,
            ClaimedUntil = null,
        };
        await store.SaveRunAsync(run, cancellationToken).ConfigureAwait(false);
        LogRun(logger, campaign.Id, runKey, go.Count, waiting, suppressed, expired);
        return run;
    }

    /// <summary>What a sent batch leaves behind, each part idempotent: delivery records, sequence states, customer touches
    /// and timeline entries, the campaign's sent count (keyed by the batch).</summary>
    private async Task RecordAsync(Campaign campaign, string runKey, SentBatch batch, CancellationToken cancellationToken)
    {
        var emails = batch.Entries.Select(e => e.Email).ToArray();
        var sends = await store.SendsAsync(campaign.SupplierId, emails, cancellationToken).ConfigureAwait(false);
        await store.SaveSendsAsync(campaign.SupplierId, batch.Entries
            .Select(e => (sends.GetValueOrDefault(e.Email) ?? new RecipientSends(e.Email, [])).With(new SentEmail(e.DeliveryId, campaign.Id, batch.At)))
            .ToArray(), cancellationToken).ConfigureAwait(false);

        var subjects = batch.Entries.Where(e => e.SubjectId is not null).ToArray();
        if (subjects.Length > 0)
        {
            var states = await store.SequencesAsync(campaign.SupplierId, campaign.Id, subjects.Select(e => e.SubjectId!).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false);
            var updated = new Dictionary<string, SequenceState>(StringComparer.Ordinal);
            foreach (var e in subjects)
            {
                var start = e.StartedAt ?? batch.At;
                var state = updated.GetValueOrDefault(e.SubjectId!) ?? states.GetValueOrDefault(e.SubjectId!);
                state = state is null || state.StartedAt != start ? new SequenceState(campaign.Id, e.SubjectId!, start, [], [], false) : state;
                updated[e.SubjectId!] = state with
                {
                    Sent = state.Sent.Append(batch.Step).Distinct().Order().ToArray(),
                    Passed = state.Passed.Concat(e.Passed).Distinct().Order().ToArray(),
                };
            }

            await store.SaveSequencesAsync(campaign.SupplierId, updated.Values.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        // Each customer's touch (for attribution) and timeline entry, 16 customers at a time: a batch of 1,000 people is
        // up to 1,000 customers.
        var subjectLine = MarketingMessages.Plain(SubjectOf(campaign, batch.Step));
        await System.Threading.Tasks.Parallel.ForEachAsync(batch.Entries.GroupBy(e => e.BuyerId, StringComparer.Ordinal), new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (customer, ct) =>
        {
            var touch = new CampaignTouch(campaign.Id, batch.Step, runKey, batch.At, customer.Select(e => e.Coupon).FirstOrDefault(c => c is not null));
            await signals.TouchedAsync(campaign.SupplierId, customer.Key, touch, ct).ConfigureAwait(false);
            var people = customer.Count();
            var summary = people == 1
                ? $"Email \"{subjectLine}\" of campaign {campaign.Name} sent to {customer.First().Email}."
                : $"Email \"{subjectLine}\" of campaign {campaign.Name} sent to {people} people.";
            var subject = CustomerTimeline.Subject(campaign.SupplierId, customer.Key);
            await timeline.AddAsync([new TimelineEntry(Ids.Of(batch.At, $"{campaign.Id}|{runKey}|{batch.Step}|{customer.Key}|{batch.Number}"), subject, batch.At, "agora", "Agora", campaign.SupplierId,
                "emailed", summary, new Dictionary<string, string> { ["campaignId"] = campaign.Id, ["step"] = batch.Step.ToString(CultureInfo.InvariantCulture) }, null, Visibility.Supplier)], ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        await results.AddAsync(campaign.SupplierId, campaign.Id, $"{runKey}.batch.{batch.Number.ToString(CultureInfo.InvariantCulture)}", new CampaignCounts(Sent: batch.Entries.Count), cancellationToken).ConfigureAwait(false);
    }

    private static string SubjectOf(Campaign campaign, int step)
    {
        var messages = step == 0 ? campaign.Messages : campaign.Steps.FirstOrDefault(s => s.Number == step)?.Messages ?? campaign.Messages;
        return MarketingMessages.Pick(messages, "en")?.Subject ?? campaign.Name;
    }

    private static MarketingBatch Compose(Campaign campaign, Organization supplier, int step, string language, IReadOnlyList<Candidate> batch)
    {
        var messages = step == 0 ? campaign.Messages : campaign.Steps.First(s => s.Number == step).Messages;
        var message = MarketingMessages.Pick(messages, language)!;
        var (subject, text, html) = MarketingMessages.Compose(message, supplier.Name, language);
        var recipients = batch.Select(c => new MarketingRecipient(c.Email, c.Name, c.DeliveryId, MarketingMessages.Substitutions(c.Values),
            new Dictionary<string, string>
            {
                ["supplierId"] = campaign.SupplierId,
                ["campaignId"] = campaign.Id,
                ["step"] = step.ToString(CultureInfo.InvariantCulture),
                ["deliveryId"] = c.DeliveryId,
            })).ToArray();
        return new MarketingBatch(campaign.MailKind, subject, text, html, ["marketing", campaign.MailKind.ToString().ToLowerInvariant(), $"campaign-{campaign.Id}"], recipients);
    }

    private async Task<IReadOnlyDictionary<string, Promotion>> OffersAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Promotion>(StringComparer.Ordinal);
        foreach (var offer in campaign.Offers)
        {
            if (!found.ContainsKey(offer.PromotionId)
                && await pricing.FindAsync(campaign.SupplierId, PricingRuleKind.Promotions, offer.PromotionId, cancellationToken).ConfigureAwait(false) is { Value.Promotion: { } promotion })
            {
                found[offer.PromotionId] = promotion;
            }
        }

        return found;
    }

    /// <summary>A customer that became inactive gets a task for its sales manager, once per lapse.</summary>
    private async Task InactiveCustomerAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var buyerId = entry.Id[(entry.Id.LastIndexOf('|') + 1)..];
        var now = clock.GetUtcNow();
        var found = await store.FindSignalsAsync(entry.OrgId, buyerId, cancellationToken).ConfigureAwait(false);
        if (found is not { Value: { InactiveAt: { } inactive } current } || inactive > now || current.InactiveTaskFor == inactive)
        {
            return; // it ordered since (its date moved), or the task was raised
        }

        var account = await accounts.FindAsync(entry.OrgId, buyerId, cancellationToken).ConfigureAwait(false);
        if (account is not { Value.Status: AccountStatus.Active })
        {
            return;
        }

        var usual = current.TypicalIntervalDays is { } t ? string.Create(CultureInfo.InvariantCulture, $" It usually orders every {t:0} days.") : string.Empty;
        await tasks.RaiseAsync(new SalesTaskRequest(entry.OrgId, buyerId, SalesTaskKind.InactiveCustomer, buyerId,
            $"Call {account.Value.BuyerName}: no order since {current.LastOrderAt:yyyy-MM-dd}",
            $"{account.Value.BuyerName} placed {current.Orders} orders, the last on {current.LastOrderAt:yyyy-MM-dd}.{usual}", now.AddDays(1)), cancellationToken).ConfigureAwait(false);
        await Concurrency.RetryAsync("The customer's signals", async attempt =>
        {
            var latest = attempt == 1 ? found : await store.FindSignalsAsync(entry.OrgId, buyerId, cancellationToken).ConfigureAwait(false);
            if (latest is not null && latest.Value.InactiveAt == inactive)
            {
                await store.SaveSignalsAsync(latest.Value with { InactiveTaskFor = inactive }, latest.ETag, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>A cart idle for the supplier's hours and worth at least its value in the cart's currency gets a task.</summary>
    private async Task IdleCartAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var cartId = entry.Id[(entry.Id.LastIndexOf('|') + 1)..];
        var settings = (await store.SettingsAsync(entry.OrgId, cancellationToken).ConfigureAwait(false)).Value;
        var cart = await carts.FindAsync(cartId, cancellationToken).ConfigureAwait(false);
        if (cart is null || cart.Value.Lines.Count == 0 || cart.Value.LastActivityAt.AddHours(settings.TaskCartAfterHours) != entry.DueAt)
        {
            return; // checked out, emptied or changed since: a later entry stands for its new idle time
        }

        var account = await accounts.FindAsync(cart.Value.SupplierId, cart.Value.BuyerId, cancellationToken).ConfigureAwait(false);
        if (account is not { Value.Status: AccountStatus.Active } || !settings.TaskCartValues.TryGetValue(account.Value.Currency, out var threshold))
        {
            return;
        }

        var (quote, _) = await pricingService.PriceAsync(account.Value, CartQuote(cart.Value), cancellationToken).ConfigureAwait(false);
        if (quote.Total < threshold)
        {
            return;
        }

        var total = quote.Total.ToString("N2", CultureInfo.InvariantCulture);
        await tasks.RaiseAsync(new SalesTaskRequest(cart.Value.SupplierId, cart.Value.BuyerId, SalesTaskKind.AbandonedCart, cart.Value.Id,
            $"Write to {cart.Value.OwnerName ?? cart.Value.OwnerEmail ?? "the buyer"} at {account.Value.BuyerName}: a cart of {quote.Currency} {total} left",
            $"{cart.Value.Lines.Count} lines, untouched since {cart.Value.LastActivityAt:yyyy-MM-dd HH:mm} UTC.", clock.GetUtcNow().AddDays(1)), cancellationToken).ConfigureAwait(false);
    }

    internal static QuoteRequest CartQuote(Cart cart) => new(cart.Lines.Select(l => new CartLine(l.Sku, l.Unit, l.Quantity)).ToArray(), cart.CouponCodes);

    /// <summary>One person a run may email, with what their email says.</summary>
    internal sealed record Candidate(
        string BuyerId,
        string UserId,
        string Email,
        string? Name,
        string Language,
        string? TimeZone,
        int Step,
        string DeliveryId,
        string? SubjectId,
        DateTimeOffset? StartedAt,
        IReadOnlyList<int> Passed,
        string? Coupon,
        IReadOnlyDictionary<string, string> Values);

    /// <summary>Who a run is for, and what each person's email says.</summary>
    private sealed class Audience(CampaignRunner runner, Campaign campaign, MarketingSettings settings, IReadOnlyDictionary<string, Promotion> offers, DateTimeOffset now)
    {
        private readonly Dictionary<string, Organization?> _orgs = new(StringComparer.Ordinal);

        public async Task<IReadOnlyList<Candidate>> BroadcastAsync(string runKey, CancellationToken cancellationToken)
        {
            var customers = await CustomersAsync(cancellationToken).ConfigureAwait(false);
            var offer = campaign.Offer is { } o ? offers.GetValueOrDefault(o.PromotionId) : null;
            var result = new List<Candidate>();
            foreach (var (account, org) in customers)
            {
                var coupon = CouponFor(campaign.Offer, offer, account.BuyerId);
                foreach (var member in People(org))
                {
                    result.Add(Person(account, org, member, 0, SendBatches.DeliveryId($"{campaign.Id}:{runKey}", 0, member.Email!.ToLowerInvariant()), null, null, [], coupon, offer, null));
                }
            }

            return result;
        }

        public async Task<IReadOnlyList<Candidate>> CartsAsync(CancellationToken cancellationToken)
        {
            var steps = campaign.Steps.Select(s => new SequenceStep(s.Number, s.AfterHours, s.Offer?.PromotionId)).ToArray();
            var idle = (await runner.Store.IdleCartsAsync(campaign.SupplierId, now.AddHours(-steps[^1].AfterHours - (7 * 24)), now.AddHours(-steps[0].AfterHours), cancellationToken).ConfigureAwait(false))
                .OrderBy(c => c.LastActivityAt).Take(MaxSubjectsPerPass).ToArray();
            if (idle.Length == 0)
            {
                return [];
            }

            var allowed = (await CustomersAsync(cancellationToken, idle.Select(c => c.BuyerId).Distinct(StringComparer.Ordinal).ToArray()).ConfigureAwait(false))
                .ToDictionary(c => c.Account.BuyerId, StringComparer.Ordinal);
            var customerSignals = (await runner.Store.FindSignalsAsync(campaign.SupplierId, allowed.Keys.ToArray(), cancellationToken).ConfigureAwait(false))
                .ToDictionary(s => s.BuyerId, StringComparer.Ordinal);
            var states = await runner.Store.SequencesAsync(campaign.SupplierId, campaign.Id, idle.Select(c => c.CartId).ToArray(), cancellationToken).ConfigureAwait(false);
            var result = new List<Candidate>();
            foreach (var cart in idle)
            {
                if (!allowed.TryGetValue(cart.BuyerId, out var customer) || cart.OwnerEmail is null)
                {
                    continue;
                }

                var state = states.GetValueOrDefault(cart.CartId);
                var sent = state is not null && state.StartedAt == cart.LastActivityAt ? state.Sent.ToHashSet() : [];
                var (step, passed, _) = Sequences.Next(steps, new SequenceProgress(cart.CartId, cart.LastActivityAt, sent), customerSignals.GetValueOrDefault(cart.BuyerId)?.LastOrderAt, now);
                if (step is null)
                {
                    continue;
                }

                var owner = customer.Org.Members.FirstOrDefault(m => m.UserId == cart.OwnerId);
                if (owner is null || string.IsNullOrEmpty(owner.Email))
                {
                    continue; // left the organization: nobody to remind
                }

                var full = await runner.Carts.FindAsync(cart.CartId, cancellationToken).ConfigureAwait(false);
                if (full is null || full.Value.Lines.Count == 0)
                {
                    continue;
                }

                var offerDef = campaign.Steps.First(s => s.Number == step.Number).Offer;
                var offer = offerDef is null ? null : offers.GetValueOrDefault(offerDef.PromotionId);
                var coupon = CouponFor(offerDef, offer, cart.BuyerId);
                var (quote, book) = await runner.PricingQuotes.PriceAsync(customer.Account, CartQuote(full.Value) with
                {
                    CouponCodes = coupon is null ? full.Value.CouponCodes : [.. full.Value.CouponCodes, coupon],
                }, cancellationToken).ConfigureAwait(false);
                var subject = cart.CartId;
                var email = owner.Email!.ToLowerInvariant();
                result.Add(Person(customer.Account, customer.Org, owner, step.Number,
                    SendBatches.DeliveryId(campaign.Id, step.Number, $"{subject}@{cart.LastActivityAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{email}"),
                    subject, cart.LastActivityAt, passed, coupon, offer, (quote, book.Products)));
            }

            return result;
        }

        public async Task<IReadOnlyList<Candidate>> InactiveAsync(CancellationToken cancellationToken)
        {
            var steps = campaign.Steps.Select(s => new SequenceStep(s.Number, s.AfterHours, s.Offer?.PromotionId)).ToArray();
            var lapsed = (await runner.Store.InactiveAsync(campaign.SupplierId, now.AddHours(-steps[^1].AfterHours - (7 * 24)), now.AddHours(-steps[0].AfterHours), cancellationToken).ConfigureAwait(false))
                .OrderBy(s => s.InactiveAt).Take(MaxSubjectsPerPass).ToArray();
            if (lapsed.Length == 0)
            {
                return [];
            }

            var allowed = (await CustomersAsync(cancellationToken, lapsed.Select(s => s.BuyerId).ToArray()).ConfigureAwait(false)).ToDictionary(c => c.Account.BuyerId, StringComparer.Ordinal);
            var states = await runner.Store.SequencesAsync(campaign.SupplierId, campaign.Id, lapsed.Select(s => s.BuyerId).ToArray(), cancellationToken).ConfigureAwait(false);
            var result = new List<Candidate>();
            foreach (var signal in lapsed)
            {
                if (!allowed.TryGetValue(signal.BuyerId, out var customer) || signal.InactiveAt is not { } start)
                {
                    continue;
                }

                var state = states.GetValueOrDefault(signal.BuyerId);
                var sent = state is not null && state.StartedAt == start ? state.Sent.ToHashSet() : [];
                var (step, passed, _) = Sequences.Next(steps, new SequenceProgress(signal.BuyerId, start, sent), signal.LastOrderAt, now);
                if (step is null)
                {
                    continue;
                }

                var offerDef = campaign.Steps.First(s => s.Number == step.Number).Offer;
                var offer = offerDef is null ? null : offers.GetValueOrDefault(offerDef.PromotionId);
                var coupon = CouponFor(offerDef, offer, signal.BuyerId);
                foreach (var member in People(customer.Org))
                {
                    var email = member.Email!.ToLowerInvariant();
                    result.Add(Person(customer.Account, customer.Org, member, step.Number,
                        SendBatches.DeliveryId(campaign.Id, step.Number, $"{signal.BuyerId}@{start.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{email}"),
                        signal.BuyerId, start, passed, coupon, offer, null));
                }
            }

            return result;
        }

        /// <summary>The active customer accounts the segment selects, with their organizations; <paramref name="only"/> narrows
        /// them to the buyers a sequence found.</summary>
        private async Task<IReadOnlyList<(CustomerAccount Account, Organization Org)>> CustomersAsync(CancellationToken cancellationToken, IReadOnlyCollection<string>? only = null)
        {
            var segment = campaign.Segment;
            var list = new List<CustomerAccount>();
            var named = only ?? (segment.Customers.Count > 0 ? segment.Customers : null);
            if (named is not null)
            {
                var wanted = only is not null && segment.Customers.Count > 0 ? named.Intersect(segment.Customers, StringComparer.Ordinal).ToArray() : named.ToArray();
                var found = new CustomerAccount?[wanted.Length];
                await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, wanted.Length), new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (i, ct) =>
                    found[i] = (await runner.Accounts.FindAsync(campaign.SupplierId, wanted[i], ct).ConfigureAwait(false))?.Value).ConfigureAwait(false);
                list.AddRange(found.Where(a => a is not null)!);
            }
            else
            {
                var category = segment.Categories.Count == 1 ? segment.Categories[0] : null;
                string? after = null;
                do
                {
                    var page = await runner.Accounts.ListBySupplierAsync(campaign.SupplierId, category, after, 1000, cancellationToken).ConfigureAwait(false);
                    list.AddRange(page.Items);
                    after = page.Items.Count > 0 && page.Next is not null ? page.Items[^1].BuyerId : null;
                }
                while (after is not null);
            }

            var accounts = list.Where(a => a.Status == AccountStatus.Active && (segment.Categories.Count == 0 || segment.Categories.Contains(a.Category, StringComparer.OrdinalIgnoreCase))).ToArray();
            if (segment.Inactive || segment.NotLoggedInDays is not null || segment.Bought is not null)
            {
                var known = (await runner.Store.FindSignalsAsync(campaign.SupplierId, accounts.Select(a => a.BuyerId).ToArray(), cancellationToken).ConfigureAwait(false))
                    .ToDictionary(s => s.BuyerId, StringComparer.Ordinal);
                var bought = segment.Bought is { } b ? CatalogKeys.CategoryKey(b.Category) : null;
                accounts = accounts.Where(a =>
                {
                    var s = known.GetValueOrDefault(a.BuyerId);
                    return (!segment.Inactive || (s is not null && settings.InactiveAt(s) is { } at && at <= now))
                        && (segment.NotLoggedInDays is not { } days || s?.LastLoginAt is not { } login || login <= now.AddDays(-days))
                        && (bought is null || (s is not null && s.Bought(bought, segment.Bought!.From, segment.Bought.To)));
                }).ToArray();
            }

            if (segment.AbandonedCartHours is not null || segment.CartHasOfferProduct)
            {
                var to = segment.AbandonedCartHours is { } hours ? now.AddHours(-hours) : now;
                var carts = await runner.Store.IdleCartsAsync(campaign.SupplierId, DateTimeOffset.UnixEpoch, to, cancellationToken).ConfigureAwait(false);
                if (segment.CartHasOfferProduct)
                {
                    carts = await WithOfferProductAsync(carts, cancellationToken).ConfigureAwait(false);
                }

                var buyers = carts.Select(c => c.BuyerId).ToHashSet(StringComparer.Ordinal);
                accounts = accounts.Where(a => buyers.Contains(a.BuyerId)).ToArray();
            }

            var orgs = new Organization?[accounts.Length];
            await System.Threading.Tasks.Parallel.ForEachAsync(Enumerable.Range(0, accounts.Length), new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (i, ct) =>
                orgs[i] = (await runner.Organizations.FindAsync(accounts[i].BuyerId, ct).ConfigureAwait(false))?.Value).ConfigureAwait(false);
            return accounts.Select((a, i) => (a, orgs[i])).Where(x => x.Item2 is not null).Select(x => (x.a, x.Item2!)).ToArray();
        }

        private async Task<IReadOnlyList<CartSignal>> WithOfferProductAsync(IReadOnlyList<CartSignal> carts, CancellationToken cancellationToken)
        {
            var promotion = campaign.Offers.Select(o => offers.GetValueOrDefault(o.PromotionId)).FirstOrDefault(p => p is not null);
            if (promotion is null)
            {
                return [];
            }

            var set = promotion.Products;
            if (set.IsEmpty)
            {
                return carts; // a promotion on everything: every cart has one of its products
            }

            if (set.Brands.Count == 0 && set.Categories.Count == 0)
            {
                return carts.Where(c => c.Skus.Any(s => set.Skus.Contains(s, StringComparer.Ordinal))).ToArray();
            }

            var skus = carts.SelectMany(c => c.Skus).Distinct(StringComparer.Ordinal).Take(5000).ToArray();
            var matching = (await runner.Products.FindManyAsync(campaign.SupplierId, skus, cancellationToken).ConfigureAwait(false))
                .Where(p => set.MatchesSku(p.Value) || set.MatchesGroup(p.Value)).Select(p => p.Value.Sku).ToHashSet(StringComparer.Ordinal);
            return carts.Where(c => c.Skus.Any(matching.Contains)).ToArray();
        }

        private static IEnumerable<Member> People(Organization org) =>
            org.Members.Where(m => !string.IsNullOrWhiteSpace(m.Email) && (m.Has(Role.BuyerAdmin) || m.Has(Role.Purchaser)));

        private static string? CouponFor(CampaignOffer? offer, Promotion? promotion, string buyerId) =>
            promotion?.CouponCode is not { } code ? null : offer?.CouponPerCustomer == true ? PersonalCoupons.For(promotion, buyerId) : code;

        private Candidate Person(CustomerAccount account, Organization org, Member member, int step, string deliveryId, string? subjectId, DateTimeOffset? startedAt,
            IReadOnlyList<int> passed, string? coupon, Promotion? offer, (Quote Quote, IReadOnlyDictionary<string, Product> Products)? cart)
        {
            var language = CampaignRules.LanguageOf(org.Country);
            var values = MarketingMessages.Values(language, member.Name, org.Name, coupon, offer, cart?.Quote, cart?.Products,
                $"{runner.Portal.PortalUrl.TrimEnd('/')}/suppliers/{Uri.EscapeDataString(campaign.SupplierId)}{(cart is null ? string.Empty : "/cart")}");
            return new Candidate(account.BuyerId, member.UserId, member.Email!.ToLowerInvariant(), member.Name, language, CampaignRules.TimeZoneOf(org.Country),
                step, deliveryId, subjectId, startedAt, passed, coupon, values);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} run {RunKey}: batch {Batch} of {Recipients} recipients sent")]
    private static partial void LogBatch(ILogger logger, string campaignId, string runKey, int batch, int recipients);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} run {RunKey}: {Sent} sent, {Waiting} waiting, {Suppressed} suppressed, {Expired} expired")]
    private static partial void LogRun(ILogger logger, string campaignId, string runKey, int sent, long waiting, long suppressed, long expired);
}
