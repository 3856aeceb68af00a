using Agora.Core.Accounts;
using Agora.Core.Common;

namespace Agora.Infrastructure.Cosmos;

public sealed class CosmosOrganizationStore(CosmosContainers cosmos) : IOrganizationStore
{
    private const string Type = "organization";

    public async Task<Versioned<Organization>?> FindAsync(string orgId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<Organization>(cosmos.Get(Containers.Organizations), orgId, orgId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<Organization>(document.Data, document.ETag!);
    }

    public async Task<Versioned<Organization>> CreateAsync(Organization organization, CancellationToken cancellationToken)
    {
        var etag = await CosmosContainers.CreateAsync(cosmos.Get(Containers.Organizations), ToDocument(organization), $"Organization id '{organization.Id}' is taken.", cancellationToken).ConfigureAwait(false);
        return new Versioned<Organization>(organization, etag);
    }

    public async Task<Versioned<Organization>> ReplaceAsync(Organization organization, string ifMatch, CancellationToken cancellationToken)
    {
        var etag = await CosmosContainers.ReplaceAsync(cosmos.Get(Containers.Organizations), ToDocument(organization), ifMatch, "Organization", cancellationToken).ConfigureAwait(false);
        return new Versioned<Organization>(organization, etag);
    }

    private static Document<Organization> ToDocument(Organization organization) =>
        new() { Id = organization.Id, Pk = organization.Id, Type = Type, Data = organization };
}
