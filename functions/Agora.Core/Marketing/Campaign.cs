using System.Globalization;
using Agora.Core.Common;
using NCrontab;

namespace Agora.Core.Marketing;

public enum CampaignKind
{
    /// <summary>Sent to a segment once, or at every occurrence of a schedule.</summary>
    Broadcast,

    /// <summary>Steps after a cart was left untouched, to its owner; ends when the customer orders.</summary>
    AbandonedCart,

    /// <summary>Steps after a customer became later than it usually orders; ends when it orders.</summary>
    Reactivation,
}

public enum CampaignStatus
{
    Draft,
    Active,
    Paused,
    Ended,
}

/// <summary>One language's email. <see cref="Body"/> is plain text, paragraphs separated by blank lines, with placeholders
/// replaced per recipient: <c>{{name}}</c>, <c>{{company}}</c>, <c>{{coupon}}</c>, <c>{{offer}}</c>, <c>{{cart}}</c> (the
/// cart's lines), <c>{{hint}}</c> (what the cart lacks for a better price), <c>{{link}}</c>. Every email ends with the
/// unsubscribe link of its kind, added by Agora.</summary>
public sealed record CampaignMessage(string Subject, string Body);

/// <summary>Who a campaign is for. Every filter given must hold (they narrow one another); none given: every active
/// customer account. <see cref="Customers"/> are buyer organization ids.</summary>
/// <param name="AbandonedCartHours">Only customers with a cart untouched for at least this many hours (1 to 2,160).</param>
/// <param name="Inactive">Only customers later than they usually order (the supplier's inactivity rule).</param>
/// <param name="NotLoggedInDays">Only customers nobody of which signed in for at least this many days (1 to 730).</param>
/// <param name="CartHasOfferProduct">Only customers with a product of the campaign's promotion in a cart.</param>
public sealed record Segment(
    IReadOnlyList<string> Categories,
    IReadOnlyList<string> Customers,
    int? AbandonedCartHours = null,
    bool Inactive = false,
    int? NotLoggedInDays = null,
    BoughtCategory? Bought = null,
    bool CartHasOfferProduct = false)
{
    public static readonly Segment Everyone = new([], []);
}

/// <summary>Customers that ordered products of <see cref="Category"/> in the months from <see cref="From"/> to
/// <see cref="To"/> (inclusive; signals keep months, not days).</summary>
public sealed record BoughtCategory(string Category, DateOnly From, DateOnly To);

/// <summary>What a campaign offers: a promotion of the pricing engine (a discount, bonus products, a bundle — clearance
/// bundles included), quoted like any other. With <see cref="CouponPerCustomer"/> each customer gets its own code
/// (<see cref="Pricing.PersonalCoupons"/>), which only that customer can use and which attributes its orders.</summary>
public sealed record CampaignOffer(string PromotionId, bool CouponPerCustomer = false);

/// <summary>When a broadcast goes: at <see cref="At"/> once, or at every occurrence of <see cref="Cron"/> (five fields,
/// UTC, at most hourly) until <see cref="Until"/>.</summary>
public sealed record CampaignSchedule(DateTimeOffset? At, string? Cron, DateTimeOffset? Until);

/// <summary>A step of a sequence: its delay after the sequence's start, an optional offer, and its messages.</summary>
public sealed record CampaignStep(int Number, int AfterHours, CampaignOffer? Offer, IReadOnlyDictionary<string, CampaignMessage> Messages);

public sealed record Campaign
{
    public required string Id { get; init; }

    public required string SupplierId { get; init; }

    public required string Name { get; init; }

    public required CampaignKind Kind { get; init; }

    public required CampaignStatus Status { get; init; }

    public required Segment Segment { get; init; }

    /// <summary>A broadcast's offer (a sequence's offers are per step).</summary>
    public CampaignOffer? Offer { get; init; }

    /// <summary>A broadcast's messages by language (<c>pt-BR</c>, <c>en</c>); a recipient of another language gets English,
    /// else Portuguese.</summary>
    public IReadOnlyDictionary<string, CampaignMessage> Messages { get; init; } = new Dictionary<string, CampaignMessage>();

    public CampaignSchedule? Schedule { get; init; }

    /// <summary>A sequence's steps (1 to 5).</summary>
    public IReadOnlyList<CampaignStep> Steps { get; init; } = [];

    /// <summary>How long a send may wait for quiet hours or the weekly cap before it is given up (1 to 168 hours).</summary>
    public int SendWithinHours { get; init; } = 72;

