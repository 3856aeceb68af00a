using System.Diagnostics;
using System.Net;
using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Storage;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure;

public sealed record DependencyStatus(string Name, bool Healthy, long DurationMs, string? Error);

/// <summary>Readiness: asks each dependency one cheap data-plane question (one the app's managed identity may ask: a point
/// read of an item that does not exist in Cosmos DB — a 404 is an answer —, a blob container's and a queue's
/// properties), at most once every <see cref="CacheFor"/> whatever the request rate, so a load balancer probing every
/// second costs three small requests every few seconds, not three per probe and no Cosmos metadata call at all. What
/// failed is said in words (no answer in time, refused, unreachable), never with the exception's text, which may name
/// hosts and keys.</summary>
public sealed class DependencyHealth(CosmosContainers cosmos, StorageClients storage, TimeProvider clock)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private (DateTimeOffset At, Task<IReadOnlyList<DependencyStatus>> Checks)? _last;

    public Task<IReadOnlyList<DependencyStatus>> CheckAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            if (_last is { } last && now - last.At < CacheFor && !last.Checks.IsFaulted)
            {
                return last.Checks;
            }

            // Shared by every caller within the window; not tied to one caller's cancellation.
            var checks = CheckAllAsync(CancellationToken.None);
            _last = (now, checks);
            return checks.WaitAsync(cancellationToken);
        }
    }

    private async Task<IReadOnlyList<DependencyStatus>> CheckAllAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(
            CheckAsync("cosmos", async ct =>
            {
                try
                {
                    await cosmos.Get(Containers.Organizations).ReadItemStreamAsync("health-probe", new PartitionKey("health-probe"), cancellationToken: ct).ConfigureAwait(false);
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    // The container answered: the item is not meant to exist.
                }
            }, cancellationToken),
            CheckAsync("blobs", ct => storage.Blobs.GetBlobContainerClient(StorageNames.ImportsContainer).GetPropertiesAsync(cancellationToken: ct), cancellationToken),
            CheckAsync("queues", ct => storage.Queues.GetQueueClient(StorageNames.NotificationsQueue).GetPropertiesAsync(ct), cancellationToken)).ConfigureAwait(false);

    private static async Task<DependencyStatus> CheckAsync(string name, Func<CancellationToken, Task> probe, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await probe(timeout.Token).ConfigureAwait(false);
            return new DependencyStatus(name, true, watch.ElapsedMilliseconds, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DependencyStatus(name, false, watch.ElapsedMilliseconds, $"no answer within {Timeout.TotalSeconds:0} s");
        }
#pragma warning disable CA1031 // A health check reports every failure instead of throwing it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new DependencyStatus(name, false, watch.ElapsedMilliseconds, Describe(e));
        }
    }

    /// <summary>What went wrong, in words an operator acts on; the details are in the logs of the call that failed.</summary>
    private static string Describe(Exception e) => e switch
    {
        CosmosException { StatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } => "refused: the app's identity may not read it",
        Azure.RequestFailedException { Status: 401 or 403 } => "refused: the app's identity may not read it",
        CosmosException c => $"answered {(int)c.StatusCode}",
        Azure.RequestFailedException { Status: > 0 } r => $"answered {r.Status}",
        HttpRequestException or System.Net.Sockets.SocketException or Azure.RequestFailedException => "unreachable",
        _ => "failed",
    };
}
