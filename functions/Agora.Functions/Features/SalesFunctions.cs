using System.Text.Json;
using Agora.Core.Billing;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Infrastructure.Storage;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>The background of sales: the queue that hands each document's outbox on, and the timer that ends the stock
/// holds of orders left unapproved, hands on outboxes whose queue message could not be sent, and settles invoice numbers
/// whose issuing did not finish.</summary>
public sealed class SalesFunctions(SalesOutbox outbox, OrderService orders, BillingService billing, DueWork dueWork)
{
    /// <summary>Read as text and parsed here with the API's JSON shape, as both hosts bind it the same way.</summary>
    [Function(nameof(HandOnSalesOutbox))]
    public async Task HandOnSalesOutbox([QueueTrigger(StorageNames.SalesQueue)] string message, CancellationToken cancellationToken)
    {
        var work = JsonSerializer.Deserialize<SalesWork>(message, Json.Options) ?? throw new JsonException("The sales message is 'null'.");
        await outbox.HandleAsync(work, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every five minutes (UTC).</summary>
    [Function(nameof(SalesTimer))]
    public async Task SalesTimer([TimerTrigger("0 */5 * * * *")] TimerInfo timer, CancellationToken cancellationToken)
    {
        await orders.ExpireHoldsAsync(cancellationToken).ConfigureAwait(false);
        await dueWork.RunAsync(SalesSignal.DueKind, outbox.HandleDueAsync, cancellationToken).ConfigureAwait(false);
        await dueWork.RunAsync(BillingService.NumbersDueKind, billing.SettleNumbersAsync, cancellationToken).ConfigureAwait(false);
    }
}
