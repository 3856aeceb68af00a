using System.Diagnostics;
using Agora.Functions.Worker;
using Agora.Infrastructure.Storage;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Agora.Functions.Tests;

/// <summary>The telemetry of the queue work (decision 0022d): a request's trace continues, by links, into the messages it
/// causes, and the poison queues are a gauge. Run on the shared backend, with this test's own in-memory exporters on
/// providers of its own: the activity source and the gauge are the process's, so these see what the backend records,
/// and no second backend takes the shared queues' messages meanwhile (each backend has its own database).</summary>
[Collection(BackendCollection.Name)]
public sealed class QueueTelemetryTests(BackendFixture backend)
{
    [Fact]
    public async Task A_checkouts_trace_continues_into_the_queue_work_it_causes()
    {
        var spans = new SynchronizedCollection<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(AgoraTelemetry.SourceName).AddInMemoryExporter(spans).Build();
        using var market = await SalesMarket.CreateAsync(backend, products: 1);
        await market.AddAsync(market.Purchaser, (SalesMarket.Sku(0), "UN", 2));
        using var checkout = await market.CheckoutAsync(market.Purchaser);
        await BackendFixture.Ensure(checkout);
        var correlationId = checkout.Headers.GetValues(Http.HttpPipeline.CorrelationHeader).Single();

        // The checkout queues its order's outbox (sales), whose hand-on queues the buyer's email (notifications).
        bool Caused(Activity s, string function) => s.DisplayName == function && (string?)s.GetTagItem(AgoraTelemetry.OriginCorrelationIdTag) == correlationId;
        await BackendFixture.EventuallyAsync(() =>
        {
            lock (spans)
            {
                return Task.FromResult(spans.Any(s => Caused(s, "HandOnSalesOutbox")) && spans.Any(s => Caused(s, "SendNotification")));
            }
        }, $"the sales and notification messages of checkout {correlationId} were handled", TimeSpan.FromMinutes(1));

        Activity[] exported;
        lock (spans)
        {
            exported = [.. spans];
        }

        var request = Assert.Single(exported, s => (string?)s.GetTagItem(AgoraTelemetry.CorrelationIdTag) == correlationId);
        // The first hand-on links to the request (one that found the document busy queues itself again, linked to itself).
        Assert.Contains(exported, s => Caused(s, "HandOnSalesOutbox") && s.Links.Any(l => l.Context.TraceId == request.TraceId));
        var handOn = exported.First(s => Caused(s, "HandOnSalesOutbox") && s.Links.Any(l => l.Context.TraceId == request.TraceId));
        var notification = exported.First(s => Caused(s, "SendNotification"));

        // Each message's span links to the span that sent it: the request's for the sales message, the hand-on's for the
        // email; each is still its own trace (the host's invocation is its parent in Azure), with its own correlation id.
        Assert.Equal(ActivityKind.Consumer, handOn.Kind);
        var toRequest = Assert.Single(handOn.Links);
        Assert.Contains(exported, s => s.TraceId == request.TraceId && s.SpanId == toRequest.Context.SpanId);
        Assert.NotEqual(request.TraceId, handOn.TraceId);
        Assert.NotEqual(correlationId, (string?)handOn.GetTagItem(AgoraTelemetry.CorrelationIdTag));
        var toHandOn = Assert.Single(notification.Links);
        Assert.Contains(exported, s => Caused(s, "HandOnSalesOutbox") && s.TraceId == toHandOn.Context.TraceId && s.SpanId == toHandOn.Context.SpanId);
    }

    [Fact]
    public async Task A_message_that_keeps_failing_is_counted_by_the_poison_gauge_of_its_queue()
    {
        var metrics = new SynchronizedCollection<MetricSnapshot>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(PoisonQueueMetrics.MeterName).AddInMemoryExporter(metrics).Build();

        // Not a purge at all: PurgePriceList fails on each of its five attempts, then the host moves it to the poison queue.
        var text = $"not a purge {Guid.NewGuid():N}";
        var storage = backend.Backend.Services.GetRequiredService<StorageClients>();
        await storage.Queues.GetQueueClient(StorageNames.PriceListPurgesQueue).SendMessageAsync(text);
        var poison = storage.Queues.GetQueueClient(StoragePoisonQueues.PoisonQueueOf(StorageNames.PriceListPurgesQueue));
        await BackendFixture.EventuallyAsync(async () =>
        {
            await poison.CreateIfNotExistsAsync();
            return (await poison.PeekMessagesAsync(32)).Value.Any(m => m.Body.ToString() == text);
        }, "the failing message in price-list-purges-poison", TimeSpan.FromMinutes(1));

        // The gauge's last reading may predate it: once that is older than the gauge keeps one, a collection reads again.
        backend.Clock.Advance(PoisonQueueMetrics.MaxAge);
        await BackendFixture.EventuallyAsync(() =>
        {
            meters.ForceFlush();
            return Task.FromResult(PoisonCount(metrics, StorageNames.PriceListPurgesQueue) >= 1);
        }, "the poison gauge counts the message", TimeSpan.FromMinutes(1));

        MetricSnapshot gauge;
        lock (metrics)
        {
            gauge = metrics.Last(m => m.Name == PoisonQueueMetrics.PoisonMessagesMetric);
        }

        Assert.Equal(MetricType.LongGauge, gauge.MetricType);
        Assert.Equal("{message}", gauge.Unit);
    }

    /// <summary>The gauge's figure for <paramref name="queue"/> in the newest export that has one (0 when none has).</summary>
    private static long PoisonCount(SynchronizedCollection<MetricSnapshot> metrics, string queue)
    {
        MetricSnapshot[] snapshots;
        lock (metrics)
        {
            snapshots = metrics.Where(m => m.Name == PoisonQueueMetrics.PoisonMessagesMetric).ToArray();
        }

        foreach (var snapshot in snapshots.Reverse())
        {
            foreach (var point in snapshot.MetricPoints)
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == PoisonQueueMetrics.QueueTag && (string?)tag.Value == queue)
                    {
                        return point.GetGaugeLastValueLong();
                    }
                }
            }
        }

        return 0;
    }
}