    public required string CreatedBy { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When the runs will look at it next (null: not scheduled).</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    public DateTimeOffset? LastRunAt { get; init; }

    /// <summary>The run key of the latest run (a broadcast's occurrence), so a campaign resumed after a pause carries on
    /// with the recipients that run was still waiting for.</summary>
    public string? LastRunKey { get; init; }

    [System.Text.Json.Serialization.JsonIgnore]
    public MarketingKind MailKind => Kind switch
    {
        CampaignKind.AbandonedCart => MarketingKind.CartReminders,
        CampaignKind.Reactivation => MarketingKind.Reactivation,
        _ => MarketingKind.Offers,
    };

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsSequence => Kind != CampaignKind.Broadcast;

    /// <summary>Every promotion the campaign offers.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<CampaignOffer> Offers => (Offer is null ? [] : new[] { Offer }).Concat(Steps.Where(s => s.Offer is not null).Select(s => s.Offer!));

    /// <summary>The first run time at or after <paramref name="after"/> (broadcasts: the schedule; sequences: now).</summary>
    public DateTimeOffset? NextRun(DateTimeOffset after, DateTimeOffset? lastRun)
    {
        if (IsSequence)
        {
            return after;
        }

        if (Schedule?.Cron is { } cron)
        {
            var from = lastRun is { } l && l >= after ? l : after.AddSeconds(-1);
            var next = new DateTimeOffset(CrontabSchedule.Parse(cron).GetNextOccurrence(from.UtcDateTime), TimeSpan.Zero);
            return Schedule.Until is { } until && next > until ? null : next;
        }

        return lastRun is null ? Schedule?.At ?? after : null;
    }
}

/// <summary>A campaign as a client writes it. Unknown fields are refused by the HTTP layer; every field is checked here.</summary>
public sealed record CampaignInput(
    string? Name,
    CampaignKind? Kind,
    SegmentInput? Segment,
    CampaignOffer? Offer,
    IReadOnlyDictionary<string, CampaignMessage>? Messages,
    CampaignSchedule? Schedule,
    IReadOnlyList<CampaignStepInput>? Steps,
    int? SendWithinHours);

public sealed record SegmentInput(
    IReadOnlyList<string>? Categories,
    IReadOnlyList<string>? Customers,
    int? AbandonedCartHours,
    bool? Inactive,
    int? NotLoggedInDays,
    BoughtCategory? Bought,
    bool? CartHasOfferProduct);

public sealed record CampaignStepInput(int? AfterHours, CampaignOffer? Offer, IReadOnlyDictionary<string, CampaignMessage>? Messages);

public sealed record CampaignStatusInput(CampaignStatus? Status);

/// <summary>The checks of a campaign's fields (pure).</summary>
public static class CampaignRules
{
    public const int MaxName = 200;
    public const int MaxSubject = 200;
    public const int MaxBody = 10_000;
    public const int MaxCategories = 50;
    public const int MaxCustomers = 1000;
    public const int MaxAbandonedHours = 2160;
    public const int MaxNotLoggedInDays = 730;
    public const int MaxSendWithinHours = 168;

    public static readonly IReadOnlyList<string> Languages = ["pt-BR", "en"];

