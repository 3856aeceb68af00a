using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Clearance in the supplier's partition of <c>catalog</c> (decision 0021b), beside the products it is about:
/// the settings (<c>clearanceSettings</c>), one proposal per SKU and warehouse (<c>clearance:{id}</c>, sortKey = since when
/// the stock waited, so listings go oldest first) and, per SKU, what it sold with (<c>soldTogether:{sku}</c>). Their size
/// is bounded (1,000 open proposals, 20 companions per SKU), small beside the products and prices of the same partition.</summary>
public sealed class CosmosClearanceStore(CosmosContainers cosmos) : IClearanceStore
{
    public const string SettingsId = "clearanceSettings";
    public const string ProposalType = "clearanceProposal";
    public const string SoldTogetherType = "soldTogether";

    private Container Catalog => cosmos.Get(Containers.Catalog);

    public async Task<Versioned<ClearanceSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken) =>
        await CosmosContainers.ReadAsync<ClearanceSettings>(Catalog, SettingsId, supplierId, cancellationToken).ConfigureAwait(false) is { } found
            ? new Versioned<ClearanceSettings>(found.Data, found.ETag!)
            : Versions.NotStored(ClearanceSettings.Default);

    public Task<Versioned<ClearanceSettings>> SaveSettingsAsync(string supplierId, ClearanceSettings settings, string? ifMatch, CancellationToken cancellationToken) =>
        CosmosContainers.CreateOrReplaceAsync(Catalog, new Document<ClearanceSettings> { Id = SettingsId, Pk = supplierId, Type = SettingsId, Data = settings }, ifMatch, "The clearance settings", cancellationToken);

    /// <summary>Products are indexed with <c>index.idleSince</c> (Unix seconds, <see cref="Product.IdleSince"/>; null when
    /// nothing is on hand): one range condition on an indexed path. A product written before that index existed has no such
    /// value and is read too, until its next write indexes it.</summary>
    public Task<Page<Product>> IdleProductsAsync(string supplierId, DateTimeOffset idleBefore, string? after, int limit, CancellationToken cancellationToken) =>
        CosmosContainers.PageAsync<Product>(Catalog, supplierId, CosmosProductStore.Type, after, limit,
            "c.data.status = @active AND (c.index.idleSince <= @idleBefore OR NOT IS_DEFINED(c.index.idleSince))",
            new Dictionary<string, object> { ["@active"] = "active", ["@idleBefore"] = idleBefore.ToUnixTimeSeconds() }, cancellationToken);

    public async Task<IReadOnlyList<ProposedClearance>> AllProposalsAsync(string supplierId, CancellationToken cancellationToken) =>
        (await CosmosContainers.QueryAsync<ProposedClearance>(Catalog, supplierId,
            new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type").WithParameter("@type", ProposalType), cancellationToken).ConfigureAwait(false))
        .Select(d => d.Data).ToArray();

    public Task<Page<ProposedClearance>> ListProposalsAsync(string supplierId, string? after, int limit, CancellationToken cancellationToken) =>
        CosmosContainers.PageAsync<ProposedClearance>(Catalog, supplierId, ProposalType, after, limit, null, null, cancellationToken);

    public async Task<IReadOnlyList<ProposedClearance>> ProposalsOfAsync(string supplierId, string sku, CancellationToken cancellationToken) =>
        (await CosmosContainers.QueryAsync<ProposedClearance>(Catalog, supplierId,
            new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND c.data.sku = @sku").WithParameter("@type", ProposalType).WithParameter("@sku", sku), cancellationToken).ConfigureAwait(false))
        .Select(d => d.Data).ToArray();

    public async Task<Versioned<ProposedClearance>?> FindProposalAsync(string supplierId, string id, CancellationToken cancellationToken) =>
        await CosmosContainers.ReadAsync<ProposedClearance>(Catalog, ProposalId(id), supplierId, cancellationToken).ConfigureAwait(false) is { } found
            ? new Versioned<ProposedClearance>(found.Data, found.ETag!)
            : null;

    public async Task<Versioned<ProposedClearance>> SaveProposalAsync(ProposedClearance proposal, string? ifMatch, CancellationToken cancellationToken)
    {
        var document = new Document<ProposedClearance>
        {
            Id = ProposalId(proposal.Id),
            Pk = proposal.SupplierId,
            Type = ProposalType,
            SortKey = $"{proposal.IdleSince.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}\u001f{proposal.Id}",
            Data = proposal,
        };
        var etag = ifMatch is null
            ? await CosmosContainers.UpsertAsync(Catalog, document, cancellationToken).ConfigureAwait(false)
            : await CosmosContainers.ReplaceAsync(Catalog, document, ifMatch, "Clearance proposal", cancellationToken).ConfigureAwait(false);
        return new Versioned<ProposedClearance>(proposal, etag);
    }

    public Task RemoveProposalAsync(string supplierId, string id, CancellationToken cancellationToken) =>
        CosmosContainers.DeleteAsync(Catalog, ProposalId(id), supplierId, cancellationToken);

    public async Task<IReadOnlyDictionary<string, SoldTogether>> SoldTogetherAsync(string supplierId, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        if (skus.Count == 0)
        {
            return new Dictionary<string, SoldTogether>(StringComparer.Ordinal);
        }

        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)")
            .WithParameter("@type", SoldTogetherType)
            .WithParameter("@ids", skus.Select(SoldTogetherId).ToArray());
        var found = await CosmosContainers.QueryAsync<SoldTogether>(Catalog, supplierId, query, cancellationToken).ConfigureAwait(false);
        return found.ToDictionary(d => d.Data.Sku, d => d.Data, StringComparer.Ordinal);
    }

    public async Task<Versioned<SoldTogether>?> FindSoldTogetherAsync(string supplierId, string sku, CancellationToken cancellationToken) =>
        await CosmosContainers.ReadAsync<SoldTogether>(Catalog, SoldTogetherId(sku), supplierId, cancellationToken).ConfigureAwait(false) is { } found
            ? new Versioned<SoldTogether>(found.Data, found.ETag!)
            : null;

    public async Task SaveSoldTogetherAsync(string supplierId, SoldTogether value, string? ifMatch, CancellationToken cancellationToken)
    {
        var document = new Document<SoldTogether> { Id = SoldTogetherId(value.Sku), Pk = supplierId, Type = SoldTogetherType, Data = value };
        _ = ifMatch is null
            ? await CosmosContainers.CreateAsync(Catalog, document, $"What {value.Sku} sells with was counted meanwhile.", cancellationToken).ConfigureAwait(false)
            : await CosmosContainers.ReplaceAsync(Catalog, document, ifMatch, "What a product sells with", cancellationToken).ConfigureAwait(false);
    }

    private static string ProposalId(string id) => $"clearance:{id}";

    private static string SoldTogetherId(string sku) => $"soldTogether:{sku}";
}
