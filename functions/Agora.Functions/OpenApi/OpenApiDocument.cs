using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.RegularExpressions;
using Agora.Core.Common;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.OpenApi;

/// <summary>The OpenAPI 3.1 document of the HTTP API, built once from the function methods themselves: routes and
/// methods from their [HttpTrigger] attributes, descriptions from [ApiOperation], schemas from the request and
/// response types (System.Text.Json's schema exporter, in the API's own JSON shape). Nothing is written twice, so the
/// document cannot list a route that does not exist.</summary>
public sealed partial class OpenApiDocument
{
    private readonly Lazy<string> _json = new(Build);

    public string Json => _json.Value;

    private static string Build()
    {
        var schemas = new JsonObject { ["Problem"] = ProblemSchema() };
        var paths = new JsonObject();
        var prefix = RoutePrefix();
        foreach (var (method, trigger, function) in HttpFunctions().OrderBy(f => f.Trigger.Route, StringComparer.Ordinal))
        {
            var path = "/" + string.Join('/', new[] { prefix, RouteParameter().Replace(trigger.Route ?? function.Name, "{$1}") }.Where(p => p.Length > 0));
            var item = paths[path] as JsonObject ?? new JsonObject();
            paths[path] = item;
            foreach (var verb in trigger.Methods ?? ["get"])
            {
                item[verb.ToLowerInvariant()] = Operation(method, trigger, function, schemas);
            }
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.1.0",
            ["info"] = new JsonObject
            {
                ["title"] = "Agora API",
                ["version"] = "1.0.0",
                ["description"] = "B2B sales backend: organizations, customer accounts, catalogs, pricing and orders. Errors are RFC 9457 problem details; " +
                    "updates take If-Match with the ETag of the version read; POSTs that create take an Idempotency-Key.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT" },
                    ["functionKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "x-functions-key", ["description"] = "The Functions host's master key (operators only)." },
                    ["sendGridSignature"] = new JsonObject
                    {
                        ["type"] = "apiKey",
                        ["in"] = "header",
                        ["name"] = "X-Twilio-Email-Event-Webhook-Signature",
                        ["description"] = "SendGrid's ECDSA signature of X-Twilio-Email-Event-Webhook-Timestamp + the raw body, verified with the account's public key (SendGrid__WebhookPublicKey).",
                    },
                },
            },
            ["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }),
        };
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static IEnumerable<(MethodInfo Method, HttpTriggerAttribute Trigger, FunctionAttribute Function)> HttpFunctions() =>
        from type in typeof(OpenApiDocument).Assembly.GetTypes()
        from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
        let function = method.GetCustomAttribute<FunctionAttribute>()
        let trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null)
        where function is not null && trigger is not null
        select (method, trigger, function);

    private static JsonObject Operation(MethodInfo method, HttpTriggerAttribute trigger, FunctionAttribute function, JsonObject schemas)
    {
        var api = method.GetCustomAttribute<ApiOperationAttribute>() ?? new ApiOperationAttribute("Other", function.Name);
        var anonymous = method.GetCustomAttribute<AllowAnonymousAttribute>() is not null;
        var parameters = new JsonArray();
        foreach (Match match in RouteParameter().Matches(trigger.Route ?? string.Empty))
        {
            parameters.Add(new JsonObject { ["name"] = match.Groups[1].Value, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        }

        foreach (var query in api.Query)
        {
            var (name, description) = (query.Split(':', 2)[0].Trim(), query.Split(':', 2).ElementAtOrDefault(1)?.Trim() ?? string.Empty);
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["required"] = false, ["description"] = description, ["schema"] = new JsonObject { ["type"] = name == "limit" ? "integer" : "string" } });
        }

        if (api.IfMatch)
        {
            parameters.Add(Header("If-Match", "The ETag of the version this update changes.", required: true));
        }

        if (method.GetCustomAttribute<IdempotentAttribute>() is not null)
        {
            parameters.Add(Header("Idempotency-Key", "Any unique string; a retry with the same key and body gets the first response (kept 24 hours).", required: false));
        }

        var responses = new JsonObject
        {
            [api.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = api.Response is null
                ? new JsonObject { ["description"] = "Success." }
                : new JsonObject { ["description"] = "Success.", ["content"] = Content("application/json", Reference(api.Response, schemas)) },
        };
        foreach (var status in api.AlsoStatus)
        {
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = responses[api.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)]!.DeepClone();
        }

        var errors = new List<(int, string)>();
        if (api.Request is not null)
        {
            errors.AddRange([(400, "The body or a field is not valid (errors lists each field)."), (413, "The body is too large.")]);
            if (api.SignedBy is null)
            {
                // A signed caller's body is read as it was signed, whatever its Content-Type says.
                errors.Add((415, "The body is not JSON."));
            }
        }

        if (api.SignedBy is not null)
        {
            errors.Add((403, "The signature is missing or does not verify, or the signed timestamp is more than 5 minutes off."));
        }

        if (!anonymous)
        {
            errors.AddRange([(401, "No valid bearer token."), (404, "Not found, or not in an organization the caller belongs to.")]);
            if (api.RoleRestricted)
            {
                errors.Add((403, "The caller lacks the role."));
            }
        }

        if (api.SignedBy is null && (method.GetCustomAttribute<IdempotentAttribute>() is not null || trigger.Methods?.Contains("post", StringComparer.OrdinalIgnoreCase) == true))
        {
            errors.AddRange([(409, "Conflicts with the current state."), (422, "Breaks a business rule.")]);
        }

        if (api.IfMatch)
        {
            errors.AddRange([(412, "The resource changed since it was read."), (428, "If-Match is missing.")]);
        }

        foreach (var (status, description) in errors.DistinctBy(e => e.Item1).OrderBy(e => e.Item1))
        {
            responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["description"] = description,
                ["content"] = Content(Problems.ContentType, new JsonObject { ["$ref"] = "#/components/schemas/Problem" }),
            };
        }

