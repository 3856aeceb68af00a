using System.Reflection;
using System.Text.Json.Nodes;
using Agora.Functions.Worker;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Tests;

/// <summary>Under the Functions host, <see cref="AgoraWorkerMiddleware"/> finds the method of an HTTP function from the entry
/// point functions.metadata gives it (the local runtime reads the method directly): every entry point must resolve to its
/// own function's method, or the pipeline would check the wrong roles or fail the call.</summary>
public sealed class FunctionEntryPointTests
{
    [Fact]
    public void Every_entry_point_of_functions_metadata_resolves_to_the_method_of_its_function()
    {
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata")))!.AsArray();
        Assert.NotEmpty(metadata);
        foreach (var function in metadata)
        {
            var name = (string)function!["name"]!;
            var method = FunctionMethods.Resolve((string)function["entryPoint"]!);
            Assert.Equal(name, method.GetCustomAttribute<FunctionAttribute>()?.Name);
        }
    }

    [Fact]
    public void An_entry_point_without_a_public_method_is_named_in_the_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => FunctionMethods.Resolve(typeof(FunctionMethods).FullName + ".NoSuchMethod"));
        Assert.Contains("NoSuchMethod", error.Message, StringComparison.Ordinal);
    }
}
