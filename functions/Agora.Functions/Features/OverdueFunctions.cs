using Agora.Core.Billing;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Daily: reminds buyers of installments due and overdue, once per installment and reminder step. The schedule is
/// the app setting <c>OverdueReminderSchedule</c> (six-field cron, UTC); an operator runs it now with the host's admin
/// endpoint (<c>POST /admin/functions/RemindOverdue</c>, master key).</summary>
public sealed class OverdueFunctions(OverdueService overdue)
{
    [Function(nameof(RemindOverdue))]
    public Task RemindOverdue([TimerTrigger("%OverdueReminderSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        overdue.RunAsync(cancellationToken);
}
