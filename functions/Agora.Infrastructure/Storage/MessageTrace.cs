using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Agora.Core.Common;

namespace Agora.Infrastructure.Storage;

/// <summary>The trace a work-queue message was sent in, carried in the message itself: a storage queue message has no
/// headers, so its JSON begins with the W3C <c>traceparent</c> (and <c>tracestate</c>) of the span that sent it and the
/// correlation id of the request behind it, before the item's own properties — the CloudEvents distributed-tracing
/// extension's names. The items' readers skip what they do not know (<see cref="Json.Options"/>), and a message without
/// these properties (sent by an older version, by hand, re-driven from before) is read as it always was: its trigger
/// span simply has no link.</summary>
public static class MessageTrace
{
    /// <summary>The W3C trace context of the span that sent the message.</summary>
    public const string TraceParentProperty = "traceparent";

    /// <summary>The vendors' part of that trace context, when the span has one.</summary>
    public const string TraceStateProperty = "tracestate";

    /// <summary>The correlation id of the request (or first message) that caused the message.</summary>
    public const string CorrelationIdProperty = "correlationId";

    /// <summary>Span tag: an invocation's own correlation id — the HTTP request's <c>x-correlation-id</c>, or a trigger
    /// run's invocation id.</summary>
    public const string CorrelationIdTag = "agora.correlation_id";

    /// <summary>Span tag: on a trigger span, the correlation id of the request whose work the message carries, so that
    /// searching a client's correlation id finds the queue work it caused as well as the request.</summary>
    public const string OriginCorrelationIdTag = "agora.origin.correlation_id";

    /// <summary>How much of a message <see cref="Read"/> looks at: the trace context (a <c>tracestate</c> holds at most 512
    /// characters) and a correlation id (at most 64) fit well within it.</summary>
    private const int MaxLeadingChars = 2048;

    /// <summary>W3C Trace Context's limit on a <c>tracestate</c> that is passed on.</summary>
    private const int MaxTraceStateChars = 512;

    /// <summary>The sender's trace, read from a message: the context to link to and the original correlation id.</summary>
    public sealed record Origin(ActivityContext Context, string? CorrelationId);

    /// <summary>The message text of <paramref name="item"/>: its JSON (<see cref="Json.Options"/>), preceded by the trace
    /// of the current span when there is one.</summary>
    public static string Serialize<T>(T item)
    {
        using var document = JsonSerializer.SerializeToDocument(item, Json.Options);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw new ArgumentException($"A queue message is a JSON object; {typeof(T).Name} serializes to {document.RootElement.ValueKind}.", nameof(item));
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.Options.Encoder }))
        {
            writer.WriteStartObject();
            if (Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent } current)
            {
                writer.WriteString(TraceParentProperty, traceParent);
                // A client's tracestate header flows into the request's spans; past W3C's 512 characters it is not carried
                // (a hostile one would otherwise grow every message the request queues, up to the header limit).
                if (current.TraceStateString is { Length: > 0 and <= MaxTraceStateChars } traceState)
                {
                    writer.WriteString(TraceStateProperty, traceState);
                }

                if (CorrelationIdOf(current) is { } correlationId)
                {
                    writer.WriteString(CorrelationIdProperty, correlationId);
                }
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The trace <paramref name="text"/> was sent in, or null for a message without one (or not JSON at all:
    /// its function will say what is wrong with it). Only the leading properties are read, where <see cref="Serialize"/>
    /// puts them, so a large message costs no more than a small one.</summary>
    public static Origin? Read(string? text)
    {
        if (string.IsNullOrEmpty(text) || text[0] != '{')
        {
            return null;
        }

        string? traceParent = null, traceState = null, correlationId = null;
        try
        {
            // Not the final block: the reader stops where the prefix ends instead of failing there.
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(text, 0, Math.Min(text.Length, MaxLeadingChars)), isFinalBlock: false, state: default);
            var leading = reader.Read();
            while (leading && reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                leading = reader.Read() && reader.TokenType == JsonTokenType.String;
                switch (leading ? name : null)
                {
                    case TraceParentProperty: traceParent = reader.GetString(); break;
                    case TraceStateProperty: traceState = reader.GetString(); break;
                    case CorrelationIdProperty: correlationId = reader.GetString(); break;
                    default: leading = false; break;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON after all: no trace to read.
        }

        return traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context)
            ? new Origin(context, correlationId)
            : null;
    }

    /// <summary>The correlation id a message sent from within <paramref name="activity"/> carries on: the original request's
    /// when the span handles a message that named one, else the span's own (the request's id, or the invocation's).</summary>
    private static string? CorrelationIdOf(Activity activity)
    {
        for (var span = activity; span is not null; span = span.Parent)
        {
            if ((span.GetTagItem(OriginCorrelationIdTag) ?? span.GetTagItem(CorrelationIdTag)) is string id)
            {
                return id;
            }
        }

        return null;
    }
}
