using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using Microsoft.Extensions.Configuration;

namespace Agora.LocalHost.Runtime;

/// <summary>Reads functions.metadata (written by the Worker SDK build) the way the host does: one trigger per function,
/// %Setting% expressions resolved from configuration, the entry point resolved to a method.</summary>
internal static partial class MetadataReader
{
    /// <summary>Triggers this runtime can host. Anything else (serviceBusTrigger, cosmosDBTrigger...) fails start-up
    /// rather than silently never firing.</summary>
    public static readonly IReadOnlySet<string> SupportedTriggers =
        new HashSet<string>(["httpTrigger", "timerTrigger", "queueTrigger", "blobTrigger"], StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyList<FunctionDescriptor> Read(string appDirectory, IConfiguration configuration)
    {
        var path = Path.Combine(appDirectory, "functions.metadata");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"functions.metadata was not found in {appDirectory}. Build the function app (the Worker SDK writes it).", path);
        }

        var root = JsonNode.Parse(File.ReadAllText(path)) as JsonArray
            ?? throw new InvalidDataException($"{path} must hold a JSON array of functions.");

        var functions = new List<FunctionDescriptor>();
        foreach (var node in root)
        {
            if (node is not JsonObject function)
            {
                continue;
            }

            var name = function["name"]?.GetValue<string>() ?? throw new InvalidDataException($"A function in {path} has no name.");
            if (functions.Exists(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new FunctionIndexingException(name, "another function has the same name.");
            }

            functions.Add(ReadFunction(appDirectory, name, function, configuration));
        }

        return functions;
    }

