using System.Security.Cryptography;
using System.Text.Json;
using Agora.Core.Common;
using Agora.Infrastructure.Cosmos;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Extensions.Options;

namespace Agora.Functions.Http;

/// <summary>Idempotency-Key handling (as in the IETF httpapi draft and Stripe's API): the first successful response to a
/// key is stored and replayed to retries; a retry with another body is refused (422); a retry while the first request is
/// still running is refused (409). Failed requests are forgotten, so the client can retry them.</summary>
public sealed class IdempotentRequests(CosmosIdempotencyStore store, IOptions<HttpOptions> options, TimeProvider clock)
{
    public const string ReplayedHeader = "Idempotent-Replayed";
    private static readonly string[] ReplayedHeaders = ["Location", "ETag"];

    public async Task<IActionResult> RunAsync(HttpContext http, string key, Func<Task<IActionResult?>> invoke)
    {
        if (key.Length > 255)
        {
            throw DomainException.Invalid("Idempotency-Key", "must be at most 255 characters.");
        }

        var request = http.Request;
        var id = CosmosIdempotencyStore.IdOf(http.Features.Get<Caller>()?.UserId ?? "anonymous", request.Method, request.Path, key);
        var hash = await HashBodyAsync(request).ConfigureAwait(false);
        var earlier = await store.TryBeginAsync(id, hash, clock.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
        if (earlier is not null)
        {
            return Replay(http, earlier, hash);
        }

        IActionResult? result = null;
        try
        {
            result = await invoke().ConfigureAwait(false) ?? new NoContentResult();
            if (result is JsonResult { StatusCode: null or (>= 200 and < 300) } json)
            {
                var headers = ReplayedHeaders.Where(h => http.Response.Headers.ContainsKey(h)).ToDictionary(h => h, h => http.Response.Headers[h].ToString());
                var body = JsonSerializer.Serialize(json.Value, json.SerializerSettings as JsonSerializerOptions ?? Json.Options);
                await store.CompleteAsync(id, new StoredResponse(hash, true, json.StatusCode ?? 200, json.ContentType ?? "application/json", body, headers, clock.GetUtcNow()), http.RequestAborted).ConfigureAwait(false);
                return result;
            }

            if (result is IStatusCodeActionResult { StatusCode: >= 200 and < 300 } plain)
            {
                await store.CompleteAsync(id, new StoredResponse(hash, true, plain.StatusCode.Value, null, null, null, clock.GetUtcNow()), http.RequestAborted).ConfigureAwait(false);
                return result;
            }

            await store.AbandonAsync(id, CancellationToken.None).ConfigureAwait(false);
            return result;
        }
        catch
        {
            await store.AbandonAsync(id, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private static IActionResult Replay(HttpContext http, StoredResponse earlier, string hash)
    {
        if (earlier.RequestHash != hash)
        {
            throw DomainException.Unprocessable("Idempotency-Key", "This key was used for a request with another body; use a new key for a new request.");
        }

        if (!earlier.Completed)
        {
            throw DomainException.Conflict("A request with this Idempotency-Key is still being processed; retry later.");
        }

        foreach (var (name, value) in earlier.Headers ?? new Dictionary<string, string>())
        {
            http.Response.Headers[name] = value;
        }

        http.Response.Headers[ReplayedHeader] = "true";
        return earlier.Body is null
            ? new StatusCodeResult(earlier.Status)
            : new ContentResult { StatusCode = earlier.Status, Content = earlier.Body, ContentType = earlier.ContentType };
    }

    /// <summary>Hashes the body and rewinds it for the function to read.</summary>
    private async Task<string> HashBodyAsync(HttpRequest request)
    {
        var limit = options.Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            throw new RequestRejectedException(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {limit} bytes.", null);
        }

        request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: limit + 1);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[16 * 1024];
        long total = 0;
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    throw new RequestRejectedException(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {limit} bytes.", null);
                }

                sha.AppendData(buffer, 0, read);
            }
        }
        catch (IOException) when (total > limit)
        {
            throw new RequestRejectedException(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {limit} bytes.", null);
        }

        request.Body.Position = 0;
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
