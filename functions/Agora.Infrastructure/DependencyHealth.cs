using System.Diagnostics;
using Agora.Infrastructure.Cosmos;
using Agora.Infrastructure.Storage;

namespace Agora.Infrastructure;

public sealed record DependencyStatus(string Name, bool Healthy, long DurationMs, string? Error);

/// <summary>Asks each dependency one cheap data-plane question (one the app's managed identity is allowed to ask).</summary>
public sealed class DependencyHealth(CosmosContainers cosmos, StorageClients storage)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<IReadOnlyList<DependencyStatus>> CheckAsync(CancellationToken cancellationToken) =>
        await Task.WhenAll(
            CheckAsync("cosmos", ct => cosmos.Get(Containers.Organizations).ReadContainerAsync(cancellationToken: ct), cancellationToken),
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
            return new DependencyStatus(name, false, watch.ElapsedMilliseconds, e.GetType().Name + ": " + e.Message.Split('\n')[0]);
        }
    }
}