        var operation = new JsonObject
        {
            ["operationId"] = function.Name,
            ["tags"] = new JsonArray(api.Tag),
            ["summary"] = api.Summary,
        };
        var roles = RolesOf(method);
        var sentence = ApiRoleText.Sentence(roles, api.BySide);
        operation["description"] = api.Description is null ? sentence : $"{api.Description}\n\n{sentence}";
        operation["x-roles"] = new JsonArray([.. ApiRoleText.Names(roles).Select(n => JsonValue.Create(n))]);

        if (parameters.Count > 0)
        {
            operation["parameters"] = parameters;
        }

        if (api.Request is not null)
        {
            var content = Content("application/json", Reference(api.Request, schemas, request: api.SignedBy is null));
            if (ApiExamples.Request(api.Request) is { } example)
            {
                content["application/json"]!["example"] = example;
            }

            operation["requestBody"] = new JsonObject { ["required"] = true, ["content"] = content };
        }

        operation["responses"] = responses;
        if (api.SignedBy is { } scheme)
        {
            operation["security"] = new JsonArray(new JsonObject { [scheme] = new JsonArray() });
        }
        else if (trigger.AuthLevel is AuthorizationLevel.Admin or AuthorizationLevel.System or AuthorizationLevel.Function)
        {
            // Operators' routes take the host's key, not a person's token.
            operation["security"] = new JsonArray(new JsonObject { ["functionKey"] = new JsonArray() });
        }
        else if (anonymous)
        {
            operation["security"] = new JsonArray();
        }

