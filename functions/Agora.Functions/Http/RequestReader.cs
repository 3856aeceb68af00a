using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Agora.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agora.Functions.Http;

/// <summary>What function methods read from a request: the caller, a JSON body, query values and preconditions.</summary>
public static partial class RequestReader
{
    /// <summary>The caller authenticated by <see cref="HttpPipeline"/>; every function not marked anonymous has one.</summary>
    public static Caller Caller(this HttpRequest request) =>
        request.HttpContext.Features.Get<Caller>() ?? throw new InvalidOperationException("No authenticated caller: is the function marked [AllowAnonymous] by mistake?");

    /// <summary>Reads the body as JSON of type <typeparamref name="T"/>: 415 if it is not JSON, 413 past the size limit,
    /// 400 with the JSON path of the first error if it does not parse.</summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (request.ContentType is not { } contentType || !IsJson(contentType))
        {
            throw new RequestRejectedException(StatusCodes.Status415UnsupportedMediaType, "The body must be JSON: send 'Content-Type: application/json'.", null);
        }

        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptions<HttpOptions>>().Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "The request has no body; a JSON object is expected.", new Dictionary<string, string[]> { ["$"] = ["is required: a JSON object."] });
        }

        return (T)ParseBody(typeof(T), buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    }

    /// <summary>A body of <paramref name="type"/> as every operation reads one: the strict options (no unknown or repeated
    /// property, no null where a value is needed), 400 naming the field otherwise, then <see cref="BodyRules"/>. Public for
    /// the API reference's examples, which must pass the same reading a real call gets.</summary>
    public static object ParseBody(Type type, ReadOnlySpan<byte> json)
    {
        ArgumentNullException.ThrowIfNull(type);
        object body;
        try
        {
            body = JsonSerializer.Deserialize(json, type, Json.Requests)
                ?? throw new RequestRejectedException(StatusCodes.Status400BadRequest, "The body is 'null'; a JSON object is expected.", new Dictionary<string, string[]> { ["$"] = ["must be a JSON object, not null."] });
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "$" : e.Path.TrimStart('$', '.');
            var reason = e.Message.Split(" Path:", 2)[0].Split(". LineNumber", 2)[0];
            if (UnknownProperty().Match(reason) is { Success: true } unknown)
            {
                // A typo must not silently reset what the client meant to set: name the field the operation does not have.
                var name = unknown.Groups["name"].Value;
                field = field == "$" ? name : field.EndsWith(name, StringComparison.Ordinal) ? field : $"{field}.{name}";
                reason = "is not a field of this operation; check its spelling against the API reference";
            }
            else if (reason.StartsWith("Duplicate property", StringComparison.Ordinal))
            {
                reason = "is given twice; send each field once";
            }
            else if (reason.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
            {
                // System.Text.Json names the .NET type it failed to make; a client needs the field's kind in words.
                reason = JsonExpectation.Describe(type, field) ?? "has a value of the wrong kind for this field";
            }
            else
            {
                reason = reason.Replace(" Change the reader options.", string.Empty, StringComparison.Ordinal);
            }

            throw new RequestRejectedException(
                StatusCodes.Status400BadRequest,
                "The body is not valid JSON for this operation.",
                new Dictionary<string, string[]> { [field] = [$"{reason} (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})."] });
        }

        BodyRules.Check(body);
        return body;
    }

    /// <summary>The raw body, up to <paramref name="limit"/> bytes: 413 with <paramref name="tooLarge"/> when the declared or the
    /// read length passes it. Raises the server's own body limit for this request to match (Kestrel's default, 30,000,000
    /// bytes, holds under the worker's ASP.NET Core integration and in the local runtime alike, and would otherwise fail
    /// larger uploads with a 500).</summary>
    public static Stream BodyUpTo(this HttpRequest request, long limit, string tooLarge)
    {
        if (request.ContentLength > limit)
        {
            throw new RequestRejectedException(StatusCodes.Status413PayloadTooLarge, tooLarge, null);
        }

        if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // One byte more than allowed, so that LimitedStream (a 413 problem) rather than the server (an exception) refuses.
            size.MaxRequestBodySize = limit + 1;
        }

        return new LimitedStream(request.Body, limit, tooLarge);
    }

    /// <summary>The version named by If-Match (an entity tag this API returned), or null when the header is absent. A tag this
    /// API never issued names no version, so the update fails its precondition (412).</summary>
    public static string? IfMatch(this HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.Length == 0)
        {
            return null;
        }

        if (value == "*")
        {
            // "Any version" would let a client overwrite what it never read: only an ETag this API issued names a version.
            return "\"*\"";
        }

        try
        {
            var version = value.Length > 2 && value[0] == '"' && value[^1] == '"' ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value.AsSpan(1, value.Length - 2))) : value;

            // Versions this API issues are printable ASCII; anything else (forged bytes) names none, and must not reach a
            // store's request headers, which take ASCII only.
            return version.All(c => c is >= ' ' and <= '~') ? version : value;
        }
        catch (FormatException)
        {
            return value;
        }
    }

    public static string? Query(this HttpRequest request, string name) => request.Query[name].ToString() is { Length: > 0 } value ? value : null;

    /// <summary>An optional whole-number query value; 400 naming the parameter when it is not one.</summary>
    public static int? QueryInt(this HttpRequest request, string name) =>
        request.Query(name) is not { } text ? null
        : int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value
        : throw DomainException.Invalid(name, "must be a whole number.");

    /// <summary>An enum value written as the API writes it (camelCase, <c>pendingApproval</c>); 400 naming the values otherwise.</summary>
    public static T? QueryEnum<T>(this HttpRequest request, string name)
        where T : struct, Enum
    {
        if (request.Query(name) is not { } text)
        {
            return null;
        }

        foreach (var value in Enum.GetValues<T>())
        {
            if (string.Equals(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString()), text, StringComparison.Ordinal))
            {
                return value;
            }
        }

        throw DomainException.Invalid(name, $"must be one of {string.Join(", ", Enum.GetValues<T>().Select(v => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(v.ToString())))}.");
    }

    /// <summary>A time with its offset (<c>2026-12-01T00:00:00Z</c>); 400 otherwise.</summary>
    public static DateTimeOffset? QueryTime(this HttpRequest request, string name) =>
        request.Query(name) is not { } text ? null
        : text.Length >= 16 && (text.EndsWith('Z') || text[^6] is '+' or '-')
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var value) ? value
        : throw DomainException.Invalid(name, "must be a time in ISO 8601 with its offset, such as 2026-12-01T00:00:00Z.");

    /// <summary>Catalog listing filters from the query string: q, category, brand, inStock, status, cursor, limit.</summary>
    public static Core.Catalog.CatalogFilter CatalogFilter(this HttpRequest request) => new(
        request.Query("q"),
        request.Query("category"),
        request.Query("brand"),
        request.Query("inStock") is not { } inStock ? null
            : bool.TryParse(inStock, out var yes) ? yes : throw DomainException.Invalid("inStock", "must be true or false."),
        request.Query("status") is not { } status ? null
            : Enum.TryParse<Core.Catalog.ProductStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _) ? parsed
            : throw DomainException.Invalid("status", "must be active or discontinued."),
        request.Query("cursor"),
        request.QueryInt("limit"));

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }

    [System.Text.RegularExpressions.GeneratedRegex("^The JSON property '(?<name>.*)' could not be mapped to any .NET member")]
    private static partial System.Text.RegularExpressions.Regex UnknownProperty();

    private static RequestRejectedException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {limit} bytes.", null);
}
