using System.Collections.Concurrent;
using System.Reflection;

namespace Agora.Functions.Worker;

/// <summary>The method behind a function's entry point ("Namespace.Class.Method"), as functions.metadata names it.</summary>
public static class FunctionMethods
{
    private static readonly ConcurrentDictionary<string, MethodInfo> Cache = new(StringComparer.Ordinal);

    public static MethodInfo Resolve(string entryPoint) => Cache.GetOrAdd(entryPoint, static entry =>
    {
        var dot = entry.LastIndexOf('.');
        var type = typeof(FunctionMethods).Assembly.GetType(entry[..dot], throwOnError: true)!;
        return type.GetMethod(entry[(dot + 1)..], BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            ?? throw new InvalidOperationException($"Entry point '{entry}' has no public method.");
    });
}
