using System.Diagnostics;
using System.Text.Json.Nodes;
using Agora.Infrastructure.Storage;

namespace Agora.Infrastructure.Tests;

/// <summary>The trace a work-queue message carries (pure: no queue): read back as the sender's context, and a client's
/// oversized tracestate (it flows in from the request's header) left behind instead of growing every message.</summary>
public sealed class MessageTraceTests
{
    private sealed record Item(string OrderId);

    [Fact]
    public void A_message_carries_the_senders_trace_and_is_read_back_as_its_context_with_a_short_tracestate_only()
    {
        using var listener = new ActivityListener { ShouldListenTo = _ => true, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(listener);
        using var source = new ActivitySource("MessageTraceTests");

        using (var sender = source.StartActivity("send")!)
        {
            sender.TraceStateString = "agora=1";
            var text = MessageTrace.Serialize(new Item("o-1"));
            var json = JsonNode.Parse(text)!.AsObject();
            Assert.Equal(["traceparent", "tracestate", "orderId"], json.Select(p => p.Key));
            var origin = MessageTrace.Read(text)!;
            Assert.Equal((sender.TraceId, sender.SpanId, "agora=1"), (origin.Context.TraceId, origin.Context.SpanId, origin.Context.TraceState));

            sender.TraceStateString = "hostile=" + new string('a', 8000);
            var large = MessageTrace.Serialize(new Item("o-2"));
            Assert.Null(JsonNode.Parse(large)!["tracestate"]); // not carried past W3C's 512 characters
            Assert.True(large.Length < 200, large);
            Assert.Equal(sender.TraceId, MessageTrace.Read(large)!.Context.TraceId);
        }

        Assert.Null(MessageTrace.Read("{\"orderId\":\"o-3\"}")); // an older message: no trace, still its item
        Assert.Null(MessageTrace.Read("not json"));
    }
}
