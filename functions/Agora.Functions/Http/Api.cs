using System.Buffers.Text;
using System.Text;
using Agora.Core.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Agora.Functions.Http;

/// <summary>The responses function methods return, all in the one JSON shape (<see cref="Json.Options"/>).</summary>
public static class Api
{
    public static IActionResult Ok<T>(T value) => new JsonResult(value, Json.Options);

    /// <summary>200 with the ETag a later update must send in If-Match.</summary>
    public static IActionResult Ok<T>(HttpRequest request, Versioned<T> value)
    {
        if (value.IsStored)
        {
            request.HttpContext.Response.Headers.ETag = EntityTag(value.ETag);
        }

        return new JsonResult(value.Value, Json.Options);
    }

    /// <summary>201 with Location (the new resource under the request path) and ETag.</summary>
    public static IActionResult Created<T>(HttpRequest request, string id, Versioned<T> value)
    {
        request.HttpContext.Response.Headers.ETag = EntityTag(value.ETag);
        return Created(request, id, value.Value);
    }

    /// <summary>201 for a PUT that created the resource at the request path, with its ETag.</summary>
    public static IActionResult CreatedAt<T>(HttpRequest request, Versioned<T> value)
    {
        request.HttpContext.Response.Headers.ETag = EntityTag(value.ETag);
        request.HttpContext.Response.Headers.Location = $"{request.PathBase}{request.Path}";
        return new JsonResult(value.Value, Json.Options) { StatusCode = StatusCodes.Status201Created };
    }

    public static IActionResult Created<T>(HttpRequest request, string id, T value)
    {
        request.HttpContext.Response.Headers.Location = $"{request.PathBase}{request.Path.Value!.TrimEnd('/')}/{Uri.EscapeDataString(id)}";
        return new JsonResult(value, Json.Options) { StatusCode = StatusCodes.Status201Created };
    }

    public static IActionResult NoContent() => new NoContentResult();

    /// <summary>One page of a listing: <c>{ "items": [...], "next": "cursor" }</c>.</summary>
    public static IActionResult Page<T>(Page<T> page) => new JsonResult(new { items = page.Items, next = page.Next }, Json.Options);

    /// <summary>The store's version as an HTTP entity tag: opaque (base64url, so any store format fits) and quoted (RFC 9110).
    /// <see cref="RequestReader.IfMatch"/> turns it back.</summary>
    internal static string EntityTag(string version) => $"\"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(version))}\"";
}
