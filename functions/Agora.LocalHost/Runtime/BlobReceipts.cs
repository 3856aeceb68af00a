using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Agora.LocalHost.Runtime;

/// <summary>Remembers which blob versions a function has processed, in the host's format: an empty blob in
/// azure-webjobs-hosts at blobreceipts/{hostId}/{function}/{etag}/{container}/{blob}, with metadata Incomplete=true while
/// the function runs. An incomplete receipt that no invocation of this process owns is a crash: process again.</summary>
internal sealed class BlobReceipts(BlobContainerClient hostsContainer, string hostId, string functionId)
{
    private const string IncompleteKey = "Incomplete";

    public enum State
    {
        None,
        Incomplete,
        Complete,
    }

    public async Task<State> ReadAsync(string container, string blobName, string etag, CancellationToken cancellationToken)
    {
        try
        {
            var properties = await Receipt(container, blobName, etag).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return properties.Value.Metadata.TryGetValue(IncompleteKey, out var incomplete) && bool.TryParse(incomplete, out var isIncomplete) && isIncomplete
                ? State.Incomplete
                : State.Complete;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return State.None;
        }
    }

    /// <summary>Creates an incomplete receipt unless one exists (If-None-Match: *); an existing one is left as it is.</summary>
    public async Task ClaimAsync(string container, string blobName, string etag, CancellationToken cancellationToken)
    {
        var options = new BlobUploadOptions
        {
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
            Metadata = new Dictionary<string, string> { [IncompleteKey] = "true" },
        };
        try
        {
            await Receipt(container, blobName, etag).UploadAsync(BinaryData.Empty, options, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409 || e.Status == 412)
        {
            // Already claimed (by an earlier, crashed, run): processing it again is the point.
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            await hostsContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await ClaimAsync(container, blobName, etag, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task CompleteAsync(string container, string blobName, string etag, CancellationToken cancellationToken) =>
        await Receipt(container, blobName, etag).SetMetadataAsync(new Dictionary<string, string>(), cancellationToken: cancellationToken).ConfigureAwait(false);

    // The ETag goes before the blob name because blob names contain slashes (the host's layout).
    private BlobClient Receipt(string container, string blobName, string etag) =>
        hostsContainer.GetBlobClient($"blobreceipts/{hostId}/{functionId}/{etag}/{container}/{blobName}");
}