    public static Campaign Checked(CampaignInput input, Campaign draft, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        var v = new Validation();
        var name = v.RequiredText(input.Name, "name", MaxName);
        v.Check(name is null || !name.Any(char.IsControl), "name", "must not hold control characters.");
        var kind = input.Kind ?? CampaignKind.Broadcast;
        v.Check(Enum.IsDefined(kind), "kind", "must be broadcast, abandonedCart or reactivation.");
        var segment = CheckSegment(input.Segment, v);
        var within = input.SendWithinHours ?? 72;
        v.Check(within is >= 1 and <= MaxSendWithinHours, "sendWithinHours", $"must be from 1 to {MaxSendWithinHours}.");
        CheckOffer(input.Offer, "offer", v);
        IReadOnlyList<CampaignStep> steps = [];
        IReadOnlyDictionary<string, CampaignMessage> messages = new Dictionary<string, CampaignMessage>();
        if (kind == CampaignKind.Broadcast)
        {
            v.Check(input.Steps is null || input.Steps.Count == 0, "steps", "only abandoned-cart and reactivation campaigns have steps.");
            messages = CheckMessages(input.Messages, "messages", v);
            CheckSchedule(input.Schedule, now, v);
        }
        else
        {
            v.Check(input.Messages is null, "messages", "a sequence's messages are per step (steps[i].messages).");
            v.Check(input.Offer is null, "offer", "a sequence's offers are per step (steps[i].offer).");
            v.Check(input.Schedule is null, "schedule", "a sequence runs while it is active; its steps say when.");
            v.Check(input.Steps is { Count: > 0 }, "steps", $"a sequence has 1 to {Sequences.MaxSteps} steps.");
            var list = new List<CampaignStep>();
            for (var i = 0; i < (input.Steps?.Count ?? 0) && i < Sequences.MaxSteps + 1; i++)
            {
                var s = input.Steps![i];
                if (s is null)
                {
                    v.Add($"steps[{i}]", "is required.");
                    continue;
                }

                v.Check(s.AfterHours is >= 1 and <= Sequences.MaxHours, $"steps[{i}].afterHours", $"must be from 1 to {Sequences.MaxHours} hours.");
                CheckOffer(s.Offer, $"steps[{i}].offer", v);
                list.Add(new CampaignStep(i + 1, s.AfterHours ?? 0, s.Offer, CheckMessages(s.Messages, $"steps[{i}].messages", v)));
            }

            if (v.IsValid)
            {
                try
                {
                    _ = Sequences.Checked(list.Select(s => new SequenceStep(s.Number, s.AfterHours, s.Offer?.PromotionId)).ToArray());
                }
                catch (DomainException e)
                {
                    foreach (var (field, reasons) in e.Errors ?? new Dictionary<string, string[]>())
                    {
                        foreach (var reason in reasons)
                        {
                            v.Add(field, reason);
                        }
                    }
                }
            }

            steps = list;
        }

        if (kind == CampaignKind.AbandonedCart)
        {
            v.Check(segment.AbandonedCartHours is null, "segment.abandonedCartHours", "an abandoned-cart sequence starts at each cart's last change; its first step says after how long.");
        }

        v.ThrowIfInvalid();
        return draft with
        {
            Name = name!,
            Kind = kind,
            Segment = segment,
            Offer = kind == CampaignKind.Broadcast ? input.Offer : null,
            Messages = messages,
            Schedule = kind == CampaignKind.Broadcast ? input.Schedule : null,
            Steps = steps,
            SendWithinHours = within,
            UpdatedAt = now,
        };
    }

    private static Segment CheckSegment(SegmentInput? input, Validation v)
    {
        if (input is null)
        {
            return Segment.Everyone;
        }

        var categories = input.Categories ?? [];
        var customers = input.Customers ?? [];
        v.Check(categories.Count <= MaxCategories, "segment.categories", $"at most {MaxCategories} categories.");
        v.Check(customers.Count <= MaxCustomers, "segment.customers", $"at most {MaxCustomers} customers.");
        for (var i = 0; i < Math.Min(categories.Count, MaxCategories); i++)
        {
            v.Check(!string.IsNullOrWhiteSpace(categories[i]) && categories[i].Length <= 100, $"segment.categories[{i}]", "must be 1 to 100 characters.");
        }

        for (var i = 0; i < Math.Min(customers.Count, MaxCustomers); i++)
        {
            v.Check(customers[i] is not null && Ids.IsWellFormed(customers[i]), $"segment.customers[{i}]", "must be an organization id.");
        }

        v.Check(input.AbandonedCartHours is null or (>= 1 and <= MaxAbandonedHours), "segment.abandonedCartHours", $"must be from 1 to {MaxAbandonedHours} hours.");
        v.Check(input.NotLoggedInDays is null or (>= 1 and <= MaxNotLoggedInDays), "segment.notLoggedInDays", $"must be from 1 to {MaxNotLoggedInDays} days.");
        if (input.Bought is { } b)
        {
            v.Check(!string.IsNullOrWhiteSpace(b.Category) && b.Category.Length <= 100, "segment.bought.category", "must be 1 to 100 characters.");
            v.Check(b.From <= b.To, "segment.bought.to", "must not be before from.");
            v.Check(b.To.DayNumber - b.From.DayNumber <= 3 * 366, "segment.bought.to", "a period of at most three years.");
        }

        return new Segment(
            categories.Where(c => c is not null).Select(c => c.Trim()).Distinct(StringComparer.Ordinal).ToArray(),
            customers.Where(c => c is not null).Distinct(StringComparer.Ordinal).ToArray(),
            input.AbandonedCartHours,
            input.Inactive ?? false,
            input.NotLoggedInDays,
            input.Bought,
            input.CartHasOfferProduct ?? false);
    }

    private static void CheckOffer(CampaignOffer? offer, string field, Validation v)
    {
        if (offer is not null)
        {
            v.Check(!string.IsNullOrWhiteSpace(offer.PromotionId) && offer.PromotionId.Length <= 100, $"{field}.promotionId", "must name a promotion of your pricing rules.");
        }
    }

