using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Notifications;
using Agora.Core.Ordering;

namespace Agora.Core.Marketing;

/// <summary>Settings of the sales-manager tasks (section <c>SalesTasks</c>).</summary>
public sealed class SalesTaskOptions
{
    /// <summary>How many days before its expiry a proposed quote the buyer has not accepted becomes a task.</summary>
    public int ExpiringQuoteDays { get; set; } = 3;
}

/// <summary>The morning run (timer <c>SendManagerDigest</c>; decision 0021c): first the quotes that come within
/// <see cref="SalesTaskOptions.ExpiringQuoteDays"/> of their expiry unaccepted become tasks, then each assignee with tasks
/// needing attention today — due today or earlier, or waking from a snooze today — gets one email listing them. Both are
/// found through due entries (a quote's added when it is proposed, an assignee's when a task is raised or snoozed, and the
/// next day's while they still have tasks), so the run reads the day's partition of the due index, not every
/// organization. The email's notification id is the supplier, assignee and day, so however often it runs, each person gets
/// one digest a day.</summary>
public sealed class ManagerDigest(
    ISalesTaskStore store,
    IOrganizationStore organizations,
    ISalesDocuments<NegotiatedQuote> quotes,
    ISalesTasks tasks,
    NotificationSender sender,
    IDueIndex due,
    DueWork dueWork,
    SalesTaskOptions options,
    TimeProvider clock)
{
    public const string ExpiringQuoteKind = "expiringQuote";

    /// <summary>The most tasks one digest lists; the rest are a click away.</summary>
    public const int MaxListed = 50;

    /// <summary>The most admins a digest of the admins' pool goes to.</summary>
    public const int MaxPoolRecipients = 20;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await dueWork.RunAsync(ExpiringQuoteKind, RaiseExpiringAsync, cancellationToken).ConfigureAwait(false);
        return await dueWork.RunAsync(SalesTasks.DigestKind, SendAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the run to look at <paramref name="quote"/> when it comes within <paramref name="days"/> of its
    /// proposal's expiry (today when it already has), if it is proposed and has not expired.</summary>
    public static Task WatchAsync(IDueIndex due, NegotiatedQuote quote, int days, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        ArgumentNullException.ThrowIfNull(quote);
        if (quote.Status != QuoteStatus.Proposed || quote.Proposal?.ExpiresAt is not { } expires || expires <= now)
        {
            return Task.CompletedTask;
        }

        var at = expires.AddDays(-days) > now ? expires.AddDays(-days) : now;
        return due.AddAsync(new DueEntry(DueEntry.DayOf(at), $"{ExpiringQuoteKind}.{quote.Id}", ExpiringQuoteKind, quote.SupplierId, at), cancellationToken);
    }

    /// <summary>What one digest says: its subject and one line per task, soonest first, overdue ones marked.</summary>
    public static (string Subject, string Headline, IReadOnlyList<string> Lines) Compose(IReadOnlyList<SalesTask> list, bool more, string supplierName, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(list);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var overdue = list.Count(t => DateOnly.FromDateTime(t.WakesAt.UtcDateTime) < today);
        var lines = list.Select(t =>
        {
            var day = DateOnly.FromDateTime(t.WakesAt.UtcDateTime);
            var when = day < today ? $"overdue since {day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}" : $"today {t.WakesAt.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC";
            var woke = t.Status == SalesTaskStatus.Snoozed ? " (snoozed until then)" : string.Empty;
            return $"{t.BuyerName ?? t.BuyerId}: {t.Title} — {when}{woke}";
        }).ToList();
        if (more)
        {
            lines.Add("… and more: open your tasks in Agora.");
        }

        var count = more ? $"{list.Count}+" : list.Count.ToString(CultureInfo.InvariantCulture);
        var tasks = list.Count == 1 && !more ? "task" : "tasks";
        var subject = $"{supplierName}: {count} customer {tasks} for today";
        var headline = overdue == 0 ? $"You have {count} {tasks} for today." : list.Count == 1 && !more ? "You have 1 task for today, and it is overdue." : $"You have {count} tasks for today, {overdue} of them overdue.";
        return (subject, headline, lines);
    }

    private async Task RaiseExpiringAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var quoteId = entry.Id[(ExpiringQuoteKind.Length + 1)..];
        var quote = (await quotes.FindAsync(quoteId, cancellationToken).ConfigureAwait(false))?.Value;
        var now = clock.GetUtcNow();
        if (quote is null || quote.Status != QuoteStatus.Proposed || quote.Proposal?.ExpiresAt is not { } expires || expires <= now || expires.AddDays(-options.ExpiringQuoteDays) > now)
        {
            // Accepted, declined, expired or proposed again with a later expiry (whose own entry comes later): nothing to do.
            return;
        }

        var proposal = quote.Proposal;
        var money = proposal.ProposedTotal is { } total ? $" ({CheckoutService.Money(total, quote.Currency)})" : string.Empty;
        await tasks.RaiseAsync(new SalesTaskRequest(quote.SupplierId, quote.BuyerId, SalesTaskKind.ExpiringQuote, quote.Id,
            $"Quote {quote.Id}{money} expires on {expires.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} unaccepted: call {quote.BuyerName}",
            $"Version {proposal.Number} was proposed on {proposal.At.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} and is valid until " +
            $"{expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC; {quote.RequestedBy.Name ?? quote.RequestedBy.UserId} asked for it.",
            now), cancellationToken).ConfigureAwait(false);
    }

    private async Task SendAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var assignee = entry.Id[$"{SalesTasks.DigestKind}.{entry.OrgId}.".Length..];
        var now = clock.GetUtcNow();
        var today = DueEntry.DayOf(now);
        var endOfDay = DateTimeOffset.ParseExact(today, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).AddDays(1);
        var page = await store.ListAsync(entry.OrgId, new SalesTaskFilter([assignee], null, now, endOfDay, null), null, MaxListed, cancellationToken).ConfigureAwait(false);
        if (page.Items.Count == 0)
        {
            return;
        }

        var supplier = (await organizations.FindAsync(entry.OrgId, cancellationToken).ConfigureAwait(false))?.Value;
        if (supplier is null)
        {
            return;
        }

        var pool = assignee == SalesTasks.AdminsPool;
        var to = pool
            ? supplier.Members.Where(m => m.Has(Role.SupplierAdmin) && m.Email is not null).Take(MaxPoolRecipients).ToArray()
            : supplier.MemberOf(assignee) is { Email: not null } member ? [member] : [];
        var (subject, headline, lines) = Compose(page.Items, page.Next is not null, supplier.Name, now);
        foreach (var person in to)
        {
            var id = pool ? $"digest.{entry.OrgId}.{assignee}.{today}.{person.UserId}" : $"digest.{entry.OrgId}.{assignee}.{today}";
            await sender.SendAsync(new Notification(id, NotificationKind.SalesTaskDigest, person.Email!, person.Name, new Dictionary<string, string>
            {
                ["subject"] = subject,
                ["headline"] = headline,
                ["lines"] = string.Join('\n', lines),
                ["path"] = pool ? "/tasks?assignee=admins" : "/tasks",
            }, now), cancellationToken).ConfigureAwait(false);
        }

        // What is still not done tomorrow is overdue then, and in tomorrow's digest.
        await SalesTasks.ScheduleDigestAsync(due, entry.OrgId, assignee, DueEntry.DayOf(now.AddDays(1)), cancellationToken).ConfigureAwait(false);
    }
}
