using System.Diagnostics.Metrics;

namespace Agora.Infrastructure.Cosmos;

/// <summary>What each business operation (an HTTP function, a queue message, a blob, a timer run) cost in Cosmos DB, as
/// metrics: the figures <see cref="CosmosRequestMeter"/> measures per operation, tagged with the operation's name so a
/// dashboard shows which function spends the requests and request units. Recorded once per operation, at its end, by the
/// code that started the measurement (the HTTP pipeline, the trigger measurement); a BCL <see cref="Meter"/> that the
/// worker's OpenTelemetry setup subscribes to.</summary>
public static class CosmosMetrics
{
    /// <summary>The meter the worker subscribes to.</summary>
    public const string MeterName = "Agora.Cosmos";

    /// <summary>The tag naming the operation: the function's name.</summary>
    public const string OperationTag = "agora.operation";

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Requests = Meter.CreateCounter<long>("agora.cosmos.requests", "{request}", "Cosmos DB requests, by operation.");

    private static readonly Counter<double> RequestUnits = Meter.CreateCounter<double>("agora.cosmos.request_units", "RU", "Cosmos DB request units charged, by operation.");

    private static readonly Histogram<long> RequestsPerOperation = Meter.CreateHistogram<long>(
        "agora.cosmos.operation.requests", "{request}", "Cosmos DB requests of one operation: the figure the cost tests bound.");

    /// <summary>Records one finished operation's cost.</summary>
    public static void Record(string operation, CosmosRequestMeter.Measurement measurement)
    {
        ArgumentNullException.ThrowIfNull(measurement);
        var tag = new KeyValuePair<string, object?>(OperationTag, operation);
        Requests.Add(measurement.Requests, tag);
        RequestUnits.Add(measurement.RequestUnits, tag);
        RequestsPerOperation.Record(measurement.Requests, tag);
    }
}
