using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Marketing's documents in the supplier's partition of <c>organizations</c> (decision 0021): settings, campaigns,
/// runs, customer signals, cart signals, sequence states and each address's recent sends. One supplier's marketing is one
/// logical partition (20 GB; 10,000 RU/s in Azure): a campaign to 10,000 people reads and writes ~20,000 small items,
/// within a partition's throughput in a few seconds. Reads of many items are single-partition queries on ids (1,000 per
/// query); writes run 16 at a time.</summary>
public sealed class CosmosMarketingStore(CosmosContainers cosmos) : IMarketingStore
{
    private const string SettingsType = "marketingSettings";
    private const string CampaignType = "campaign";
    private const string RunType = "campaignRun";
    private const string SignalsType = "customerSignals";
    private const string CartType = "cartSignal";
    private const string SendsType = "recipientSends";
    private const string SequenceType = "sequenceState";
    private const int IdsPerQuery = 1000;
    private const int Parallel = 16;

    private Container Organizations => cosmos.Get(Containers.Organizations);

    public async Task<Versioned<MarketingSettings>> SettingsAsync(string supplierId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<MarketingSettings>(Organizations, SettingsType, supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? Versions.NotStored(MarketingSettings.Default) : new Versioned<MarketingSettings>(document.Data, document.ETag!);
    }

    public Task<Versioned<MarketingSettings>> SaveSettingsAsync(string supplierId, MarketingSettings settings, string? ifMatch, CancellationToken cancellationToken) =>
        CosmosContainers.CreateOrReplaceAsync(Organizations, new Document<MarketingSettings> { Id = SettingsType, Pk = supplierId, Type = SettingsType, Data = settings }, ifMatch,
            "The marketing settings", cancellationToken);

    public async Task<Versioned<Campaign>?> FindCampaignAsync(string supplierId, string campaignId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<Campaign>(Organizations, CampaignId(campaignId), supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<Campaign>(document.Data, document.ETag!);
    }

    public async Task<Versioned<Campaign>> CreateCampaignAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var etag = await CosmosContainers.CreateAsync(Organizations, Of(campaign), $"Campaign '{campaign.Id}' already exists.", cancellationToken).ConfigureAwait(false);
        return new Versioned<Campaign>(campaign, etag);
    }

    public async Task<Versioned<Campaign>> ReplaceCampaignAsync(Campaign campaign, string ifMatch, CancellationToken cancellationToken)
    {
        var etag = await CosmosContainers.ReplaceAsync(Organizations, Of(campaign), ifMatch, "The campaign", cancellationToken).ConfigureAwait(false);
        return new Versioned<Campaign>(campaign, etag);
    }

    public Task<Page<Campaign>> ListCampaignsAsync(string supplierId, CampaignStatus? status, string? after, int limit, CancellationToken cancellationToken) =>
        CosmosContainers.PageAsync<Campaign>(Organizations, supplierId, CampaignType, after, limit,
            status is null ? null : "c.data.status = @status",
            status is null ? null : new Dictionary<string, object> { ["@status"] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(status.Value.ToString()) },
            cancellationToken);

    public async Task<Versioned<CustomerSignals>?> FindSignalsAsync(string supplierId, string buyerId, CancellationToken cancellationToken)
    {
        var document = await CosmosContainers.ReadAsync<CustomerSignals>(Organizations, SignalsId(buyerId), supplierId, cancellationToken).ConfigureAwait(false);
        return document is null ? null : new Versioned<CustomerSignals>(document.Data, document.ETag!);
    }

    public async Task<IReadOnlyList<CustomerSignals>> FindSignalsAsync(string supplierId, IReadOnlyCollection<string> buyerIds, CancellationToken cancellationToken) =>
        (await ManyAsync<CustomerSignals>(supplierId, SignalsType, buyerIds.Select(SignalsId), cancellationToken).ConfigureAwait(false)).Select(d => d.Data).ToArray();

    public async Task SaveSignalsAsync(CustomerSignals signals, string? ifMatch, CancellationToken cancellationToken)
    {
        var document = new Document<CustomerSignals>
        {
            Id = SignalsId(signals.BuyerId),
            Pk = signals.SupplierId,
            Type = SignalsType,
            Data = signals,
            Index = new Dictionary<string, object?> { ["inactiveAt"] = signals.InactiveAt is { } at ? Instant(at) : null },
        };
        if (ifMatch is null)
        {
            _ = await CosmosContainers.CreateAsync(Organizations, document, "The customer's signals were written meanwhile.", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _ = await CosmosContainers.ReplaceAsync(Organizations, document, ifMatch, "The customer's signals", cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<CustomerSignals>> InactiveAsync(string supplierId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND c.index.inactiveAt >= @from AND c.index.inactiveAt <= @to")
            .WithParameter("@type", SignalsType).WithParameter("@from", Instant(from)).WithParameter("@to", Instant(to));
        return (await CosmosContainers.QueryAsync<CustomerSignals>(Organizations, supplierId, query, cancellationToken).ConfigureAwait(false)).Select(d => d.Data).ToArray();
    }

    public Task SaveCartSignalAsync(CartSignal signal, CancellationToken cancellationToken) =>
        CosmosContainers.UpsertAsync(Organizations, new Document<CartSignal>
        {
            Id = CartId(signal.CartId),
            Pk = signal.SupplierId,
            Type = CartType,
            Data = signal,
            Index = new Dictionary<string, object?> { ["lastActivityAt"] = Instant(signal.LastActivityAt) },
        }, cancellationToken);

    public Task RemoveCartSignalAsync(string supplierId, string cartId, CancellationToken cancellationToken) =>
        CosmosContainers.DeleteAsync(Organizations, CartId(cartId), supplierId, cancellationToken);

    public async Task<IReadOnlyList<CartSignal>> IdleCartsAsync(string supplierId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND c.index.lastActivityAt >= @from AND c.index.lastActivityAt <= @to")
            .WithParameter("@type", CartType).WithParameter("@from", Instant(from)).WithParameter("@to", Instant(to));
        return (await CosmosContainers.QueryAsync<CartSignal>(Organizations, supplierId, query, cancellationToken).ConfigureAwait(false)).Select(d => d.Data).ToArray();
    }

    public async Task<CampaignRun?> FindRunAsync(string supplierId, string campaignId, string runKey, CancellationToken cancellationToken) =>
        (await CosmosContainers.ReadAsync<CampaignRun>(Organizations, RunId(campaignId, runKey), supplierId, cancellationToken).ConfigureAwait(false))?.Data;

    public Task SaveRunAsync(CampaignRun run, CancellationToken cancellationToken) =>
        CosmosContainers.UpsertAsync(Organizations, new Document<CampaignRun> { Id = RunId(run.CampaignId, run.RunKey), Pk = run.SupplierId, Type = RunType, Data = run }, cancellationToken);

    public async Task<bool> ClaimRunAsync(CampaignRun fresh, string holder, DateTimeOffset until, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = RunId(fresh.CampaignId, fresh.RunKey);
        var current = await CosmosContainers.ReadAsync<CampaignRun>(Organizations, id, fresh.SupplierId, cancellationToken).ConfigureAwait(false);
        if (current?.Data is { Holder: { } other, ClaimedUntil: { } held } && other != holder && held > now)
        {
            return false;
        }

        var claimed = new Document<CampaignRun> { Id = id, Pk = fresh.SupplierId, Type = RunType, Data = (current?.Data ?? fresh) with { Holder = holder, ClaimedUntil = until } };
        try
        {
            _ = current is null
                ? await CosmosContainers.CreateAsync(Organizations, claimed, "The run was claimed meanwhile.", cancellationToken).ConfigureAwait(false)
                : await CosmosContainers.ReplaceAsync(Organizations, claimed, current.ETag, "The run", cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DomainException e) when (e.IsWriteConflict)
        {
            return false;
        }
    }

    public async Task<IReadOnlyDictionary<string, RecipientSends>> SendsAsync(string supplierId, IReadOnlyCollection<string> emails, CancellationToken cancellationToken) =>
        (await ManyAsync<RecipientSends>(supplierId, SendsType, emails.Select(SendsId), cancellationToken).ConfigureAwait(false))
            .ToDictionary(d => d.Data.Email.ToLowerInvariant(), d => d.Data, StringComparer.Ordinal);

    public Task SaveSendsAsync(string supplierId, IReadOnlyList<RecipientSends> sends, CancellationToken cancellationToken) =>
        System.Threading.Tasks.Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (s, ct) =>
            await CosmosContainers.UpsertAsync(Organizations, new Document<RecipientSends> { Id = SendsId(s.Email), Pk = supplierId, Type = SendsType, Data = s }, ct).ConfigureAwait(false));

    public async Task<IReadOnlyDictionary<string, SequenceState>> SequencesAsync(string supplierId, string campaignId, IReadOnlyCollection<string> subjectIds, CancellationToken cancellationToken) =>
        (await ManyAsync<SequenceState>(supplierId, SequenceType, subjectIds.Select(s => SequenceId(campaignId, s)), cancellationToken).ConfigureAwait(false))
            .ToDictionary(d => d.Data.SubjectId, d => d.Data, StringComparer.Ordinal);

    public Task SaveSequencesAsync(string supplierId, IReadOnlyList<SequenceState> states, CancellationToken cancellationToken) =>
        System.Threading.Tasks.Parallel.ForEachAsync(states, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = cancellationToken }, async (s, ct) =>
            await CosmosContainers.UpsertAsync(Organizations, new Document<SequenceState> { Id = SequenceId(s.CampaignId, s.SubjectId), Pk = supplierId, Type = SequenceType, Data = s }, ct).ConfigureAwait(false));

    private async Task<IReadOnlyList<Document<T>>> ManyAsync<T>(string supplierId, string type, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var all = ids.Distinct(StringComparer.Ordinal).ToArray();
        var found = new List<Document<T>>(all.Length);
        foreach (var chunk in all.Chunk(IdsPerQuery))
        {
            var query = new QueryDefinition("SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)")
                .WithParameter("@type", type).WithParameter("@ids", chunk);
            found.AddRange(await CosmosContainers.QueryAsync<T>(Organizations, supplierId, query, cancellationToken).ConfigureAwait(false));
        }

        return found;
    }

    private static Document<Campaign> Of(Campaign c) => new() { Id = CampaignId(c.Id), Pk = c.SupplierId, Type = CampaignType, SortKey = c.Id, Data = c };

    private static string CampaignId(string id) => $"campaign:{id}";

    private static string RunId(string campaignId, string runKey) => $"campaignRun:{campaignId}:{runKey}";

    private static string SignalsId(string buyerId) => $"signals:{buyerId}";

    private static string CartId(string cartId) => $"cartSignal:{cartId}";

    private static string SequenceId(string campaignId, string subjectId) => $"sequence:{campaignId}:{subjectId}";

    /// <summary>An address's item id: a hash, as addresses may hold characters Cosmos ids may not ('/', '#', '?').</summary>
    private static string SendsId(string email) =>
        "sends:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email.Trim().ToLowerInvariant())))[..40];

    /// <summary>Instants as sortable UTC text, so range filters compare them in order.</summary>
    private static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
}
