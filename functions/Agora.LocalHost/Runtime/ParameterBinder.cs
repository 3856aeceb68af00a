using System.Globalization;
using System.Reflection;

using Microsoft.AspNetCore.Http;

namespace Agora.LocalHost.Runtime;

/// <summary>What one invocation was triggered with.</summary>
internal sealed class InvocationInput
{
    /// <summary>The trigger's own value: the HttpContext, the decoded QueueMessage, the blob client, the TimerInfo.</summary>
    public required object TriggerValue { get; init; }

    public IReadOnlyDictionary<string, object?> BindingData { get; init; } = new Dictionary<string, object?>();

    public HttpContext? HttpContext { get; init; }

    public CancellationToken CancellationToken { get; init; }
}

/// <summary>Produces one argument of an invocation.</summary>
internal delegate ValueTask<object?> ArgumentSource(InvocationInput input);

/// <summary>What a trigger kind can bind, besides CancellationToken which every function may take.</summary>
internal sealed class TriggerParameterRules
{
    /// <summary>The source for the parameter named like the trigger binding, or null when its type is not supported.</summary>
    public required Func<Type, ArgumentSource?> BindTrigger { get; init; }

    /// <summary>Binding data available to other parameters by (case-insensitive) name.</summary>
    public required IReadOnlyCollection<string> BindingDataNames { get; init; }

    /// <summary>Other parameters the trigger can bind by type (HttpRequest, HttpContext...).</summary>
    public Func<ParameterInfo, ArgumentSource?>? BindOther { get; init; }

    /// <summary>A hint for the start-up error when a parameter cannot be bound.</summary>
    public required string Supported { get; init; }
}

/// <summary>Decides at start-up how every parameter of a function gets its value, so an unbindable parameter is a start-up
/// error naming the function and the parameter rather than a failure on the first invocation.</summary>
internal static class ParameterBinder
{
    public static ArgumentSource[] Bind(FunctionDescriptor function, TriggerParameterRules rules)
    {
        var parameters = function.Method.GetParameters();
        var triggerParameter = parameters.FirstOrDefault(p => string.Equals(p.Name, function.Trigger.Name, StringComparison.OrdinalIgnoreCase));
        if (triggerParameter is null)
        {
            throw new FunctionIndexingException(function.Name,
                $"the method {function.EntryPoint} has no parameter named '{function.Trigger.Name}' for its {function.TriggerType} binding.");
        }

        return [.. parameters.Select(p => BindParameter(function, rules, p, ReferenceEquals(p, triggerParameter)))];
    }

    private static ArgumentSource BindParameter(FunctionDescriptor function, TriggerParameterRules rules, ParameterInfo parameter, bool isTrigger)
    {
        if (isTrigger)
        {
            return rules.BindTrigger(parameter.ParameterType) ?? throw Unbindable(function, parameter,
                $"a {function.TriggerType} cannot be bound to {Describe(parameter.ParameterType)}; supported: {rules.Supported}.");
        }

        if (parameter.ParameterType == typeof(CancellationToken))
        {
            return static input => ValueTask.FromResult<object?>(input.CancellationToken);
        }

        if (rules.BindOther?.Invoke(parameter) is { } other)
        {
            return other;
        }

        var name = parameter.Name!;
        if (rules.BindingDataNames.Contains(name, StringComparer.OrdinalIgnoreCase) && ValueConverter.IsSimple(parameter.ParameterType))
        {
            var type = parameter.ParameterType;
            return input =>
            {
                var value = input.BindingData.FirstOrDefault(d => string.Equals(d.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
                try
                {
                    return ValueTask.FromResult(ValueConverter.Convert(value, type));
                }
                catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException or ArgumentException)
                {
                    throw new FunctionBindingException($"The value '{value}' of '{name}' cannot be converted to {Describe(type)} for function '{function.Name}'.", e);
                }
            };
        }

        var available = rules.BindingDataNames.Count == 0 ? "none" : string.Join(", ", rules.BindingDataNames);
        throw Unbindable(function, parameter,
            $"it is neither the trigger '{function.Trigger.Name}', a CancellationToken, nor binding data of a simple type (available: {available}).");
    }

    private static FunctionIndexingException Unbindable(FunctionDescriptor function, ParameterInfo parameter, string why) =>
        new(function.Name, $"the parameter '{parameter.Name}' ({Describe(parameter.ParameterType)}) of {function.EntryPoint} cannot be bound: {why}");

    internal static string Describe(Type type) =>
        Nullable.GetUnderlyingType(type) is { } inner ? $"{inner.Name}?" : type.IsGenericType ? type.ToString() : type.Name;
}

/// <summary>Converts binding data (route values are strings; queue and blob metadata are typed) to parameter types.</summary>
internal static class ValueConverter
{
    private static readonly HashSet<Type> SimpleTypes =
    [
        typeof(string), typeof(bool), typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
        typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(decimal), typeof(char), typeof(Guid),
        typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(DateOnly), typeof(TimeOnly), typeof(Uri),
    ];

    public static bool IsSimple(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        return SimpleTypes.Contains(underlying) || underlying.IsEnum;
    }

    public static object? Convert(object? value, Type target)
    {
        var underlying = Nullable.GetUnderlyingType(target) ?? target;
        if (value is null || (value is string { Length: 0 } && underlying != typeof(string)))
        {
            // A missing optional route value binds like the worker does: null, or the type's default.
            return target.IsValueType && Nullable.GetUnderlyingType(target) is null ? Activator.CreateInstance(target) : null;
        }

        if (underlying.IsInstanceOfType(value))
        {
            return value;
        }

        var inv = CultureInfo.InvariantCulture;
        if (underlying == typeof(string))
        {
            return value is IFormattable formattable ? formattable.ToString(value is DateTimeOffset or DateTime ? "o" : null, inv) : value.ToString();
        }

        if (value is DateTimeOffset offset && underlying == typeof(DateTime))
        {
            return offset.UtcDateTime;
        }

        var text = value as string ?? (value is IFormattable f ? f.ToString(null, inv) : value.ToString()!);
        return underlying switch
        {
            _ when underlying.IsEnum => Enum.Parse(underlying, text, ignoreCase: true),
            _ when underlying == typeof(Guid) => Guid.Parse(text, inv),
            _ when underlying == typeof(DateTimeOffset) => DateTimeOffset.Parse(text, inv, DateTimeStyles.RoundtripKind),
            _ when underlying == typeof(DateTime) => DateTime.Parse(text, inv, DateTimeStyles.RoundtripKind),
            _ when underlying == typeof(TimeSpan) => TimeSpan.Parse(text, inv),
            _ when underlying == typeof(DateOnly) => DateOnly.Parse(text, inv),
            _ when underlying == typeof(TimeOnly) => TimeOnly.Parse(text, inv),
            _ when underlying == typeof(Uri) => new Uri(text, UriKind.RelativeOrAbsolute),
            _ when underlying == typeof(bool) => bool.Parse(text),
            _ => System.Convert.ChangeType(text, underlying, inv),
        };
    }
}
