using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agora.Testing;
using Xunit.Abstractions;
using static Agora.Functions.Tests.RouteCatalog;

namespace Agora.Functions.Tests;

/// <summary>Hostile input on every route, generated from the OpenAPI document: for each request body, the body of
/// <see cref="RouteCatalog"/> that succeeds, broken one field at a time as the schema says the field is (nulls in lists,
/// unknown properties, wrong types, numbers past the limits, lists past maxItems, oversized text, deep nesting). Each must
/// answer 400 (or 413) as problem+json naming the field, and leave what a read of the resource shows unchanged. Query
/// strings and route values get the same treatment: never a 5xx.</summary>
[Collection(BackendCollection.Name)]
public sealed class RobustnessTests(BackendFixture backend, ITestOutputHelper output)
{
    private sealed record Breakage(string What, JsonNode Body, string Field);

    [Fact]
    public async Task Every_broken_body_answers_400_naming_the_field_and_changes_nothing()
    {
        var document = await OpenApiAsync();
        var failures = new List<string>();
        var tried = 0;
        // The SendGrid webhook's body is SendGrid's schema, whose unknown properties are accepted, and only a signed call is
        // read at all: its own test below breaks it.
        foreach (var (path, method, operation) in Operations(document).Where(o => o.Operation["requestBody"] is not null && !IsSigned(o.Operation)))
        {
            var row = RowOf((string)operation["operationId"]!);
            var ids = await ArrangeAsync(backend, row);
            using var admin = AdminClient(backend);
            var route = ids.Fill(path) + row.Query;
            var good = JsonSerializer.SerializeToNode(row.Body(ids), BackendFixture.Options)!.AsObject();
            var schema = Resolve(document, operation["requestBody"]!["content"]!["application/json"]!["schema"]!);
            var before = await StateAsync(admin, route);

            foreach (var breakage in Breakages(document, schema, good, prefix: string.Empty))
            {
                tried++;
                var response = await SendAsync(admin, method, route, body: null, rawBody: breakage.Body.ToJsonString());
                var text = await response.Content.ReadAsStringAsync();
                var fields = response.Content.Headers.ContentType?.MediaType == "application/problem+json" && JsonNode.Parse(text)?["errors"] is JsonObject errors
                    ? errors.Select(e => e.Key).ToArray()
                    : [];
                var ok = response.StatusCode == HttpStatusCode.RequestEntityTooLarge
                    || (response.StatusCode == HttpStatusCode.BadRequest && fields.Contains(breakage.Field));
                if (!ok)
                {
                    failures.Add($"{method} {path} {breakage.What}: {(int)response.StatusCode} {Shorten(text)}");
                }
            }

            var after = await StateAsync(admin, route);
            if (before != after)
            {
                failures.Add($"{method} {path}: the stored state changed after rejected bodies:{Environment.NewLine}  before {Shorten(before)}{Environment.NewLine}  after  {Shorten(after)}");
            }
        }

        output.WriteLine($"{tried} broken bodies tried.");
        Assert.True(tried > 100, $"only {tried} broken bodies: is the OpenAPI document missing request schemas?");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Hostile_query_strings_and_route_values_never_answer_5xx()
    {
        var document = await OpenApiAsync();
        var hostile = new[] { "-1", "0", "99999999999999999999", "1e30", "abc", "%00", "%2e%2e", "a%2Fb", "%C3%BC", "'%20OR%201=1", new string('x', 3000), "%F0%9F%92%A5", "%FF", "x%E2%80", "%25", "a%5Cb", "%3F", "%23" };
        var failures = new List<string>();
        var ids = await ArrangeAsync(backend);
        using var admin = AdminClient(backend);
        foreach (var (path, method, operation) in Operations(document))
        {
            var row = RowOf((string)operation["operationId"]!);
            var parameters = operation["parameters"]?.AsArray().Select(p => ((string)p!["name"]!, (string)p["in"]!)).ToArray() ?? [];
            foreach (var (name, where) in parameters.Where(p => p.Item2 is "query" or "path"))
            {
                foreach (var value in hostile)
                {
                    var route = where == "path"
                        ? ids.Fill(path.Replace("{" + name + "}", value, StringComparison.Ordinal)) + row.Query
                        : ids.Fill(path) + (row.Query.Length > 0 ? row.Query + "&" : "?") + $"{name}={value}";
                    var body = row.Body(ids);
                    var response = await SendAsync(admin, method, route, body);
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Add($"{method} {route[..Math.Min(route.Length, 160)]}: {(int)response.StatusCode} {Shorten(await response.Content.ReadAsStringAsync())}");
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        using var health = backend.Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync("/api/health")).StatusCode); // and every dependency survived them
    }

    /// <summary>The one exception to the rule above: the SendGrid Event Webhook reads SendGrid's events, so properties it
    /// does not know are accepted (SendGrid adds fields, and sends the custom arguments of each email as properties), and
    /// elements that are no event are skipped rather than failing SendGrid's batch. What is no batch at all is a 400
    /// problem, a body past SendGrid's batch size a 413 before any signature is checked; and nothing reaches the parser
    /// unsigned.</summary>
    [Fact]
    public async Task The_sendgrid_webhook_takes_sendgrids_schema_and_refuses_what_is_no_batch()
    {
        var unknown = """[{"email":"x@buyers.example","event":"processed","sg_event_id":"e","zzUnknownField":1,"pool":{"id":3},"category":["a"]},{"zz":"no event"},7]""";
        var accepted = await backend.PostSendGridEventsAsync(unknown);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(1, (int)(await BackendFixture.Json(accepted))["received"]!); // the two elements that are no event are skipped

        foreach (var (what, body) in new[] { ("an object", """{"event":"open"}"""), ("text", "\"open\""), ("broken JSON", "[{\"event\":"), ("a list nested 100 deep", Nested(100).ToJsonString()), ("nothing", "") })
        {
            var response = await backend.PostSendGridEventsAsync(body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode} {Shorten(text)}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.True(JsonNode.Parse(text)?["errors"]?["$"] is not null, $"{what}: {Shorten(text)}");
        }

        var huge = "[" + string.Join(',', Enumerable.Repeat("""{"email":"x@buyers.example","event":"open"}""", 5 * 1024 * 1024 / 42)) + "]";
        var tooLarge = await backend.PostSendGridEventsAsync(huge, signature: "unchecked");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal("application/problem+json", tooLarge.Content.Headers.ContentType?.MediaType);

        // Unsigned, even broken JSON is not read: the answer says nothing about the body.
        Assert.Equal(HttpStatusCode.Forbidden, (await backend.PostSendGridEventsAsync("[{\"event\":", signature: "forged")).StatusCode);
    }

    private static bool IsSigned(JsonNode operation) =>
        operation["security"] is JsonArray security && security.Any(s => s is JsonObject o && o.ContainsKey("sendGridSignature"));

    /// <summary>The body broken one way at a time, at the top level and one level into objects.</summary>
    private static IEnumerable<Breakage> Breakages(JsonNode document, JsonNode schema, JsonObject good, string prefix)
    {
        if (prefix.Length == 0)
        {
            yield return new("an unknown property", With(good, "zzUnknownField", 1), "zzUnknownField");
            yield return new("a list nested 100 deep", With(good, "zzDeep", Nested(100)), "zzDeep");
        }

        foreach (var (name, propertySchema) in schema["properties"]?.AsObject() ?? [])
        {
            var property = Resolve(document, propertySchema!);
            var field = prefix + name;
            var types = TypesOf(property);
            if (types.Contains("array"))
            {
                var item = good[name] is JsonArray { Count: > 0 } existing ? existing[0]!.DeepClone() : SampleOf(Resolve(document, property["items"] ?? new JsonObject()));
                var max = (int?)property["maxItems"] ?? 1000;
                yield return new("a null in a list", With(good, name, new JsonArray(item?.DeepClone(), null)), $"{field}[1]");
                yield return new($"{max + 1} items", With(good, name, new JsonArray(Enumerable.Range(0, max + 1).Select(_ => item?.DeepClone()).ToArray())), field);
                yield return new("a list as text", With(good, name, "text"), field);
            }
            else if (types.Contains("number") || types.Contains("integer"))
            {
                yield return new("1e30", With(good, name, JsonNode.Parse("1e30")), field);
                yield return new("decimal.MaxValue", With(good, name, JsonNode.Parse("79228162514264337593543950335")), field);
                yield return new("a number as text", With(good, name, "ten"), field);
                if (types.Contains("number"))
                {
                    yield return new("20 significant digits", With(good, name, JsonNode.Parse("1.2345678901234567891")), field);
                }
            }
            else if (types.Contains("string"))
            {
                yield return new("text as a number", With(good, name, 42), field);
                yield return new("text as an object", With(good, name, new JsonObject()), field);
                yield return new("100,001 characters", With(good, name, new string('x', 100_001)), field);
            }
            else if (types.Contains("enum"))
            {
                yield return new("a value not among the choices", With(good, name, "zzNotAChoice"), field);
            }
            else if (types.Contains("boolean"))
            {
                yield return new("a boolean as text", With(good, name, "yes"), field);
            }
            else if (types.Contains("object") && property["properties"] is not null)
            {
                yield return new("an object as a list", With(good, name, new JsonArray()), field);
                if (prefix.Length == 0)
                {
                    var inner = good[name] as JsonObject ?? new JsonObject();
                    foreach (var nested in Breakages(document, property, inner, field + "."))
                    {
                        yield return nested with { Body = With(good, name, nested.Body) };
                    }
                }
            }
        }
    }

    private static JsonObject With(JsonObject good, string name, JsonNode? value)
    {
        var copy = good.DeepClone().AsObject();
        copy[name] = value;
        return copy;
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (var i = 0; i < depth; i++)
        {
            node = new JsonArray(node);
        }

        return node;
    }

    private static JsonNode? SampleOf(JsonNode schema)
    {
        var types = TypesOf(schema);
        return types.Contains("object") ? new JsonObject()
            : types.Contains("number") || types.Contains("integer") ? 1
            : types.Contains("boolean") ? true
            : "x";
    }

    private static string[] TypesOf(JsonNode schema) => schema is not JsonObject ? []
        : schema["type"] switch
        {
            JsonArray many => many.Select(t => t?.GetValue<string>() ?? "null").ToArray(),
            JsonValue one => [one.GetValue<string>()],
            _ => schema["enum"] is not null ? ["enum"] : schema["properties"] is not null ? ["object"] : [],
        };

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema is JsonObject && schema["$ref"] is JsonValue reference ? document["components"]!["schemas"]![((string)reference!).Split('/')[^1]]! : schema;

    /// <summary>What a read shows of the resource a route changes: the same path, else its parent listing, as the admin.</summary>
    private static async Task<string> StateAsync(HttpClient admin, string route)
    {
        var path = route.Split('?')[0];
        foreach (var candidate in new[] { path, path[..path.LastIndexOf('/')] })
        {
            var response = await admin.GetAsync(candidate);
            if (response.IsSuccessStatusCode)
            {
                return $"{candidate}: {await response.Content.ReadAsStringAsync()}";
            }
        }

        return "(no read)";
    }

    private async Task<JsonNode> OpenApiAsync()
    {
        using var client = backend.Anonymous();
        return JsonNode.Parse(await client.GetStringAsync("/api/openapi.json"))!;
    }

    private static IEnumerable<(string Path, string Method, JsonNode Operation)> Operations(JsonNode document) =>
        from path in document["paths"]!.AsObject()
        from operation in path.Value!.AsObject()
        where Rows.Any(r => r.Function == (string?)operation.Value!["operationId"])
        select (path.Key, operation.Key.ToUpperInvariant(), operation.Value!);

    private static string Shorten(string text) => text.Length <= 400 ? text : text[..400] + "…";
}
