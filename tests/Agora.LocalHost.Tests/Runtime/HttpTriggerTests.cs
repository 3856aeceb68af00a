using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

using Agora.LocalHost.Runtime;

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agora.LocalHost.Tests.Runtime;

public sealed class HttpTriggerTests
{
    private static readonly JsonObject[] Functions =
    [
        Meta.Http<HttpFunctions>("GetItem", nameof(HttpFunctions.GetItem), route: "items/{id:int}", methods: ["get"]),
        Meta.Http<HttpFunctions>("Files", nameof(HttpFunctions.Files), route: "files/{*rest}"),
        Meta.Http<HttpFunctions>("Optional", nameof(HttpFunctions.Optional), route: "optional/{tag:guid?}", parameter: "context"),
        Meta.Http<HttpFunctions>("Poco", nameof(HttpFunctions.Poco), methods: ["get"]),
        Meta.Http<HttpFunctions>("Void", nameof(HttpFunctions.Void), methods: ["post"]),
        Meta.Http<HttpFunctions>("Throws", nameof(HttpFunctions.Throws), methods: ["get"]),
        Meta.Http<HttpFunctions>("Scoped", nameof(HttpFunctions.Scoped), methods: ["get"]),
    ];

    [Fact]
    public async Task Route_values_bind_by_name_and_convert_to_the_parameter_type()
    {
        await using var host = await TestHost.StartAsync(Functions);

        var body = await host.Client.GetFromJsonAsync<JsonObject>("/api/items/42");

        Assert.Equal(42, body!["id"]!.GetValue<int>());
        Assert.Equal("GET", body["method"]!.GetValue<string>());
        Assert.True(body["cancellable"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Route_constraints_decide_which_requests_reach_the_function()
    {
        await using var host = await TestHost.StartAsync(Functions);

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync("/api/items/abc")).StatusCode);
        Assert.Equal("rest=a/b/c.txt", await host.Client.GetStringAsync("/api/files/a/b/c.txt"));
        Assert.Equal("none", await host.Client.GetStringAsync("/api/optional"));
        var tag = Guid.NewGuid();
        Assert.Equal(tag.ToString(), await host.Client.GetStringAsync($"/api/optional/{tag}"));
    }

    [Fact]
    public async Task A_method_the_function_does_not_declare_gets_404_like_the_host_and_no_methods_means_all()
    {
        await using var host = await TestHost.StartAsync(Functions);

        var wrongMethod = await host.Client.PostAsync("/api/items/1", null);
        var anyMethod = await host.Client.PutAsync("/api/files/x", null);

        Assert.Equal(HttpStatusCode.NotFound, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.OK, anyMethod.StatusCode);
    }

    [Theory]
    [InlineData("v1", "/v1/items/7", "/api/items/7")]
    [InlineData("", "/items/7", "/api/items/7")]
    public async Task The_route_prefix_comes_from_host_json(string prefix, string served, string notServed)
    {
        await using var host = await TestHost.StartAsync(Functions, Meta.HostJson(http: new JsonObject { ["routePrefix"] = prefix }));

        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync(served)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync(notServed)).StatusCode);
    }

    [Fact]
    public async Task Without_a_route_the_function_name_is_the_route_under_api()
    {
        await using var host = await TestHost.StartAsync(Functions);

        var item = await host.Client.GetFromJsonAsync<Item>("/api/Poco");

        Assert.Equal(new Item("widget", 3), item);
    }

    [Theory]
    [InlineData("Anonymous", null, null, HttpStatusCode.OK)]
    [InlineData("Function", null, null, HttpStatusCode.Unauthorized)]
    [InlineData("Function", "code", "wrong-key", HttpStatusCode.Unauthorized)]
    [InlineData("Function", "code", TestHost.FunctionKey, HttpStatusCode.OK)]
    [InlineData("Function", "header", TestHost.FunctionKey, HttpStatusCode.OK)]
    [InlineData("Function", "header", TestHost.MasterKey, HttpStatusCode.OK)]
    [InlineData("Admin", "code", TestHost.FunctionKey, HttpStatusCode.Unauthorized)]
    [InlineData("Admin", null, null, HttpStatusCode.Unauthorized)]
    [InlineData("Admin", "code", TestHost.MasterKey, HttpStatusCode.OK)]
    public async Task Auth_levels_take_the_function_or_master_key_as_code_or_header(string authLevel, string? via, string? key, HttpStatusCode expected)
    {
        await using var host = await TestHost.StartAsync([Meta.Http<HttpFunctions>("Poco", nameof(HttpFunctions.Poco), authLevel: authLevel)]);
        using var request = new HttpRequestMessage(HttpMethod.Get, via == "code" ? $"/api/Poco?code={key}" : "/api/Poco");
        if (via == "header")
        {
            request.Headers.Add("x-functions-key", key);
        }

        var response = await host.Client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Results_are_written_as_the_worker_writes_them()
    {
        await using var host = await TestHost.StartAsync(Functions);

        var poco = await host.Client.GetAsync("/api/Poco");
        var voidResponse = await host.Client.PostAsync("/api/Void", null);

        Assert.Equal(HttpStatusCode.OK, poco.StatusCode);
        Assert.Equal("application/json", poco.Content.Headers.ContentType?.MediaType);
        Assert.Equal("""{"name":"widget","quantity":3}""", await poco.Content.ReadAsStringAsync());
        // A void function leaves the response alone: 200 with no body, as with the worker's ASP.NET Core integration.
        Assert.Equal(HttpStatusCode.OK, voidResponse.StatusCode);
        Assert.Equal(string.Empty, await voidResponse.Content.ReadAsStringAsync());
        Assert.Single(host.Probe.Values("void"));
    }

    [Fact]
    public async Task An_unhandled_exception_is_an_empty_500_and_is_logged()
    {
        await using var host = await TestHost.StartAsync(Functions);

        var response = await host.Client.GetAsync("/api/Throws");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.Contains(host.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception?.Message == "boom" && e.Message.Contains("Failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task What_a_function_logs_carries_the_function_name_and_invocation_id()
    {
        await using var host = await TestHost.StartAsync([Meta.Http<HttpFunctions>("Logs", nameof(HttpFunctions.Logs))]);

        await host.Client.GetAsync("/api/Logs");
        await host.Client.GetAsync("/api/Logs");

        var entries = host.Logs.Entries.Where(e => e.Message == "hello from the function").ToList();
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal("Logs", e.Scope["FunctionName"]));
        Assert.NotEqual(entries[0].Scope["InvocationId"], entries[1].Scope["InvocationId"]);
    }

    [Fact]
    public async Task Filters_run_nested_in_registration_order_in_the_invocation_scope()
    {
        await using var host = await TestHost.StartAsync(Functions, services: s => s
            .AddScoped<IFunctionInvocationFilter>(p => new RecordingFilter("outer", p.GetRequiredService<Probe>()))
            .AddScoped<IFunctionInvocationFilter>(p => new RecordingFilter("inner", p.GetRequiredService<Probe>())));

        await host.Client.GetStringAsync("/api/Scoped");
        await host.Client.GetStringAsync("/api/Scoped");

        Assert.Equal(
            ["outer:before", "inner:before", "function", "inner:after", "outer:after", "outer:before", "inner:before", "function", "inner:after", "outer:after"],
            host.Probe.Keys.Where(k => !k.EndsWith(":scope", StringComparison.Ordinal) && k != "request-services"));
        var contexts = host.Probe.Values("outer:before").Cast<FunctionInvocationContext>().ToList();
        Assert.All(contexts, c => Assert.Equal("Scoped", c.FunctionName));
        Assert.All(contexts, c => Assert.Equal("httpTrigger", c.TriggerType));
        Assert.All(contexts, c => Assert.NotNull(c.HttpContext));
        Assert.NotEqual(contexts[0].InvocationId, contexts[1].InvocationId);
        // The filter and the function share one scope per invocation, and each invocation gets a new one.
        var functionScopes = host.Probe.Values("function").Cast<Guid>().ToList();
        Assert.Equal(functionScopes, host.Probe.Values("inner:scope").Cast<Guid>());
        Assert.Equal(functionScopes, host.Probe.Values("request-services").Cast<Guid>());
        Assert.NotEqual(functionScopes[0], functionScopes[1]);
    }

    [Fact]
    public async Task A_filter_can_short_circuit_and_its_result_is_the_response()
    {
        await using var host = await TestHost.StartAsync(Functions, services: s => s.AddSingleton<IFunctionInvocationFilter, DenyingFilter>());

        var response = await host.Client.GetAsync("/api/Scoped");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(host.Probe.Values("function"));
    }

    [Fact]
    public async Task A_filter_sees_binding_failures_and_can_map_them()
    {
        await using var host = await TestHost.StartAsync(
            [Meta.Http<HttpFunctions>("GetItem", nameof(HttpFunctions.GetItem), route: "items/{id}")],
            services: s => s.AddSingleton<IFunctionInvocationFilter, BadRequestOnBindingFailure>());

        var response = await host.Client.GetAsync("/api/items/not-a-number");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private sealed class RecordingFilter(string name, Probe probe) : IFunctionInvocationFilter
    {
        public async Task<object?> InvokeAsync(FunctionInvocationContext context, Func<Task<object?>> next)
        {
            probe.Record($"{name}:before", context);
            probe.Record($"{name}:scope", context.InstanceServices.GetRequiredService<ScopedThing>().Id);
            var result = await next();
            probe.Record($"{name}:after");
            return result;
        }
    }

    private sealed class DenyingFilter : IFunctionInvocationFilter
    {
        public Task<object?> InvokeAsync(FunctionInvocationContext context, Func<Task<object?>> next) =>
            Task.FromResult<object?>(Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "No"));
    }

    private sealed class BadRequestOnBindingFailure : IFunctionInvocationFilter
    {
        public async Task<object?> InvokeAsync(FunctionInvocationContext context, Func<Task<object?>> next)
        {
            try
            {
                return await next();
            }
            catch (FunctionBindingException e)
            {
                return new BadRequestObjectResult(e.Message);
            }
        }
    }
}

public sealed class LocalSettingsTests
{
    [Fact]
    public async Task Local_settings_values_become_configuration_and_environment_then_settings_win()
    {
        var path = Path.Combine(Path.GetTempPath(), $"local.settings.{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(new
        {
            IsEncrypted = false,
            Values = new Dictionary<string, string>
            {
                ["Feature__Flag"] = "from-local-settings",
                ["Feature__Overridden"] = "from-local-settings",
                [HttpFunctions.EnvironmentVariable] = "from-local-settings",
            },
        }));
        Environment.SetEnvironmentVariable(HttpFunctions.EnvironmentVariable, "from-environment");
        try
        {
            await using var host = await TestHost.StartAsync(
                [Meta.Http<HttpFunctions>("Config", nameof(HttpFunctions.Config))],
                settings: new Dictionary<string, string?> { ["Feature__Overridden"] = "from-settings" },
                localSettingsPath: path);

            var body = await host.Client.GetFromJsonAsync<JsonObject>("/api/Config");

            Assert.Equal("from-local-settings", body!["fromLocal"]!.GetValue<string>());
            Assert.Equal("from-settings", body["overridden"]!.GetValue<string>());
            Assert.Equal("from-environment", body["fromEnvironment"]!.GetValue<string>());
        }
        finally
        {
            Environment.SetEnvironmentVariable(HttpFunctions.EnvironmentVariable, null);
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Cors_origins_from_local_settings_answer_preflight_requests()
    {
        var path = Path.Combine(Path.GetTempPath(), $"local.settings.{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"IsEncrypted":false,"Values":{},"Host":{"CORS":"https://app.example"}}""");
        try
        {
            await using var host = await TestHost.StartAsync([Meta.Http<HttpFunctions>("Poco", nameof(HttpFunctions.Poco), methods: ["get"])], localSettingsPath: path);
            using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/Poco");
            preflight.Headers.Add("Origin", "https://app.example");
            preflight.Headers.Add("Access-Control-Request-Method", "GET");
            using var get = new HttpRequestMessage(HttpMethod.Get, "/api/Poco");
            get.Headers.Add("Origin", "https://other.example");

            var allowed = await host.Client.SendAsync(preflight);
            var otherOrigin = await host.Client.SendAsync(get);

            Assert.True(allowed.IsSuccessStatusCode, $"preflight answered {allowed.StatusCode}");
            Assert.Equal("https://app.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
            Assert.False(otherOrigin.Headers.Contains("Access-Control-Allow-Origin"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Stopping_cancels_the_invocation_token_and_waits_for_the_invocation()
    {
        var host = await TestHost.StartAsync([Meta.Http<HttpFunctions>("Slow", nameof(HttpFunctions.Slow))]);
        try
        {
            var request = host.Client.GetAsync("/api/Slow");
            await host.Probe.WaitForAsync("slow-started");

            await host.Runtime.StopAsync();

            // StopAsync returned only after the function observed the cancellation and finished.
            Assert.Single(host.Probe.Values("slow-cancelled"));
            await Assert.ThrowsAnyAsync<Exception>(async () => (await request).EnsureSuccessStatusCode());
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
