using System.Text.Json.Nodes;

using Agora.LocalHost.Runtime;

using Microsoft.AspNetCore.Http;

namespace Agora.LocalHost.Tests.Runtime;

public sealed class StartupFunctions
{
    public static void Run(string message)
    {
    }

    public static void TakesAService(HttpRequest req, Item notBindable)
    {
    }

    public static void UnknownRouteValue(HttpRequest req, int orderId)
    {
    }
}

public sealed class StartupTests
{
    [Fact]
    public async Task An_unsupported_trigger_fails_start_up_naming_the_function()
    {
        var function = Meta.Function("OnOrder", Meta.EntryPoint<StartupFunctions>(nameof(StartupFunctions.Run)), new JsonObject
        {
            ["name"] = "message",
            ["direction"] = "In",
            ["type"] = "serviceBusTrigger",
            ["queueName"] = "orders",
        });

        var error = await Assert.ThrowsAsync<FunctionIndexingException>(() => TestHost.StartAsync([function]));

        Assert.Contains("'OnOrder'", error.Message, StringComparison.Ordinal);
        Assert.Contains("serviceBusTrigger", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(nameof(StartupFunctions.TakesAService), "notBindable", "items")]
    [InlineData(nameof(StartupFunctions.UnknownRouteValue), "orderId", "orders/{id}")]
    public async Task A_parameter_that_cannot_be_bound_fails_start_up_naming_function_and_parameter(string method, string parameter, string route)
    {
        var function = Meta.Http<StartupFunctions>("Broken", method, route: route);

        var error = await Assert.ThrowsAsync<FunctionIndexingException>(() => TestHost.StartAsync([function]));

        Assert.Contains("'Broken'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{parameter}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_setting_fails_start_up_naming_function_and_setting()
    {
        var function = Meta.Queue<StartupFunctions>("Orders", nameof(StartupFunctions.Run), "%OrdersQueueName%");

        var error = await Assert.ThrowsAsync<FunctionIndexingException>(() => TestHost.StartAsync([function]));

        Assert.Contains("'Orders'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'OrdersQueueName'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_storage_connection_fails_start_up_naming_function_and_setting()
    {
        var function = Meta.Queue<StartupFunctions>("Orders", nameof(StartupFunctions.Run), "orders");
        function["bindings"]![0]!["connection"] = "OrdersStorage";

        var error = await Assert.ThrowsAsync<FunctionIndexingException>(() => TestHost.StartAsync([function]));

        Assert.Contains("'Orders'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'OrdersStorage'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_binding_fails_start_up_naming_function_and_binding()
    {
        var function = Meta.Queue<StartupFunctions>("Forward", nameof(StartupFunctions.Run), "in");
        ((JsonArray)function["bindings"]!).Add(new JsonObject { ["name"] = "$return", ["type"] = "queue", ["direction"] = "Out", ["queueName"] = "out" });

        var error = await Assert.ThrowsAsync<FunctionIndexingException>(() => TestHost.StartAsync([function]));

        Assert.Contains("'Forward'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'$return' of type 'queue'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Functions_lists_what_was_read_from_metadata()
    {
        await using var host = await TestHost.StartAsync(
            [Meta.Queue<StartupFunctions>("Orders", nameof(StartupFunctions.Run), "%Q%")],
            settings: new Dictionary<string, string?> { ["Q"] = Agora.Testing.SharedEmulators.Unique("orders") });

        var function = Assert.Single(host.Runtime.Functions);
        Assert.Equal("Orders", function.Name);
        Assert.Equal("queueTrigger", function.TriggerType);
        Assert.Equal(typeof(StartupFunctions).GetMethod(nameof(StartupFunctions.Run)), function.Method);
        Assert.StartsWith("orders", function.Trigger["queueName"], StringComparison.Ordinal);
    }
}