        return operation;
    }

    /// <summary>Who may call <paramref name="method"/>: its declaration, or what its trigger already says for the routes no
    /// member's role opens (anonymous, signed by another service, the host's key). None when a bearer route declares nothing,
    /// which RoleDeclarationTests refuses.</summary>
    public static ApiRoles RolesOf(MethodInfo method)
    {
        ArgumentNullException.ThrowIfNull(method);
        var api = method.GetCustomAttribute<ApiOperationAttribute>();
        var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(t => t is not null);
        return api?.SignedBy is not null ? ApiRoles.SendGrid
            : trigger?.AuthLevel is AuthorizationLevel.Admin or AuthorizationLevel.System or AuthorizationLevel.Function ? ApiRoles.Operator
            : method.GetCustomAttribute<AllowAnonymousAttribute>() is not null ? ApiRoles.Anonymous
            : api?.Roles ?? ApiRoles.None;
    }

    /// <summary>The HTTP functions of the app, by function name (a test's way to the declarations).</summary>
    public static IReadOnlyDictionary<string, MethodInfo> Functions() => HttpFunctions().ToDictionary(f => f.Function.Name, f => f.Method, StringComparer.Ordinal);

    private static JsonObject Header(string name, string description, bool required) =>
        new() { ["name"] = name, ["in"] = "header", ["required"] = required, ["description"] = description, ["schema"] = new JsonObject { ["type"] = "string" } };

    private static JsonObject Content(string mediaType, JsonObject schema) => new() { [mediaType] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Reference(Type type, JsonObject schemas, bool request = false)
    {
        var name = SchemaName(type);
        if (!schemas.ContainsKey(name))
        {
            var schema = request ? RequestSchema(type) : Core.Common.Json.Options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
            {
                TreatNullObliviousAsNonNullable = true,
                TransformSchemaNode = (context, node) => Decimal(context, node),
            });
            Rebase(schema, $"#/components/schemas/{name}");
            schemas[name] = schema;
        }

        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }

    /// <summary>A request body's schema as <see cref="Http.RequestReader"/> enforces it: no unknown properties
    /// (additionalProperties false), no null list items, lists up to their maxItems, decimals within <see cref="Limits"/>.</summary>
    private static JsonNode RequestSchema(Type type) =>
        Core.Common.Json.Requests.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                var target = Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type;
                if (target == typeof(DateTimeOffset))
                {
                    // Read by a converter (a time must carry its offset), for which the exporter can say nothing.
                    return new JsonObject
                    {
                        ["type"] = target == context.TypeInfo.Type ? JsonValue.Create("string") : new JsonArray("string", "null"),
                        ["format"] = "date-time",
                    };
                }

                if (node is not JsonObject schema)
                {
                    return node;
                }

                if (target == typeof(decimal))
                {
                    Decimal(context, schema);
                    schema["minimum"] = -Limits.MaxMagnitude;
                    schema["maximum"] = Limits.MaxMagnitude;
                }
                else if (target != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(target) && !typeof(System.Collections.IDictionary).IsAssignableFrom(target))
                {
                    var max = context.PropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(MaxItemsAttribute), inherit: true).OfType<MaxItemsAttribute>().FirstOrDefault()?.Max;
                    schema["maxItems"] = max ?? Limits.DefaultMaxItems;
                    if (schema["items"] is JsonObject items && items["type"] is JsonArray types)
                    {
                        // Null items are refused whatever the element type says.
                        var nonNull = types.Where(t => (string?)t != "null").Select(t => JsonValue.Create((string?)t)).ToArray();
                        items["type"] = nonNull.Length == 1 ? nonNull[0] : new JsonArray(nonNull);
                    }
                }

                return schema;
            },
        });

    /// <summary>Money and quantities are decimals: "format": "decimal" says so, or generated clients read them as doubles
    /// (NSwag does) and lose cents.</summary>
    private static JsonNode Decimal(JsonSchemaExporterContext context, JsonNode node)
    {
        if ((Nullable.GetUnderlyingType(context.TypeInfo.Type) ?? context.TypeInfo.Type) == typeof(decimal) && node is JsonObject schema)
        {
            schema["format"] = "decimal";
        }

        return node;
    }

    /// <summary>The exporter writes a type met twice in one schema as a reference into that schema ("#/properties/lines/..."),
    /// which inside the document would point at the document's root: rebased onto the schema's own place under components,
    /// or generators (NSwag: "Could not resolve the path") refuse the document.</summary>
    private static void Rebase(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject schema:
                if (schema["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var target) && target.StartsWith('#') && !target.StartsWith("#/components/", StringComparison.Ordinal))
                {
                    schema["$ref"] = root + target[1..];
                }

                foreach (var (_, child) in schema.ToArray())
                {
                    Rebase(child, root);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    Rebase(item, root);
                }

                break;
        }
    }

    private static string SchemaName(Type type)
    {
        var element = type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0] : null;
        return element is not null ? element.Name + "List" : type.Name;
    }

    private static JsonObject ProblemSchema()
    {
        var schema = (JsonObject)Core.Common.Json.Options.GetJsonSchemaAsNode(typeof(ValidationProblemDetails), new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        Rebase(schema, "#/components/schemas/Problem");
        return schema;
    }

    private static string RoutePrefix()
    {
        var hostJson = Path.Combine(AppContext.BaseDirectory, "host.json");
        if (!File.Exists(hostJson))
        {
            return "api";
        }

        using var host = JsonDocument.Parse(File.ReadAllText(hostJson));
        return host.RootElement.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("http", out var http) && http.TryGetProperty("routePrefix", out var prefix)
            ? prefix.GetString()!.Trim('/')
            : "api";
    }

    /// <summary>A route parameter with its optional constraint: {id}, {id:int}, {id?}.</summary>
    [GeneratedRegex(@"\{\*?([A-Za-z0-9_]+)(?::[^}]*)?\??\}")]
    private static partial Regex RouteParameter();
}
