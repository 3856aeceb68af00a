using System.Reflection;

namespace Agora.LocalHost.Runtime;

/// <summary>One function from functions.metadata, resolved to its method.</summary>
public sealed class FunctionDescriptor
{
    public required string Name { get; init; }

    /// <summary>The name the host uses for the function in its storage artefacts (receipts, timer status, poison messages).</summary>
    public string FullName => $"Host.Functions.{Name}";

    public required string EntryPoint { get; init; }

    public required string ScriptFile { get; init; }

    public required BindingMetadata Trigger { get; init; }

    public string TriggerType => Trigger.Type;

    public required MethodInfo Method { get; init; }

    public override string ToString() => $"{Name} ({TriggerType}, {EntryPoint})";
}

/// <summary>One binding of a function with every %Setting% already resolved. String properties hold their value;
/// other JSON values (arrays, numbers, booleans) hold their JSON text.</summary>
public sealed class BindingMetadata
{
    public required string Name { get; init; }

    public required string Type { get; init; }

    public required string Direction { get; init; }

    public required IReadOnlyDictionary<string, string?> Properties { get; init; }

    public string? this[string property] => Properties.TryGetValue(property, out var value) ? value : null;
}
