using System.Globalization;
using System.Text.Json;
using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Ordering;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Marketing;

/// <summary>Marketing's hook on sign-ins (decision 0021c): told once per person, buyer organization and hour, so a signal
/// such as "has not logged in for long" is kept as things happen.</summary>
public interface ILoginSignals
{
    Task LoggedInAsync(string buyerId, string userId, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Remembers that a person signed in during an hour, so the sign-in is recorded once per hour however often the
/// client calls <c>GET /api/me</c>.</summary>
public interface ILoginMarks
{
    /// <summary>True for the first call of <paramref name="userId"/> in the UTC hour of <paramref name="at"/>, false after.</summary>
    Task<bool> FirstInHourAsync(string userId, DateTimeOffset at, CancellationToken cancellationToken);
}

/// <summary>Copies every timeline entry of a supplier's and buyer's carts, quotes, orders, shipments, returns and ledger
/// into the customer's timeline (<see cref="CustomerTimeline"/>), with the same id, time and visibility and
/// <see cref="TimelineEntry.About"/> naming the document: the store keeps one entry per id in a timeline, so the outbox
/// handing the same entries on again adds nothing.</summary>
public sealed class CustomerHistory(ITimelineStore timeline) : ISalesObserver
{
    public Task HandedOnAsync(ISalesDocument document, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0 || !Ids.IsWellFormed(document.SupplierId) || !Ids.IsWellFormed(document.BuyerId))
        {
            return Task.CompletedTask;
        }

        var subject = CustomerTimeline.Subject(document.SupplierId, document.BuyerId);
        return timeline.AddAsync(entries.Select(e => e with { Subject = subject, About = e.About ?? e.Subject }).ToArray(), cancellationToken);
    }
}

/// <summary>The signals of sales-manager tasks that the sales queue hands on (decision 0021c): an overdue reminder sent for
/// an installment (the ledger's <c>invoice.reminded</c> event, once the installment is late) raises an
/// <see cref="SalesTaskKind.OverdueInvoice"/> task; a quote proposed to the buyer is watched for its expiry (a due entry on
/// the day it comes within <see cref="SalesTaskOptions.ExpiringQuoteDays"/> of it, read by the morning digest).</summary>
public sealed class SalesTaskSignals(ISalesTasks tasks, IDueIndex due, SalesTaskOptions options, TimeProvider clock) : ISalesObserver
{
    public async Task HandedOnAsync(ISalesDocument document, IReadOnlyList<TimelineEntry> entries, IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(events);
        switch (document)
        {
            case NegotiatedQuote quote:
                await ManagerDigest.WatchAsync(due, quote, options.ExpiringQuoteDays, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
                break;
            case CustomerLedger ledger:
                foreach (var reminded in events.Where(e => e.Type == "invoice.reminded"))
                {
                    await OverdueAsync(ledger, reminded, cancellationToken).ConfigureAwait(false);
                }

                break;
        }
    }

    private async Task OverdueAsync(CustomerLedger ledger, IntegrationEvent reminded, CancellationToken cancellationToken)
    {
        var data = JsonSerializer.Deserialize<Reminded>(reminded.Data, Json.Options);
        if (data is null || data.DaysLate <= 0 || data.InvoiceId is null)
        {
            // "Due today" is the buyer's business; a task is for an installment that is late.
            return;
        }

        var number = ledger.Invoices.FirstOrDefault(i => i.Id == data.InvoiceId)?.Number ?? data.InvoiceId;
        var money = CheckoutService.Money(data.Open, data.Currency ?? ledger.Currency ?? string.Empty);
        var dueDate = data.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await tasks.RaiseAsync(new SalesTaskRequest(ledger.SupplierId, ledger.BuyerId, SalesTaskKind.OverdueInvoice, $"{data.InvoiceId}.{data.Installment}",
            $"Invoice {number} installment {data.Installment} is {data.DaysLate} days overdue ({money}): call {ledger.BuyerName ?? ledger.BuyerId}",
            $"It was due on {dueDate}; the buyer's admins were reminded by email. Ask when it will be paid, or whether it was paid already.",
            clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
    }

    private sealed record Reminded(string? InvoiceId, int Installment, DateOnly DueDate, decimal Open, string? Currency, int DaysLate);
}

/// <summary>Records sign-ins on the timelines of the customer accounts of the buyer organizations the person works for (as
/// buyer staff), and tells <see cref="ILoginSignals"/>; at most once per person per UTC hour (<see cref="ILoginMarks"/>:
/// one point read on every later call of the hour). Best effort by design: a failure is logged and never fails the
/// sign-in, and a sign-in whose recording failed after the hour's mark is not recorded again that hour.</summary>
public sealed partial class LoginHistory(
    ILoginMarks marks,
    ICustomerAccountStore accounts,
    ITimelineStore timeline,
    IEnumerable<ILoginSignals> signals,
    TimeProvider clock,
    ILogger<LoginHistory> logger) : ILoginObserver
{
    /// <summary>The most supplier accounts of one buyer a sign-in is recorded on.</summary>
    public const int MaxAccounts = 200;

    public async Task SignedInAsync(UserProfile profile, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var buyers = profile.Memberships.Where(m => m.Roles.Any(r => Roles.SideOf(r) == Capability.Buyer)).Select(m => m.OrgId).Distinct(StringComparer.Ordinal).ToArray();
        if (buyers.Length == 0)
        {
            return;
        }

        try
        {
            if (!await marks.FirstInHourAsync(profile.UserId, at, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            foreach (var buyer in buyers)
            {
                var entries = new List<TimelineEntry>();
                string? after = null;
                do
                {
                    var page = await accounts.ListByBuyerAsync(buyer, after, 100, cancellationToken).ConfigureAwait(false);
                    entries.AddRange(page.Items.Select(a => new TimelineEntry(Ids.New(clock), CustomerTimeline.Subject(a.SupplierId, buyer), at, profile.UserId,
                        profile.Name ?? profile.Email, buyer, "signedIn", $"{profile.Name ?? profile.Email ?? profile.UserId} signed in.", null, null, Visibility.Supplier)));
                    after = page.Next is null ? null : page.Items[^1].SupplierId;
                }
                while (after is not null && entries.Count < MaxAccounts);
                await timeline.AddAsync(entries, cancellationToken).ConfigureAwait(false);
                foreach (var signal in signals)
                {
                    await signal.LoggedInAsync(buyer, profile.UserId, at, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, e, profile.UserId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sign-in of {UserId} was not recorded on its customers' timelines")]
    private static partial void LogFailed(ILogger logger, Exception exception, string userId);
}

/// <summary>A customer's history as its supplier's staff read it (issue 13): orders, quotes, carts, shipments, returns,
/// invoices and reminders, tasks and their notes, sign-ins; oldest first, as every timeline. The buyer reads the timelines
/// of its own documents instead; this one holds the supplier's internal notes.</summary>
public sealed class CustomerHistoryService(AccessControl access, ICustomerAccountStore accounts, ITimelineStore timeline)
{
    public const int MaxPage = 200;

    public async Task<Page<TimelineEntry>> ListAsync(Caller caller, string supplierId, string buyerId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        _ = await access.SupplierMemberAsync(caller, supplierId, "read customer timelines", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        var size = Paging.Size(limit, 100, MaxPage);
        var after = Cursor.Decode(cursor, "cursor");
        _ = (Ids.IsWellFormed(buyerId) ? await accounts.FindAsync(supplierId, buyerId, cancellationToken).ConfigureAwait(false) : null)
            ?? throw DomainException.NotFound("Customer account", buyerId);
        return await timeline.ListAsync(CustomerTimeline.Subject(supplierId, buyerId), Visibility.Supplier, after, size, cancellationToken).ConfigureAwait(false);
    }
}
