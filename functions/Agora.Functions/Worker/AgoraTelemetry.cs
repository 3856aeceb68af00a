using System.Diagnostics;
using Agora.Core.Common;
using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Storage;
using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Agora.Functions.Worker;

/// <summary>The worker's OpenTelemetry: one trace per invocation (an HTTP request, a queue message, a blob, a timer run)
/// carrying the correlation id and its Cosmos cost, the Cosmos and business metrics, and the logs. Exported to Azure
/// Monitor with the managed identity where <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set (the Function App), over
/// OTLP where <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is (a local collector, the Aspire dashboard), to the console for each
/// signal whose <c>OTEL_*_EXPORTER</c> setting says <c>console</c>; with none, the
/// providers record nothing anyone reads, which costs next to nothing. Called from the one DI entry point, so both
/// hosts run the same setup, and the tests add an in-memory exporter to it.</summary>
public static class AgoraTelemetry
{
    /// <summary>The source of the invocation spans (<see cref="StartInvocation"/>).</summary>
    public const string SourceName = "Agora.Functions";

    /// <summary>Span tag: the HTTP request's correlation id (<c>x-correlation-id</c>), or the invocation id of a trigger run.</summary>
    public const string CorrelationIdTag = MessageTrace.CorrelationIdTag;

    /// <summary>Span tag: on a queue message's span, the correlation id of the request that caused it (<see cref="MessageTrace"/>).</summary>
    public const string OriginCorrelationIdTag = MessageTrace.OriginCorrelationIdTag;

    /// <summary>Span tag: a queue message's id (OpenTelemetry's messaging convention).</summary>
    public const string MessageIdTag = "messaging.message.id";

    /// <summary>Span tag: the Cosmos DB requests the invocation made.</summary>
    public const string CosmosRequestsTag = "agora.cosmos.requests";

    /// <summary>Span tag: the request units those requests cost.</summary>
    public const string CosmosRequestUnitsTag = "agora.cosmos.request_units";

    /// <summary>The setting naming Application Insights; the Function App has it (infra/modules/functionapp.bicep).</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary>The OpenTelemetry SDK's standard setting for an OTLP collector; the exporter reads its siblings itself.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The OpenTelemetry specification's settings choosing each signal's exporters (a comma-separated list): where
    /// one names <see cref="ConsoleExporter"/>, that signal is also printed to the console (a developer's machine). Their
    /// other values are not read: OTLP follows <see cref="OtlpEndpointSetting"/> and Azure Monitor
    /// <see cref="AzureMonitorSetting"/>, as before (decision 0022d).</summary>
    public const string TracesExporterSetting = "OTEL_TRACES_EXPORTER";

    /// <inheritdoc cref="TracesExporterSetting"/>
    public const string MetricsExporterSetting = "OTEL_METRICS_EXPORTER";

    /// <inheritdoc cref="TracesExporterSetting"/>
    public const string LogsExporterSetting = "OTEL_LOGS_EXPORTER";

    /// <summary>The exporter name, in those settings, of the console exporter.</summary>
    public const string ConsoleExporter = "console";

    /// <summary>ASP.NET Core hosting's activity source (.NET 8 and later): the server span of each HTTP request.</summary>
    public const string AspNetCoreSourceName = "Microsoft.AspNetCore";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Registers the traces, metrics and logs, and the exporters the configuration asks for.</summary>
    public static IHostApplicationBuilder AddAgoraTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var telemetry = builder.Services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            // ASP.NET Core's own request span (the local runtime's Kestrel, the worker's HTTP proxy) is the parent of an HTTP
            // invocation: listened to, it is recorded, where unrecorded it would make the sampler drop the invocation's span.
            .WithTracing(tracing => tracing.AddSource(SourceName, AspNetCoreSourceName))
            .WithMetrics(metrics => metrics.AddMeter(CosmosMetrics.MeterName, AgoraMetrics.MeterName, PoisonQueueMetrics.MeterName))
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                // The scopes carry the correlation id (HttpPipeline) and the invocation id; the message stays readable.
                logging.IncludeScopes = true;
                logging.IncludeFormattedMessage = true;
            });

        if (builder.Configuration[AzureMonitorSetting] is { Length: > 0 } connectionString)
        {
            // Local authentication is off on the component: the exporter signs in as the app's user-assigned identity,
            // which DefaultAzureCredential takes from AZURE_CLIENT_ID, as the Cosmos and Service Bus clients do.
            telemetry.UseAzureMonitorExporter(monitor =>
            {
                monitor.ConnectionString = connectionString;
                monitor.Credential = new DefaultAzureCredential();
            });
        }

        if (builder.Configuration[OtlpEndpointSetting] is { Length: > 0 })
        {
            telemetry.UseOtlpExporter();
        }

        if (NamesConsole(builder.Configuration[TracesExporterSetting]))
        {
            telemetry.WithTracing(tracing => tracing.AddConsoleExporter());
        }

        if (NamesConsole(builder.Configuration[MetricsExporterSetting]))
        {
            telemetry.WithMetrics(metrics => metrics.AddConsoleExporter());
        }

        if (NamesConsole(builder.Configuration[LogsExporterSetting]))
        {
            telemetry.WithLogging(logging => logging.AddConsoleExporter());
        }

        // The poison-queue gauge reads storage when a reader collects; made with the meter provider, disposed with the container.
        builder.Services.AddSingleton<PoisonQueueMetrics>();
        builder.Services.ConfigureOpenTelemetryMeterProvider((services, _) => services.GetRequiredService<PoisonQueueMetrics>());

        return builder;
    }

    private static bool NamesConsole(string? exporters) =>
        exporters?.Split(',', StringSplitOptions.TrimEntries).Contains(ConsoleExporter, StringComparer.OrdinalIgnoreCase) == true;

    /// <summary>Starts the span of one invocation: a child of the caller's trace when the host passed one (the Functions
    /// worker's own invocation span, an incoming <c>traceparent</c>), else the root of a new trace; linked to the span
    /// that sent the message it handles, when there is one (decision 0022d).</summary>
    public static Activity? StartInvocation(string functionName, ActivityKind kind, string correlationId, IEnumerable<ActivityLink>? links = null)
    {
        // A default parent context means Activity.Current, as StartActivity(name, kind) would take.
        var activity = Source.StartActivity(functionName, kind, parentContext: default, links: links);
        activity?.SetTag("faas.name", functionName);
        activity?.SetTag(CorrelationIdTag, correlationId);
        return activity;
    }

    /// <summary>Ends an invocation's span with its Cosmos cost, and records that cost as metrics for its function.</summary>
    public static void Finish(Activity? activity, string functionName, CosmosRequestMeter.Measurement cosmos)
    {
        ArgumentNullException.ThrowIfNull(cosmos);
        CosmosMetrics.Record(functionName, cosmos);
        activity?.SetTag(CosmosRequestsTag, cosmos.Requests);
        activity?.SetTag(CosmosRequestUnitsTag, cosmos.RequestUnits);
    }
}
