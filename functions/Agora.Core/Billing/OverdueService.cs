using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Integration;
using Agora.Core.Notifications;
using Agora.Core.Ordering;

namespace Agora.Core.Billing;

/// <summary>The daily overdue run (issue 12; decision 0018c): for each customer ledger with an installment whose reminder
/// day has come, sends the step <see cref="Overdue.ReminderDue"/> says — one email to the buyer's admins and the account's
/// sales manager per installment and step, never twice — records it (and the steps it passed) in the ledger in one
/// conditional write with its outbox, and asks to be run again on the next reminder day. Ledgers are found through due
/// entries (kind <see cref="DueKind"/>, id = the ledger's), added for each installment's due date when its invoice is
/// issued, so the run reads one partition per day rather than every ledger.</summary>
public sealed class OverdueService(
    ISalesDocuments<CustomerLedger> ledgers,
    IBillingStore store,
    IOrganizationStore organizations,
    ICustomerAccountStore accounts,
    IDueIndex due,
    DueWork dueWork,
    SalesSignal outbox,
    TimeProvider clock)
{
    public const string DueKind = "overdueReminders";

    /// <summary>Runs the reminders due by now (and those the last <see cref="DueWork.CatchUpDays"/> days missed).</summary>
    public Task<int> RunAsync(CancellationToken cancellationToken) => dueWork.RunAsync(DueKind, RemindAsync, cancellationToken);

    /// <summary>Asks the run to look at <paramref name="ledgerId"/> on each of <paramref name="days"/>.</summary>
    public static async Task ScheduleAsync(IDueIndex due, string supplierId, string ledgerId, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        foreach (var day in days.Distinct())
        {
            var at = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            await due.AddAsync(new DueEntry(DueEntry.DayOf(at), ledgerId, DueKind, supplierId, at), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RemindAsync(DueEntry entry, CancellationToken cancellationToken)
    {
        var settings = (await store.SettingsAsync(entry.OrgId, cancellationToken).ConfigureAwait(false)).Value;
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var found = await ledgers.FindAsync(entry.Id, cancellationToken).ConfigureAwait(false);
        if (found is null)
        {
            return;
        }

        var supplier = (await organizations.FindAsync(found.Value.SupplierId, cancellationToken).ConfigureAwait(false))?.Value;
        var buyer = (await organizations.FindAsync(found.Value.BuyerId, cancellationToken).ConfigureAwait(false))?.Value;
        var account = (await accounts.FindAsync(found.Value.SupplierId, found.Value.BuyerId, cancellationToken).ConfigureAwait(false))?.Value;
        var written = await Concurrency.RetryAsync("The customer's ledger", async attempt =>
        {
            var current = attempt == 1 ? found : await ledgers.FindAsync(entry.Id, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                return null;
            }

            var ledger = current.Value;
            var box = ledger.Outbox;
            var sent = 0;
            foreach (var installment in ledger.DueInstallments())
            {
                if (Overdue.ReminderDue(installment, today, settings) is not { } step)
                {
                    continue;
                }

                ledger = ledger.Reminded(installment.InvoiceId, installment.Number, Overdue.Passed(installment, step, settings));
                box = Remind(box, ledger, installment, step, today, supplier, buyer, account);
                sent++;
            }

            return sent == 0 ? current : await ledgers.ReplaceAsync(ledger with { Outbox = box, UpdatedAt = clock.GetUtcNow() }, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        if (written is null)
        {
            return;
        }

        await outbox.SignalAsync(written.Value, cancellationToken).ConfigureAwait(false);
        var next = NextReminderDay(written.Value, settings, today);
        if (next is { } day)
        {
            await ScheduleAsync(due, written.Value.SupplierId, written.Value.Id, [day], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The first day after today on which some open installment reaches a reminder step it has not had.</summary>
    private static DateOnly? NextReminderDay(CustomerLedger ledger, BillingSettings settings, DateOnly today) =>
        ledger.DueInstallments()
            .SelectMany(i => settings.ReminderDays.Where(d => !i.RemindedDays.Any(r => r >= d)).Select(d => i.DueDate.AddDays(d)))
            .Where(d => d > today).Select(d => (DateOnly?)d).Min();

    private Outbox Remind(Outbox box, CustomerLedger ledger, DueInstallment installment, int step, DateOnly today, Organization? supplier, Organization? buyer, CustomerAccount? account)
    {
        var money = CheckoutService.Money(installment.Open, installment.Currency);
        var late = today.DayNumber - installment.DueDate.DayNumber;
        var when = late == 0 ? "is due today" : $"was due on {installment.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, {late} days ago";
        var headline = $"Installment {installment.Number} of invoice {installment.InvoiceNumber} ({money}) {when}.";
        var supplierName = supplier?.Name ?? ledger.SupplierName ?? ledger.SupplierId;
        var to = (buyer?.Members.Where(m => m.Has(Role.BuyerAdmin) && m.Email is not null) ?? [])
            .Concat(account?.SalesManagerId is { } manager && supplier?.MemberOf(manager) is { Email: not null } sm ? [sm] : [])
            .DistinctBy(m => m.Email, StringComparer.OrdinalIgnoreCase);
        var path = $"/invoices/{installment.InvoiceId}";
        return box
            .Add(SalesFacts.Entry(clock, ledger.Subject, Actor.System(ledger.SupplierId), late == 0 ? "due" : "overdue", headline, Visibility.Both))
            .Add(IntegrationEvent.Create(Ids.New(clock), "invoice.reminded", ledger.SupplierId, $"invoice:{installment.InvoiceId}", clock.GetUtcNow(), new
            {
                installment.InvoiceId, installment = installment.Number, installment.DueDate, installment.Open, installment.Currency, daysLate = late, step, ledger.BuyerId,
            }))
            .Add(to.Select(m => SalesFacts.Email(clock, m.Email!, m.Name, late == 0 ? $"Invoice {installment.InvoiceNumber} from {supplierName} is due today" : $"Invoice {installment.InvoiceNumber} from {supplierName} is {late} days overdue",
                headline, $"{ledger.BuyerName ?? ledger.BuyerId} owes {money} on it to {supplierName}. If it was paid already, nothing needs doing.", path)).ToArray());
    }
}
