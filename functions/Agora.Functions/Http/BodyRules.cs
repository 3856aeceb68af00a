using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Agora.Core.Common;
using Microsoft.AspNetCore.Http;

namespace Agora.Functions.Http;

/// <summary>The rules every request body obeys, whatever the operation, checked once it has parsed and before any use case
/// sees it: no null inside a list, no list longer than its field allows (<see cref="MaxItemsAttribute"/>, else
/// <see cref="Limits.DefaultMaxItems"/>), no decimal outside <see cref="Limits"/>, no text over <see cref="Limits.DefaultMaxText"/>. Each breach is reported at its JSON
/// path (<c>lines[3]</c>, <c>exchangeRates[0].rate</c>), so use cases can rely on well-formed input and nothing a reader
/// would reject reaches a store. System.Text.Json has no such post-parse walk, hence this one.</summary>
internal static class BodyRules
{
    /// <summary>Enough to show a client what is wrong without answering 20,000 lines for 20,000 nulls.</summary>
    private const int MaxReported = 50;

    private static readonly ConcurrentDictionary<Type, Field[]> Fields = new();

    private sealed record Field(string Name, PropertyInfo Property, int MaxItems);

    public static void Check(object body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Walk(body, "$", Limits.DefaultMaxItems, errors);
        if (errors.Count > 0)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "One or more fields are not valid.", errors);
        }
    }

    private static void Walk(object value, string path, int maxItems, Dictionary<string, string[]> errors)
    {
        if (errors.Count >= MaxReported)
        {
            return;
        }

        switch (value)
        {
            case decimal number:
                if (!Limits.Fits(number))
                {
                    errors[Name(path)] = [Limits.NumberReason];
                }

                return;
            case string text:
                if (text.Length > Limits.DefaultMaxText)
                {
                    errors[Name(path)] = [$"must be at most {Limits.DefaultMaxText} characters."];
                }

                return;
            case bool or Enum or DateTimeOffset or DateTime or DateOnly or TimeSpan or Guid:
                return;
            case IDictionary dictionary:
                Limit(dictionary.Count, path, maxItems, errors);
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Value is not null)
                    {
                        Walk(entry.Value, $"{path}.{entry.Key}", Limits.DefaultMaxItems, errors);
                    }
                }

                return;
            case IEnumerable list:
                var index = 0;
                foreach (var item in list)
                {
                    if (item is null)
                    {
                        errors[Name($"{path}[{index}]")] = ["must not be null."];
                    }
                    else
                    {
                        Walk(item, $"{path}[{index}]", Limits.DefaultMaxItems, errors);
                    }

                    if (++index > maxItems)
                    {
                        break;
                    }
                }

                Limit(index, path, maxItems, errors);
                return;
        }

        var type = value.GetType();
        if (type.IsPrimitive)
        {
            return;
        }

        foreach (var field in Fields.GetOrAdd(type, FieldsOf))
        {
            if (field.Property.GetValue(value) is { } child)
            {
                Walk(child, $"{path}.{field.Name}", field.MaxItems, errors);
            }
        }
    }

    private static void Limit(int count, string path, int maxItems, Dictionary<string, string[]> errors)
    {
        if (count > maxItems)
        {
            errors[Name(path)] = [$"must have at most {maxItems} items."];
        }
    }

    /// <summary>The properties JSON sets (those with a setter, positional record properties included), as JSON names them.</summary>
    private static Field[] FieldsOf(Type type)
    {
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters()).ToLookup(p => p.Name ?? string.Empty, StringComparer.OrdinalIgnoreCase);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.SetMethod is not null && p.GetCustomAttribute<JsonIgnoreAttribute>() is null)
            .Select(p => new Field(
                p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(p.Name),
                p,
                p.GetCustomAttribute<MaxItemsAttribute>()?.Max
                    ?? parameters[p.Name].Select(a => a.GetCustomAttribute<MaxItemsAttribute>()?.Max).FirstOrDefault(m => m is not null)
                    ?? Limits.DefaultMaxItems))
            .ToArray();
    }

    private static string Name(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.Length > 1 ? path[1..] : path;
}
