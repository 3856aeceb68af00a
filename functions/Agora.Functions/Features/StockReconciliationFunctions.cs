using Agora.Core.Inventory;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Nightly stock reconciliation of the suppliers that sent a snapshot (schedule: app setting
/// <c>StockReconciliationSchedule</c>, six-field cron, UTC).</summary>
public sealed class StockReconciliationFunctions(StockReconciliation reconciliation)
{
    [Function(nameof(ReconcileStock))]
    public Task ReconcileStock([TimerTrigger("%StockReconciliationSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        reconciliation.RunDueAsync(cancellationToken);
}
