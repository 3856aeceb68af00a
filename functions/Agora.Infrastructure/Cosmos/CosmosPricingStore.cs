using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Pricing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Pricing rules in the supplier's partition of <c>catalog</c> (<c>{kind}:{id}</c>, type <c>pricingRule</c>, indexed
/// by their audiences), the supplier's <c>pricingSettings</c>, and a buyer's <c>promotionUses:{buyerId}</c>. A customer's
/// rules and the settings come back in one query.</summary>
public sealed class CosmosPricingStore(CosmosContainers cosmos) : IPricingStore
{
    private const string RuleType = "pricingRule";
    private const string SettingsId = "pricingSettings";

    public async Task<PricingRules> LoadAsync(string supplierId, IReadOnlyList<Audience> audiences, CancellationToken cancellationToken)
    {
        var conditions = string.Join(" OR ", audiences.Select((_, i) => $"ARRAY_CONTAINS(c.index.audiences, @a{i})"));
        var query = new QueryDefinition($"SELECT * FROM c WHERE c.pk = @pk AND (c.type = @settings OR c.type = @rule AND ({conditions}))")
            .WithParameter("@settings", SettingsId)
            .WithParameter("@rule", RuleType);
        for (var i = 0; i < audiences.Count; i++)
        {
            query = query.WithParameter($"@a{i}", audiences[i].Tag);
        }

        var found = await CosmosContainers.QueryAsync<JsonElement>(cosmos.Get(Containers.Catalog), supplierId, query, cancellationToken).ConfigureAwait(false);
        var settings = found.FirstOrDefault(d => d.Type == SettingsId)?.Data.Deserialize<PricingSettings>(Json.Options) ?? PricingSettings.Default;
        var rules = found.Where(d => d.Type == RuleType).Select(d => d.Data.Deserialize<PricingRule>(Json.Options)!).OrderBy(r => r.Id, StringComparer.Ordinal).ToArray();
        return new PricingRules(settings, rules);
    }

    public async Task<IReadOnlyList<PricingRule>> ListAsync(string supplierId, PricingRuleKind kind, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND STARTSWITH(c.id, @prefix) ORDER BY c.id")
            .WithParameter("@type", RuleType)
            .WithParameter("@prefix", Prefix(kind));
        return (await CosmosContainers.QueryAsync<PricingRule>(cosmos.Get(Containers.Catalog), supplierId, query, cancellationToken).ConfigureAwait(false)).Select(d => d.Data).ToArray();
    }

    public async Task<Versioned<PricingRule>?> FindAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken) =>
        await CosmosContainers.ReadAsync<PricingRule>(cosmos.Get(Containers.Catalog), Prefix(kind) + id, supplierId, cancellationToken).ConfigureAwait(false) is { } found
            ? new Versioned<PricingRule>(found.Data, found.ETag!)
            : null;

    public Task<Versioned<PricingRule>> SaveAsync(string supplierId, PricingRule rule, string? ifMatch, CancellationToken cancellationToken) =>
        WriteAsync(new Document<PricingRule>
        {
            Id = Prefix(rule.Kind) + rule.Id,
            Pk = supplierId,
            Type = RuleType,
            Data = rule,
            Index = new Dictionary<string, object?> { ["audiences"] = rule.Audiences.Select(a => a.Tag).ToArray() },
        }, ifMatch, "The pricing rule", cancellationToken);

    public Task<bool> DeleteAsync(string supplierId, PricingRuleKind kind, string id, CancellationToken cancellationToken) =>
        CosmosContainers.DeleteAsync(cosmos.Get(Containers.Catalog), Prefix(kind) + id, supplierId, cancellationToken);

    public async Task<Versioned<PricingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken) =>
        await CosmosContainers.ReadAsync<PricingSettings>(cosmos.Get(Containers.Catalog), SettingsId, supplierId, cancellationToken).ConfigureAwait(false) is { } found
            ? new Versioned<PricingSettings>(found.Data, found.ETag!)
            : Versions.NotStored(PricingSettings.Default);

    public Task<Versioned<PricingSettings>> SaveSettingsAsync(string supplierId, PricingSettings settings, string? ifMatch, CancellationToken cancellationToken) =>
        WriteAsync(new Document<PricingSettings> { Id = SettingsId, Pk = supplierId, Type = SettingsId, Data = settings }, ifMatch, "The pricing settings", cancellationToken);

    private Task<Versioned<T>> WriteAsync<T>(Document<T> document, string? ifMatch, string what, CancellationToken cancellationToken) =>
        CosmosContainers.CreateOrReplaceAsync(cosmos.Get(Containers.Catalog), document, ifMatch, what, cancellationToken);

    public async Task<IReadOnlyDictionary<string, int>> PromotionUsesAsync(string supplierId, string buyerId, CancellationToken cancellationToken) =>
        (await CosmosContainers.ReadAsync<Dictionary<string, int>>(cosmos.Get(Containers.Catalog), $"promotionUses:{buyerId}", supplierId, cancellationToken).ConfigureAwait(false))?.Data
        ?? new Dictionary<string, int>();

    public async Task<IReadOnlyList<PriceEntry>> EntriesAsync(string supplierId, IReadOnlyCollection<string> listIds, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@skus, c.data.sku) AND ARRAY_CONTAINS(@lists, c.data.priceListId)")
            .WithParameter("@type", "price")
            .WithParameter("@skus", skus.ToArray())
            .WithParameter("@lists", listIds.ToArray());
        return (await CosmosContainers.QueryAsync<PriceEntry>(cosmos.Get(Containers.Catalog), supplierId, query, cancellationToken).ConfigureAwait(false)).Select(d => d.Data).ToArray();
    }

    private static string Prefix(PricingRuleKind kind) => kind switch
    {
        PricingRuleKind.Lists => "priceList:",
        PricingRuleKind.Discounts => "discount:",
        PricingRuleKind.VolumeDiscounts => "volumeDiscount:",
        PricingRuleKind.Promotions => "promotion:",
        _ => "quantityRule:",
    };
}
