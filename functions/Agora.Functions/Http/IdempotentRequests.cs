using System.Security.Cryptography;
using System.Text.Json;
using Agora.Core.Common;
using Agora.Infrastructure.Cosmos;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agora.Functions.Http;

/// <summary>Idempotency-Key handling (as in the IETF httpapi draft and Stripe's API): the first successful response to a
/// key is stored and replayed to retries; a retry with another body is refused (422); a retry while the first request is
/// still running is refused (409 with Retry-After). Failed requests are forgotten, so the client can retry them.
/// Once the work is done its response is stored whatever the client does: a client that gave up waiting (its abort token
/// fired) gets the stored response when it retries, not a second execution. A request that never finished (a crash)
/// holds its key only for <see cref="CosmosIdempotencyStore.Lease"/>; after it, a retry takes the key over and runs.</summary>
public sealed partial class IdempotentRequests(CosmosIdempotencyStore store, IOptions<HttpOptions> options, TimeProvider clock, ILogger<IdempotentRequests> logger)
{
    public const string ReplayedHeader = "Idempotent-Replayed";
    private static readonly string[] ReplayedHeaders = ["Location", "ETag"];

    /// <summary>How long storing the outcome may take. Not the request's token: the work is done, and the client going
    /// away must not undo what its retry relies on.</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(10);

    public async Task<IActionResult> RunAsync(HttpContext http, string key, Func<Task<IActionResult?>> invoke)
    {
        if (key.Length > 255)
        {
            throw DomainException.Invalid("Idempotency-Key", "must be at most 255 characters.");
        }

        var request = http.Request;
        var id = CosmosIdempotencyStore.IdOf(http.Features.Get<Caller>()?.UserId ?? "anonymous", request.Method, request.Path, key);
        var hash = await HashBodyAsync(request).ConfigureAwait(false);
        var begun = await store.TryBeginAsync(id, hash, clock.GetUtcNow(), http.RequestAborted).ConfigureAwait(false);
        if (begun.Claim is not { } claim)
        {
            return Replay(http, begun.Earlier!, hash);
        }

        IActionResult result;
        try
        {
            result = await invoke().ConfigureAwait(false) ?? new NoContentResult();
        }
        catch
        {
            await SettleAsync(id, token => store.AbandonAsync(id, claim, token)).ConfigureAwait(false);
            throw;
        }

        StoredResponse? response = result switch
        {
            JsonResult { StatusCode: null or (>= 200 and < 300) } json => new StoredResponse(
                hash, true, json.StatusCode ?? 200, json.ContentType ?? "application/json",
                JsonSerializer.Serialize(json.Value, json.SerializerSettings as JsonSerializerOptions ?? Json.Options),
                ReplayedHeaders.Where(h => http.Response.Headers.ContainsKey(h)).ToDictionary(h => h, h => http.Response.Headers[h].ToString()),
                clock.GetUtcNow()),
            IStatusCodeActionResult { StatusCode: >= 200 and < 300 } plain => new StoredResponse(hash, true, plain.StatusCode.Value, null, null, null, clock.GetUtcNow()),
            _ => null,
        };
        await SettleAsync(id, response is null
            ? token => store.AbandonAsync(id, claim, token)
            : async token => await store.CompleteAsync(id, claim, response, token).ConfigureAwait(false)).ConfigureAwait(false);
        return result;
    }

    /// <summary>Completes or abandons the key with a token of its own. If the store cannot be reached the answer still
    /// goes out: the key stays claimed until its lease ends, then a retry runs again (at worst once more).</summary>
    private async Task SettleAsync(string id, Func<CancellationToken, Task> settle)
    {
        using var timeout = new CancellationTokenSource(SettleTimeout);
        try
        {
            await settle(timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The request's own outcome matters more than its record: log, and answer it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogSettleFailed(logger, e, id);
        }
    }

    private IActionResult Replay(HttpContext http, StoredResponse earlier, string hash)
    {
        if (earlier.RequestHash != hash)
        {
            throw DomainException.Unprocessable("Idempotency-Key", "This key was used for a request with another body; use a new key for a new request.");
        }

        if (!earlier.Completed)
        {
            var wait = earlier.LeaseEnds - clock.GetUtcNow();
            throw DomainException.InProgress("A request with this Idempotency-Key is still being processed; retry after the time in Retry-After.", wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the outcome of idempotent request {Id}; its key stays claimed until its lease ends")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception, string id);

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
