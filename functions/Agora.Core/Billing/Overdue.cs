using Agora.Core.Common;

namespace Agora.Core.Billing;

/// <summary>When a supplier invoices: per shipment (at dispatch) or per order (once all of it is dispatched).</summary>
public enum InvoicePer
{
    Shipment,
    Order,
}

/// <summary>A supplier's billing settings (issue 12).</summary>
/// <param name="ReminderDays">Days after an installment's due date when its buyer is reminded (0 = on the due date); each
/// step is sent at most once per installment.</param>
/// <param name="BlockOrdersAfterDays">New orders of a customer with an installment overdue longer than this are refused at
/// checkout; null never blocks.</param>
/// <param name="DepositPercent">Part of every invoice due on its date, before the installments of the payment terms (0: none).
/// A supplier-wide setting rather than one per customer account (decision 0018c).</param>
/// <param name="Prepayment">Every invoice is due in full on its date, whatever the payment terms.</param>
/// <param name="Language">The printed invoices' language (pt-BR or en); null: pt-BR for Brazilian buyers, else en.</param>
public sealed record BillingSettings(
    InvoicePer InvoicePer,
    string InvoiceSeries,
    string CreditNoteSeries,
    IReadOnlyList<int> ReminderDays,
    int? BlockOrdersAfterDays,
    decimal DepositPercent = 0,
    bool Prepayment = false,
    string? Language = null)
{
    public static readonly IReadOnlyList<string> Languages = ["pt-BR", "en"];

    public const int MaxReminders = 10;
    public const int MaxDays = 365;

    public static readonly BillingSettings Default = new(InvoicePer.Shipment, "nf1", "nc1", [0, 7, 30], null);

    /// <summary>The settings, checked; field names as in the API.</summary>
    public BillingSettings Checked()
    {
        var v = new Validation();
        v.Check(Ids.IsWellFormed(InvoiceSeries) && InvoiceSeries.Length <= 20, "invoiceSeries", "must be a series id of up to 20 letters, digits, '-', '_' or '.'.");
        v.Check(Ids.IsWellFormed(CreditNoteSeries) && CreditNoteSeries.Length <= 20, "creditNoteSeries", "must be a series id of up to 20 letters, digits, '-', '_' or '.'.");
        v.Check(!string.Equals(InvoiceSeries, CreditNoteSeries, StringComparison.OrdinalIgnoreCase), "creditNoteSeries", "must differ from invoiceSeries: credit notes are numbered on their own.");
        v.Check(ReminderDays.Count <= MaxReminders && ReminderDays.All(d => d is >= 0 and <= MaxDays) && ReminderDays.Zip(ReminderDays.Skip(1)).All(p => p.First < p.Second),
            "reminderDays", $"must be up to {MaxReminders} increasing days from 0 to {MaxDays} after the due date, such as [0, 7, 30].");
        v.Check(BlockOrdersAfterDays is null or (>= 0 and <= MaxDays), "blockOrdersAfterDays", $"must be empty (never block) or 0 to {MaxDays} days.");
        v.Check(DepositPercent is >= 0 and <= InvoiceTerms.MaxDepositPercent && decimal.Round(DepositPercent, 2) == DepositPercent, "depositPercent",
            "must be a percentage from 0 to 100 with at most 2 decimals.");
        v.Check(Language is null || Languages.Contains(Language), "language", "must be pt-BR or en, or empty (pt-BR for Brazilian buyers, else en).");
        v.ThrowIfInvalid();
        // Printed in capitals (NF1-000042): "NF1" and "nf1" are one series, with one counter, or numbers would repeat on paper.
        return this with { InvoiceSeries = InvoiceSeries.ToLowerInvariant(), CreditNoteSeries = CreditNoteSeries.ToLowerInvariant() };
    }
}

/// <summary>An installment as the overdue run sees it: what is still open on it and which reminder steps were sent.</summary>
public sealed record DueInstallment(string InvoiceId, string InvoiceNumber, int Number, DateOnly DueDate, decimal Open, string Currency, IReadOnlySet<int> RemindedDays);

/// <summary>The daily overdue run's decisions (issue 12), pure: which reminder to send for an installment today, and whether
/// a customer's overdue installments block new orders.</summary>
public static class Overdue
{
    /// <summary>Overdue: still open after its due date.</summary>
    public static bool IsOverdue(DueInstallment installment, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(installment);
        return installment.Open > 0 && today > installment.DueDate;
    }

    /// <summary>The reminder step to send today, if any: the latest step whose day has come and that was not sent. When
    /// the run missed days and several steps are due at once, only the latest is sent (the earlier ones are recorded as
    /// passed with <see cref="Passed"/>): one email, saying how late it is now, rather than a burst.</summary>
    public static int? ReminderDue(DueInstallment installment, DateOnly today, BillingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(installment);
        ArgumentNullException.ThrowIfNull(settings);
        if (installment.Open <= 0)
        {
            return null;
        }

        var late = today.DayNumber - installment.DueDate.DayNumber;
        var reached = settings.ReminderDays.Where(d => d <= late).ToArray();
        return reached.Length > 0 && !installment.RemindedDays.Contains(reached[^1]) && !installment.RemindedDays.Any(d => d > reached[^1])
            ? reached[^1]
            : null;
    }

    /// <summary>The steps to record as done when <paramref name="step"/> is sent: it and every earlier one not sent.</summary>
    public static IReadOnlyList<int> Passed(DueInstallment installment, int step, BillingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(installment);
        ArgumentNullException.ThrowIfNull(settings);
        return settings.ReminderDays.Where(d => d <= step && !installment.RemindedDays.Contains(d)).ToArray();
    }

    /// <summary>Why a customer may not order now, in words, or null: an installment overdue longer than the supplier's
    /// <see cref="BillingSettings.BlockOrdersAfterDays"/> (the oldest is named).</summary>
    public static string? BlockReason(IEnumerable<DueInstallment> open, DateOnly today, BillingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.BlockOrdersAfterDays is not { } limit)
        {
            return null;
        }

        var oldest = open.Where(i => i.Open > 0 && today.DayNumber - i.DueDate.DayNumber > limit).OrderBy(i => i.DueDate).FirstOrDefault();
        return oldest is null
            ? null
            : $"New orders are on hold: installment {oldest.Number} of invoice {oldest.InvoiceNumber} ({oldest.Open.ToString(System.Globalization.CultureInfo.InvariantCulture)} {oldest.Currency}) " +
              $"was due on {oldest.DueDate:yyyy-MM-dd}, {today.DayNumber - oldest.DueDate.DayNumber} days ago; the supplier holds orders past {limit} days. Pay it, or ask the supplier's sales manager.";
    }
}