    private static Dictionary<string, CampaignMessage> CheckMessages(IReadOnlyDictionary<string, CampaignMessage>? input, string field, Validation v)
    {
        var result = new Dictionary<string, CampaignMessage>(StringComparer.Ordinal);
        if (input is null || input.Count == 0)
        {
            v.Add(field, "at least one language (pt-BR or en) with a subject and a body.");
            return result;
        }

        foreach (var (language, message) in input)
        {
            var key = Languages.FirstOrDefault(l => string.Equals(l, language, StringComparison.OrdinalIgnoreCase));
            if (key is null)
            {
                v.Add($"{field}.{language}", "languages are pt-BR and en.");
                continue;
            }

            var subject = v.RequiredText(message?.Subject, $"{field}.{key}.subject", MaxSubject);
            var body = v.RequiredText(message?.Body, $"{field}.{key}.body", MaxBody);
            if (subject is not null && body is not null)
            {
                v.Check(!subject.Contains('\n', StringComparison.Ordinal) && !subject.Contains('\r', StringComparison.Ordinal), $"{field}.{key}.subject", "must be one line.");
                v.Check(!subject.Any(char.IsControl), $"{field}.{key}.subject", "must not hold control characters.");
                v.Check(!body.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')), $"{field}.{key}.body", "must not hold control characters other than line breaks and tabs.");
                foreach (var (text, part) in new[] { (subject, "subject"), (body, "body") })
                {
                    // SendGrid replaces its substitution keys wherever they appear: typed by the author, a key would put a
                    // recipient's raw text where the HTML expects it encoded.
                    if (MarketingMessages.Placeholders.FirstOrDefault(p => text.Contains($"-{p}-", StringComparison.Ordinal)) is { } typed)
                    {
                        v.Add($"{field}.{key}.{part}", $"must not contain '-{typed}-' (a substitution key); write {{{{{typed}}}}} for it.");
                    }
                }

                result[key] = new CampaignMessage(subject, body);
            }
        }

        return result;
    }

    private static void CheckSchedule(CampaignSchedule? schedule, DateTimeOffset now, Validation v)
    {
        if (schedule is null)
        {
            return;
        }

        v.Check(schedule.At is null || schedule.Cron is null, "schedule", "either at (once) or cron (recurring), not both.");
        v.Check(schedule.At is null || schedule.At <= now.AddDays(366), "schedule.at", "must be within a year.");
        if (schedule.Cron is { } cron)
        {
            var parsed = CrontabSchedule.TryParse(cron);
            if (parsed is null)
            {
                v.Add("schedule.cron", "must be a five-field cron expression (minute hour day month weekday, UTC).");
            }
            else
            {
                var first = parsed.GetNextOccurrence(now.UtcDateTime);
                var second = parsed.GetNextOccurrence(first);
                var third = parsed.GetNextOccurrence(second);
                v.Check((second - first).TotalMinutes >= 60 && (third - second).TotalMinutes >= 60, "schedule.cron", "may recur at most hourly.");
            }
        }

        v.Check(schedule.Until is null || schedule.Cron is not null, "schedule.until", "only a recurring schedule ends.");
    }

    /// <summary>The language a recipient reads, from its organization's country (decision 0021).</summary>
    public static string LanguageOf(string country) => country.ToUpperInvariant() is "BR" or "PT" or "AO" or "MZ" ? "pt-BR" : "en";

    /// <summary>The time zone quiet hours are kept in, from the organization's country: its most populous zone (decision 0021).</summary>
    public static string? TimeZoneOf(string country) => country.ToUpperInvariant() switch
    {
        "BR" => "America/Sao_Paulo",
        "PT" => "Europe/Lisbon",
        "AR" => "America/Argentina/Buenos_Aires",
        "CL" => "America/Santiago",
        "PE" => "America/Lima",
        "CO" => "America/Bogota",
        "UY" => "America/Montevideo",
        "PY" => "America/Asuncion",
        "BO" => "America/La_Paz",
        "EC" => "America/Guayaquil",
        "MX" => "America/Mexico_City",
        "US" => "America/New_York",
        "CA" => "America/Toronto",
        "GB" => "Europe/London",
        "ES" => "Europe/Madrid",
        "DE" => "Europe/Berlin",
        "FR" => "Europe/Paris",
        "IT" => "Europe/Rome",
        "NL" => "Europe/Amsterdam",
        _ => null,
    };

    public static string Month(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
