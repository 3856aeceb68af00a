using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Agora.Infrastructure.Tests.Infra;

/// <summary>One template of a compiled Bicep file: the main one, or a module's (a nested deployment), with the parameter
/// values its parent passes it.</summary>
internal sealed record ArmDeployment(string Name, JsonObject Template, JsonObject? PassedParameters, ArmDeployment? Parent);

/// <summary>One resource declaration (a copy loop is one declaration) in a deployment.</summary>
internal sealed record ArmResource(ArmDeployment Deployment, JsonObject Declaration)
{
    public string Type => (string?)Declaration["type"] ?? string.Empty;

    public JsonNode? this[string path] => path.Split('.').Aggregate<string, JsonNode?>(Declaration, (node, key) => node?[key]);

    /// <summary>The values the declaration gives <paramref name="path"/>: one, or one per element of the array a copy
    /// loop iterates (<c>[parameters('x')[copyIndex()]]</c>), resolved through parameters and variables.</summary>
    public IReadOnlyList<JsonNode?> Values(string path) => ArmTemplate.Values(Deployment, this[path], Declaration["copy"] is not null);
}

/// <summary>Reads compiled ARM templates far enough to compare them with the code: parameters passed to modules, variables,
/// copy loops over array parameters. An expression it cannot resolve fails the test that asks for it, with the expression.</summary>
internal static partial class ArmTemplate
{
    public static IEnumerable<ArmDeployment> Deployments(JsonObject main)
    {
        var pending = new Stack<ArmDeployment>([new ArmDeployment("main", main, null, null)]);
        while (pending.TryPop(out var deployment))
        {
            yield return deployment;
            foreach (var resource in Declarations(deployment.Template))
            {
                if ((string?)resource["type"] == "Microsoft.Resources/deployments" && resource["properties"]?["template"] is JsonObject template)
                {
                    pending.Push(new ArmDeployment((string?)resource["name"] ?? "?", template, resource["properties"]?["parameters"] as JsonObject, deployment));
                }
            }
        }
    }

    public static IEnumerable<ArmResource> Resources(JsonObject main, string type) =>
        Deployments(main).SelectMany(d => Declarations(d.Template).Where(r => string.Equals((string?)r["type"], type, StringComparison.OrdinalIgnoreCase)).Select(r => new ArmResource(d, r)));

    public static ArmResource Single(JsonObject main, string type)
    {
        var found = Resources(main, type).ToArray();
        return found.Length == 1 ? found[0] : throw new InvalidOperationException($"infra/ declares {found.Length} resources of type {type}; the tests expect one.");
    }

    /// <summary>Resources may be an array, or an object keyed by symbolic name (language version 2.0).</summary>
    public static IEnumerable<JsonObject> Declarations(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.OfType<JsonObject>(),
        JsonObject byName => byName.Select(p => p.Value).OfType<JsonObject>(),
        _ => [],
    };

    public static IReadOnlyList<JsonNode?> Values(ArmDeployment deployment, JsonNode? value, bool inCopyLoop)
    {
        if (value is JsonValue v && v.TryGetValue(out string? text))
        {
            if (inCopyLoop && CopyElement().Match(text) is { Success: true } element)
            {
                return Resolve(deployment, Parameter(deployment, element.Groups["name"].Value)) is JsonArray items
                    ? items.ToArray()
                    : throw new InvalidOperationException($"{deployment.Name}: parameter '{element.Groups["name"].Value}' of the copy loop is not an array.");
            }

            return [Resolve(deployment, value)];
        }

        return [value];
    }

    /// <summary>Follows <c>[parameters('x')]</c> (to the value the parent passes, or the default) and <c>[variables('x')]</c>;
    /// a <c>format(...)</c> whose last argument is a parameter (a child resource's name) resolves to that argument.</summary>
    public static JsonNode? Resolve(ArmDeployment deployment, JsonNode? value)
    {
        if (value is not JsonValue v || !v.TryGetValue(out string? text) || !text.StartsWith('[') || text.StartsWith("[[", StringComparison.Ordinal))
        {
            return value;
        }

        if (WholeParameter().Match(text) is { Success: true } parameter)
        {
            return Resolve(deployment, Parameter(deployment, parameter.Groups["name"].Value));
        }

        if (WholeVariable().Match(text) is { Success: true } variable)
        {
            return deployment.Template["variables"]?[variable.Groups["name"].Value]?.DeepClone()
                ?? throw new InvalidOperationException($"{deployment.Name}: no variable '{variable.Groups["name"].Value}'.");
        }

        if (FormatEndingInParameter().Match(text) is { Success: true } format)
        {
            return Resolve(deployment, Parameter(deployment, format.Groups["name"].Value));
        }

        throw new InvalidOperationException($"{deployment.Name}: cannot read the value of {text} without deploying; keep the names infra/ takes from the code literal.");
    }

    /// <summary>The value the parent passes for parameter <paramref name="name"/>, resolved in the parent; else its default.</summary>
    private static JsonNode? Parameter(ArmDeployment deployment, string name)
    {
        if (deployment.PassedParameters?[name] is JsonObject passed && deployment.Parent is { } parent)
        {
            return Resolve(parent, passed["value"]?.DeepClone());
        }

        return deployment.Template["parameters"]?[name]?["defaultValue"]?.DeepClone()
            ?? throw new InvalidOperationException($"{deployment.Name}: parameter '{name}' has no value here (it comes from the parameter file).");
    }

    [GeneratedRegex(@"^\[parameters\('(?<name>[^']+)'\)\]$")]
    private static partial Regex WholeParameter();

    [GeneratedRegex(@"^\[variables\('(?<name>[^']+)'\)\]$")]
    private static partial Regex WholeVariable();

    [GeneratedRegex(@"parameters\('(?<name>[^']+)'\)\[copyIndex\(\)\]\)?\]$")]
    private static partial Regex CopyElement();

    [GeneratedRegex(@"^\[format\(.*, parameters\('(?<name>[^']+)'\)\)\]$")]
    private static partial Regex FormatEndingInParameter();
}
