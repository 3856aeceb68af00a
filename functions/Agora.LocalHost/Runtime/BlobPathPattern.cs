using System.Text;
using System.Text.RegularExpressions;

namespace Agora.LocalHost.Runtime;

/// <summary>A blob trigger path such as "imports/{supplierId}/{name}": the first segment is the container; each {x}
/// becomes binding data. Parameters match within one path segment, except the last, which may span '/'.</summary>
internal sealed partial class BlobPathPattern
{
    private readonly Regex _regex;

    private BlobPathPattern(string container, string blobPattern, Regex regex, IReadOnlyList<string> parameters)
    {
        Container = container;
        BlobPattern = blobPattern;
        _regex = regex;
        Parameters = parameters;
        var firstParameter = blobPattern.IndexOf('{', StringComparison.Ordinal);
        Prefix = firstParameter < 0 ? blobPattern : blobPattern[..firstParameter];
    }

    public string Container { get; }

    public string BlobPattern { get; }

    public IReadOnlyList<string> Parameters { get; }

    /// <summary>The literal start of the blob name, used as the listing prefix.</summary>
    public string Prefix { get; }

    public static BlobPathPattern Parse(FunctionDescriptor function, string? path)
    {
        var slash = path?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        var container = slash < 0 ? path : path![..slash];
        if (string.IsNullOrEmpty(container) || container.Contains('{', StringComparison.Ordinal))
        {
            throw new FunctionIndexingException(function.Name, $"the blob path '{path}' must start with a literal container name, as in 'container/{{name}}'.");
        }

        var blobPattern = slash < 0 ? "{blobName}" : path![(slash + 1)..];
        var parameters = new List<string>();
        var regex = new StringBuilder("^");
        var matches = ParameterExpression().Matches(blobPattern);
        var position = 0;
        for (var i = 0; i < matches.Count; i++)
        {
            var match = matches[i];
            regex.Append(Regex.Escape(blobPattern[position..match.Index]));
            var name = match.Groups[1].Value;
            if (parameters.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new FunctionIndexingException(function.Name, $"the blob path '{path}' repeats the parameter '{name}'.");
            }

            parameters.Add(name);
            regex.Append(i == matches.Count - 1 && match.Index + match.Length == blobPattern.Length
                ? $"(?<p{i}>.+)"
                : $"(?<p{i}>[^/]+?)");
            position = match.Index + match.Length;
        }

        regex.Append(Regex.Escape(blobPattern[position..])).Append('$');
        return new BlobPathPattern(container, blobPattern, new Regex(regex.ToString(), RegexOptions.CultureInvariant), parameters);
    }

    /// <summary>The path parameters of a blob in the container, or null when the blob does not match.</summary>
    public Dictionary<string, object?>? Match(string blobName)
    {
        var match = _regex.Match(blobName);
        if (!match.Success)
        {
            return null;
        }

        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Parameters.Count; i++)
        {
            values[Parameters[i]] = match.Groups[$"p{i}"].Value;
        }

        return values;
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex ParameterExpression();
}
