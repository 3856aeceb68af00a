using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Agora.Functions.Http;

/// <summary>What a field of a request body must hold, in words, for the 400 a wrongly typed value gets: System.Text.Json
/// says only "could not be converted to" a .NET type name (often the enclosing one), which tells a client nothing.
/// The field is found from the error's JSON path through the request type's properties, named as the API names them.</summary>
internal static partial class JsonExpectation
{
    /// <summary>"must be a number", "must be one of: mostSpecific, lowestPrice"...; null when the path leads nowhere known.</summary>
    public static string? Describe(Type root, string path)
    {
        var type = root;
        foreach (Match segment in Segments().Matches(path))
        {
            if (segment.Groups["index"].Success)
            {
                type = ElementOf(type);
            }
            else if (IsDictionary(type))
            {
                type = ElementOf(type); // a key of a map (attributes.color): its values' type
            }
            else
            {
                var name = segment.Groups["name"].Value;
                type = Unwrap(type).GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .FirstOrDefault(p => string.Equals(JsonNamingPolicy.CamelCase.ConvertName(p.Name), name, StringComparison.Ordinal))?.PropertyType;
            }

            if (type is null)
            {
                return null;
            }
        }

        return "must be " + Words(Unwrap(type));
    }

    private static string Words(Type type)
    {
        if (type.IsEnum)
        {
            return "one of: " + string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.CamelCase.ConvertName));
        }

        return Type.GetTypeCode(type) switch
        {
            TypeCode.Decimal => Core.Common.Limits.NumberRange,
            TypeCode.Double or TypeCode.Single => "a number",
            TypeCode.Int32 => "a whole number from -2,147,483,648 to 2,147,483,647",
            TypeCode.Int16 or TypeCode.Int64 or TypeCode.Byte => "a whole number",
            TypeCode.Boolean => "true or false",
            TypeCode.String => "text (a JSON string)",
            _ when type == typeof(DateTimeOffset) || type == typeof(DateTime) => "a date and time with its offset, such as 2026-11-27T12:00:00Z or 2026-11-27T09:00:00-03:00",
            _ when type == typeof(DateOnly) => "a date such as 2026-11-27",
            _ when ElementOf(type) is not null => "a list",
            _ => "an object",
        };
    }

    private static Type Unwrap(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    private static bool IsDictionary(Type type) =>
        typeof(IDictionary).IsAssignableFrom(type) || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>));

    private static Type? ElementOf(Type type) =>
        type == typeof(string) ? null
        : type.IsArray ? type.GetElementType()
        : type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[^1]
        : null;

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)|\[(?<index>\d+)\]")]
    private static partial Regex Segments();
}
