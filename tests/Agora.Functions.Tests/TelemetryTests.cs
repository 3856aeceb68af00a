using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Agora.Core.Notifications;
using Agora.Functions.Worker;
using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Storage;
using Agora.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Agora.Functions.Tests;

/// <summary>The worker's OpenTelemetry setup (<see cref="AgoraTelemetry"/>, run by the one DI entry point) with an in-memory
/// exporter added, as an operator's collector would be: each HTTP call and each queue message is its own trace, with the
/// correlation id and the Cosmos requests it made, and the Cosmos cost reaches the metrics by function. In the shared
/// backend's collection although it starts a backend of its own: the storage queues are shared and each backend has its
/// own database, so a second backend running beside the other end-to-end tests would take (and fail, or drop) their
/// messages; one at a time, the idle shared backend may take this test's message, whose span is seen all the same.</summary>
[Collection(BackendCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task Each_http_call_and_queue_message_is_one_trace_with_its_cosmos_requests()
    {
        var spans = new SynchronizedCollection<Activity>();
        var metrics = new List<Metric>();
        var backend = new BackendFixture
        {
            Configure = builder => builder.Services
                .ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans))
                .ConfigureOpenTelemetryMeterProvider(meters => meters.AddInMemoryExporter(metrics)),
        };
        await backend.InitializeAsync();
        try
        {
            // Two HTTP calls, each with the correlation id a client sends.
            var orgId = await backend.OrganizationAsync("otel-admin", ["supplier"]);
            using var admin = backend.As("otel-admin", "otel-admin@test.example");
            var calls = new List<(string CorrelationId, long CosmosRequests)>();
            foreach (var correlationId in new[] { $"otel-{Guid.NewGuid():N}", $"otel-{Guid.NewGuid():N}" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/orgs/{orgId}");
                request.Headers.Add(Http.HttpPipeline.CorrelationHeader, correlationId);
                using var response = await admin.SendAsync(request);
                await BackendFixture.Ensure(response);
                calls.Add((correlationId, BackendFixture.CosmosRequestsOf(response)));
            }

            // One queue message, handled by the queue trigger. The queues are shared with the other backends of this test
            // process (one storage emulator), so any of them may take it; its span reaches this exporter all the same (the
            // activity source is the process's), which is what is awaited.
            var notification = new Notification($"otel-{Guid.NewGuid():N}", NotificationKind.InvitationExpired, "otel-reader@test.example", null,
                new Dictionary<string, string> { ["orgId"] = orgId, ["orgName"] = "Otel", ["inviteeEmail"] = "late@test.example" }, backend.Clock.GetUtcNow());
            var queue = backend.Backend.Services.GetRequiredService<StorageClients>().Queues.GetQueueClient(StorageNames.NotificationsQueue);
            var sent = await queue.SendMessageAsync(JsonSerializer.Serialize(notification, BackendFixture.Options));
            await BackendFixture.EventuallyAsync(() =>
            {
                lock (spans)
                {
                    return Task.FromResult(spans.Any(s => (string?)s.GetTagItem(AgoraTelemetry.MessageIdTag) == sent.Value.MessageId));
                }
            }, $"the notification message {sent.Value.MessageId} was handled", TimeSpan.FromMinutes(1));

            backend.Backend.Services.GetRequiredService<TracerProvider>().ForceFlush();
            backend.Backend.Services.GetRequiredService<MeterProvider>().ForceFlush();
            Activity[] exported;
            lock (spans)
            {
                exported = [.. spans];
            }

            var seen = string.Join("; ", exported.Select(s => $"{s.DisplayName} {s.Kind} [{string.Join(", ", s.TagObjects.Select(t => $"{t.Key}={t.Value}"))}]"));
            Assert.True(exported.Length >= 3, seen);
            var httpTraces = new List<ActivityTraceId>();
            foreach (var (correlationId, cosmosRequests) in calls)
            {
                var span = exported.SingleOrDefault(s => (string?)s.GetTagItem(AgoraTelemetry.CorrelationIdTag) == correlationId);
                Assert.True(span is not null, $"No single span for {correlationId}: {seen}");
                Assert.Equal(ActivityKind.Internal, span!.Kind);
                // Its parent is the server span of the same request, ASP.NET Core's, in the same trace.
                Assert.Contains(exported, s => s.Kind == ActivityKind.Server && s.SpanId == span.ParentSpanId && s.TraceId == span.TraceId);
                Assert.Equal("GetOrganization", span.DisplayName);
                Assert.True(cosmosRequests > 0, "Reading an organization reads Cosmos DB.");
                Assert.Equal(cosmosRequests, (long)span.GetTagItem(AgoraTelemetry.CosmosRequestsTag)!);
                httpTraces.Add(span.TraceId);
            }

            var message = Assert.Single(exported, s => (string?)s.GetTagItem(AgoraTelemetry.MessageIdTag) == sent.Value.MessageId);
            Assert.Equal(ActivityKind.Consumer, message.Kind);
            Assert.Equal("SendNotification", message.DisplayName);
            Assert.Equal(ActivityStatusCode.Unset, message.Status);
            // Sent without a trace (by hand, by an older version): handled all the same, its span linked to nothing.
            Assert.Empty(message.Links);
            Assert.Null(message.GetTagItem(AgoraTelemetry.OriginCorrelationIdTag));
            Assert.False(string.IsNullOrEmpty((string?)message.GetTagItem(AgoraTelemetry.CorrelationIdTag)));
            // Was it sent before, then record it sent: Cosmos requests, on the message's own span.
            Assert.True((long)message.GetTagItem(AgoraTelemetry.CosmosRequestsTag)! >= 2);

            // One trace each: three invocations, three trace ids.
            Assert.Equal(3, httpTraces.Append(message.TraceId).Distinct().Count());

            // The same cost as metrics, by function (other backends in this process add to the same meter: at least ours).
            var requests = metrics.Where(m => m.Name == "agora.cosmos.requests").ToArray();
            Assert.NotEmpty(requests);
            Assert.True(SumFor(requests, "GetOrganization") >= calls.Sum(c => c.CosmosRequests));
            Assert.True(SumFor(requests, "SendNotification") >= 2);
        }
        finally
        {
            await backend.DisposeAsync();
        }
    }

    [Fact]
    public void OTEL_TRACES_EXPORTER_console_prints_each_span_and_without_it_nothing_is_printed()
    {
        var printed = ConsoleOutputOfOneSpan("otlp, console", out var traceId);
        var silent = ConsoleOutputOfOneSpan(null, out var unprinted);

        Assert.Contains(traceId, printed, StringComparison.Ordinal);
        Assert.DoesNotContain(unprinted, silent, StringComparison.Ordinal);
    }

    /// <summary>Runs the app's telemetry setup with <paramref name="tracesExporter"/> as OTEL_TRACES_EXPORTER and ends one
    /// invocation span; what the console received meanwhile (other tests' spans may be in it too).</summary>
    private static string ConsoleOutputOfOneSpan(string? tracesExporter, out string traceId)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [AgoraTelemetry.TracesExporterSetting] = tracesExporter });
        builder.AddAgoraTelemetry();
        using var host = builder.Build();
        var tracer = host.Services.GetRequiredService<TracerProvider>();
        using var output = new StringWriter();
        var console = TextWriter.Synchronized(output);
        var previous = Console.Out;
        Console.SetOut(console);
        try
        {
            using (var span = AgoraTelemetry.StartInvocation("ConsoleProbe", ActivityKind.Internal, $"console-{Guid.NewGuid():N}"))
            {
                traceId = span?.TraceId.ToHexString() ?? throw new InvalidOperationException("The app's tracer provider does not listen to its own source.");
            }

            tracer.ForceFlush();
        }
        finally
        {
            Console.SetOut(previous);
        }

        console.Flush();
        return output.ToString();
    }

    private static long SumFor(IEnumerable<Metric> metrics, string operation)
    {
        long sum = 0;
        foreach (var metric in metrics)
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == CosmosMetrics.OperationTag && (string?)tag.Value == operation)
                    {
                        sum = Math.Max(sum, point.GetSumLong());
                    }
                }
            }
        }

        return sum;
    }
}

/// <summary>The exporter adds from whichever thread ends a span (other backends' too); the test reads under the same lock.</summary>
internal sealed class SynchronizedCollection<T> : System.Collections.ObjectModel.Collection<T>
{
    protected override void InsertItem(int index, T item)
    {
        lock (this)
        {
            base.InsertItem(index, item);
        }
    }
}
