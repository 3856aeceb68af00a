using Agora.Core.Accounts;
using Agora.Core.Common;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

public sealed class CosmosDueIndex(CosmosContainers cosmos) : IDueIndex
{
    private const string Type = "due";

    public async Task AddAsync(DueEntry entry, CancellationToken cancellationToken) =>
        await CosmosContainers.UpsertAsync(cosmos.Get(Containers.Due), new Document<DueEntry> { Id = entry.Id, Pk = entry.Day, Type = Type, Data = entry }, cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<DueEntry>> ListAsync(string day, CancellationToken cancellationToken)
    {
        var found = await CosmosContainers.QueryAsync<DueEntry>(
            cosmos.Get(Containers.Due), day, new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type").WithParameter("@type", Type), cancellationToken).ConfigureAwait(false);
        return found.Select(d => d.Data).ToArray();
    }

    public Task RemoveAsync(DueEntry entry, CancellationToken cancellationToken) =>
        CosmosContainers.DeleteAsync(cosmos.Get(Containers.Due), entry.Id, entry.Day, cancellationToken);
}