    private static FunctionDescriptor ReadFunction(string appDirectory, string name, JsonObject function, IConfiguration configuration)
    {
        var scriptFile = function["scriptFile"]?.GetValue<string>() ?? throw new FunctionIndexingException(name, "it has no scriptFile.");
        var entryPoint = function["entryPoint"]?.GetValue<string>() ?? throw new FunctionIndexingException(name, "it has no entryPoint.");
        var bindings = (function["bindings"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(b => ReadBinding(name, b, configuration))
            .ToList();

        var triggers = bindings.Where(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase)).ToList();
        if (triggers.Count != 1)
        {
            throw new FunctionIndexingException(name, $"a function needs exactly one trigger binding; it has {triggers.Count}.");
        }

        var trigger = triggers[0];
        if (!SupportedTriggers.Contains(trigger.Type))
        {
            throw new FunctionIndexingException(name,
                $"the trigger type '{trigger.Type}' is not supported by the local runtime (supported: {string.Join(", ", SupportedTriggers)}). " +
                "Use the service's SDK client through DI instead of a trigger or binding.");
        }

        foreach (var binding in bindings.Where(b => !ReferenceEquals(b, trigger)))
        {
            var isHttpReturn = string.Equals(binding.Type, "http", StringComparison.OrdinalIgnoreCase) &&
                string.Equals(binding.Direction, "Out", StringComparison.OrdinalIgnoreCase) &&
                string.Equals(trigger.Type, "httpTrigger", StringComparison.OrdinalIgnoreCase);
            if (!isHttpReturn)
            {
                throw new FunctionIndexingException(name,
                    $"the {binding.Direction.ToLowerInvariant()} binding '{binding.Name}' of type '{binding.Type}' is not supported; " +
                    "only the HTTP response of an HTTP trigger is. Use the SDK client through DI instead.");
            }
        }

        return new FunctionDescriptor
        {
            Name = name,
            ScriptFile = scriptFile,
            EntryPoint = entryPoint,
            Trigger = trigger,
            Method = EntryPointResolver.Resolve(appDirectory, name, scriptFile, entryPoint),
        };
    }

    private static BindingMetadata ReadBinding(string functionName, JsonObject binding, IConfiguration configuration)
    {
        var properties = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        void Add(string key, JsonNode? value)
        {
            properties[key] = value is JsonValue v && v.TryGetValue(out string? text)
                ? ResolveSettings(functionName, key, text, configuration)
                : value?.ToJsonString();
        }

        foreach (var (key, value) in binding)
        {
            if (key is "properties" && value is JsonObject nested)
            {
                foreach (var (nestedKey, nestedValue) in nested)
                {
                    Add(nestedKey, nestedValue);
                }
            }
            else
            {
                Add(key, value);
            }
        }

        return new BindingMetadata
        {
            Name = properties.GetValueOrDefault("name") ?? string.Empty,
            Type = properties.GetValueOrDefault("type") ?? throw new FunctionIndexingException(functionName, "a binding has no type."),
            Direction = properties.GetValueOrDefault("direction") ?? "In",
            Properties = properties,
        };
    }

    /// <summary>Every %Name% in the value is replaced by the setting, as the host's name resolver does; a missing setting
    /// is an error rather than a literal "%Name%" queue or schedule.</summary>
    internal static string? ResolveSettings(string functionName, string property, string? value, IConfiguration configuration)
    {
        if (value is null || !value.Contains('%', StringComparison.Ordinal))
        {
            return value;
        }

        return SettingExpression().Replace(value, match =>
        {
            var setting = match.Groups[1].Value;
            return GetSetting(configuration, setting) ?? throw new FunctionIndexingException(functionName,
                $"the binding property '{property}' refers to the app setting '{setting}', which is not set.");
        });
    }

    /// <summary>An app setting by its Azure name: "A__B" is the configuration key "A:B".</summary>
    internal static string? GetSetting(IConfiguration configuration, string name) =>
        configuration[name.Replace("__", ":", StringComparison.Ordinal)] is { Length: > 0 } value ? value : null;

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingExpression();
}

/// <summary>Finds the method named by scriptFile + entryPoint.</summary>
internal static class EntryPointResolver
{
    public static MethodInfo Resolve(string appDirectory, string functionName, string scriptFile, string entryPoint)
    {
        var assembly = LoadAssembly(appDirectory, functionName, scriptFile);
        var lastDot = entryPoint.LastIndexOf('.');
        if (lastDot <= 0)
        {
            throw new FunctionIndexingException(functionName, $"the entry point '{entryPoint}' is not of the form Namespace.Type.Method.");
        }

        var typeName = entryPoint[..lastDot];
        var methodName = entryPoint[(lastDot + 1)..];
        var type = assembly.GetType(typeName) ?? FindNestedType(assembly, typeName)
            ?? throw new FunctionIndexingException(functionName, $"the type '{typeName}' was not found in {assembly.GetName().Name}.");

        var methods = type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static)
            .Where(m => m.Name == methodName)
            .ToList();
        return methods.Count switch
        {
            1 => methods[0],
            0 => throw new FunctionIndexingException(functionName, $"the public method '{methodName}' was not found on {type.FullName}."),
            _ => throw new FunctionIndexingException(functionName, $"{type.FullName} has {methods.Count} public methods named '{methodName}'; the entry point must be unique."),
        };
    }

    /// <summary>The app's own copy wins: an assembly already loaded (or loadable by name) in the default context is the one
    /// its DI registrations were made against, so types match. Loading from the folder is the fallback.</summary>
    private static Assembly LoadAssembly(string appDirectory, string functionName, string scriptFile)
    {
        var simpleName = Path.GetFileNameWithoutExtension(scriptFile);
        var loaded = AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => string.Equals(a.GetName().Name, simpleName, StringComparison.OrdinalIgnoreCase));
        if (loaded is not null)
        {
            return loaded;
        }

        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(simpleName));
        }
        catch (FileNotFoundException)
        {
            // Not part of this application's dependencies: load it from the app folder below.
        }

        var path = Path.GetFullPath(Path.Combine(appDirectory, scriptFile));
        if (!File.Exists(path))
        {
            throw new FunctionIndexingException(functionName, $"its script file {path} does not exist.");
        }

        return AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    // Nested types appear as Outer.Inner in entry points but Outer+Inner in reflection: try the last dots as '+', right to left.
    private static Type? FindNestedType(Assembly assembly, string typeName)
    {
        var chars = typeName.ToCharArray();
        for (var i = chars.Length - 1; i > 0; i--)
        {
            if (chars[i] == '.')
            {
                chars[i] = '+';
                if (assembly.GetType(new string(chars)) is { } type)
                {
                    return type;
                }
            }
        }

        return null;
    }
}
