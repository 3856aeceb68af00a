using System.Diagnostics.Metrics;

namespace Agora.Core.Common;

/// <summary>The business figures an operator watches beside the technical ones: orders placed, emails sent, import rows read.
/// A BCL <see cref="Meter"/>, so Core needs no telemetry package: the worker's OpenTelemetry setup listens to
/// <see cref="MeterName"/> and exports what is recorded here; nothing is recorded anywhere when nobody listens. Rates
/// (import rows per second) are the backend's derivative of these counters, as with any OpenTelemetry counter.</summary>
public static class AgoraMetrics
{
    /// <summary>The meter the worker subscribes to.</summary>
    public const string MeterName = "Agora.Core";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Orders created by checkout (pending approval or placed), once per order: a retried checkout counts nothing.</summary>
    internal static readonly Counter<long> OrdersPlaced = Meter.CreateCounter<long>("agora.orders.placed", "{order}", "Orders created by checkout.");

    /// <summary>Emails handed to the mail service: one per notification, one per recipient of a campaign batch.</summary>
    internal static readonly Counter<long> EmailsSent = Meter.CreateCounter<long>("agora.emails.sent", "{email}", "Emails handed to the mail service.");

    /// <summary>Rows read from supplier files, tagged with the import kind; its rate is the import speed.</summary>
    internal static readonly Counter<long> ImportRows = Meter.CreateCounter<long>("agora.import.rows", "{row}", "Rows read from imported files.");
}
