using System.Net;
using System.Security.Cryptography;
using System.Text;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>The counters of a campaign: one <c>campaignResults:{campaignId}</c> item in the supplier's partition of
/// <c>organizations</c>, added to by patch <c>incr</c> (atomic on the item: concurrent adders never lose a count, and never
/// race on an ETag), and each key applied once.
/// <para>Once: Cosmos has no transaction across items, so the counter item itself says which keys are being applied.
/// Adding (1) reads the key's marker (<c>requests</c>, <c>campaignKey:{hash}</c>, kept 30 days: past SendGrid's 72 hours of
/// retries and any run's) and stops if it is there; (2) patches the counters and sets <c>inflight.{hash}</c> in the same
/// patch, on the condition that it is not set; (3) writes the marker; (4) removes <c>inflight.{hash}</c>. An adder that
/// crashed after (2) leaves the key in flight: the retry's patch fails its condition (nothing counted twice) and it
/// writes the marker. One that crashed after (3) leaves an entry in <c>inflight</c> for good, a few bytes per crash.
/// Four requests per key; the webhook's keys are one per email and kind of event.</para>
/// <para>Revenue is kept per currency in ten-thousandths, as integers: <c>incr</c> adds numbers as doubles, which would
/// drift on decimal amounts.</para></summary>
public sealed class CosmosCampaignResults(CosmosContainers cosmos) : ICampaignResults
{
    private const string Type = "campaignResults";
    private const int KeepMarkersSeconds = 30 * 24 * 3600;
    private const decimal RevenueScale = 10_000m;

    /// <summary>Cosmos DB's limit of operations per patch; an increment of more fields goes by read and replace (ETag).</summary>
    private const int MaxPatchOperations = 10;

    private Container Counters => cosmos.Get(Containers.Organizations);

    private Container Markers => cosmos.Get(Containers.Requests);

    public async Task AddAsync(string supplierId, string campaignId, string key, CampaignCounts increment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(increment);
        var id = IdOf(supplierId, campaignId);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{supplierId}\n{campaignId}\n{key}")))[..32];
        var marker = $"campaignKey:{hash}";
        var slot = $"k{hash}";
        if (await CosmosContainers.ReadAsync<bool>(Markers, marker, marker, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var fields = Fields(increment);
        await ApplyAsync(supplierId, id, slot, fields, cancellationToken).ConfigureAwait(false);
        await CosmosContainers.UpsertAsync(Markers, new Document<bool> { Id = marker, Pk = marker, Type = "campaignKey", Data = true, Ttl = KeepMarkersSeconds }, cancellationToken).ConfigureAwait(false);
        try
        {
            await Counters.PatchItemAsync<object>(id, new PartitionKey(supplierId), [PatchOperation.Remove($"/data/inflight/{slot}")],
                new PatchItemRequestOptions { FilterPredicate = $"FROM c WHERE IS_DEFINED(c.data.inflight.{slot})", EnableContentResponseOnWrite = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            // A concurrent adder of the same key removed it first.
        }
    }

    public async Task<CampaignCounts> GetAsync(string supplierId, string campaignId, CancellationToken cancellationToken)
    {
        var stored = await CosmosContainers.ReadAsync<Stored>(Counters, IdOf(supplierId, campaignId), supplierId, cancellationToken).ConfigureAwait(false);
        return stored?.Data.ToCounts() ?? new CampaignCounts(Revenue: new Dictionary<string, decimal>());
    }

    /// <summary>Counts the fields and marks the key in flight, in one atomic write: a patch when it fits one, else a
    /// replace on the version read.</summary>
    private async Task ApplyAsync(string supplierId, string id, string slot, Dictionary<string, long> fields, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (fields.Count + 1 <= MaxPatchOperations)
            {
                List<PatchOperation> operations = [.. fields.Select(f => PatchOperation.Increment($"/data/{f.Key}", f.Value)), PatchOperation.Set($"/data/inflight/{slot}", true)];
                try
                {
                    await Counters.PatchItemAsync<object>(id, new PartitionKey(supplierId), operations,
                        new PatchItemRequestOptions { FilterPredicate = $"FROM c WHERE NOT IS_DEFINED(c.data.inflight.{slot})", EnableContentResponseOnWrite = false },
                        cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    return; // an earlier or concurrent adder of this key counted it
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    // The campaign's first count: created below.
                }
            }

            var current = await CosmosContainers.ReadAsync<Stored>(Counters, id, supplierId, cancellationToken).ConfigureAwait(false);
            if (current?.Data.Inflight.ContainsKey(slot) == true)
            {
                return;
            }

            var next = (current?.Data ?? Stored.Empty).Plus(fields, slot);
            var document = new Document<Stored> { Id = id, Pk = supplierId, Type = Type, Data = next };
            try
            {
                if (current is null)
                {
                    await CosmosContainers.CreateAsync(Counters, document, "The campaign's results were created meanwhile.", cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await CosmosContainers.ReplaceAsync(Counters, document, current.ETag, "The campaign's results", cancellationToken).ConfigureAwait(false);
                }

                return;
            }
            catch (DomainException e) when (e.IsWriteConflict && attempt < 20)
            {
                // Another adder wrote first: count on its version.
            }
        }
    }

    /// <summary>The increment as paths under <c>data</c> and integer amounts; revenue per ISO 4217 code.</summary>
    private static Dictionary<string, long> Fields(CampaignCounts c)
    {
        var fields = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["sent"] = c.Sent, ["deferred"] = c.Deferred, ["suppressed"] = c.Suppressed, ["delivered"] = c.Delivered,
            ["opened"] = c.Opened, ["clicked"] = c.Clicked, ["bounced"] = c.Bounced, ["spamReports"] = c.SpamReports,
            ["unsubscribed"] = c.Unsubscribed, ["orders"] = c.Orders,
        };
        foreach (var (currency, amount) in c.Revenue ?? new Dictionary<string, decimal>())
        {
            if (!Currency.IsKnown(currency))
            {
                throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code.", nameof(c));
            }

            fields[$"revenue/{currency}"] = decimal.ToInt64(decimal.Round(amount * RevenueScale, MidpointRounding.AwayFromZero));
        }

        return fields.Where(f => f.Value != 0).ToDictionary(StringComparer.Ordinal);
    }

    private static string IdOf(string supplierId, string campaignId) =>
        Ids.IsWellFormed(supplierId) && Ids.IsWellFormed(campaignId)
            ? $"{Type}:{campaignId}"
            : throw new ArgumentException($"'{supplierId}' / '{campaignId}' is not a supplier and campaign id (letters, digits, '-', '_', '.').");

    private sealed record Stored(
        long Sent, long Deferred, long Suppressed, long Delivered, long Opened, long Clicked, long Bounced, long SpamReports, long Unsubscribed, long Orders,
        IReadOnlyDictionary<string, long> Revenue, IReadOnlyDictionary<string, bool> Inflight)
    {
        public static readonly Stored Empty = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, long>(), new Dictionary<string, bool>());

        public Stored Plus(Dictionary<string, long> fields, string slot)
        {
            long Get(string name) => fields.TryGetValue(name, out var v) ? v : 0;
            var revenue = new Dictionary<string, long>(Revenue, StringComparer.Ordinal);
            foreach (var (name, value) in fields.Where(f => f.Key.StartsWith("revenue/", StringComparison.Ordinal)))
            {
                var currency = name["revenue/".Length..];
                revenue[currency] = revenue.GetValueOrDefault(currency) + value;
            }

            return new Stored(Sent + Get("sent"), Deferred + Get("deferred"), Suppressed + Get("suppressed"), Delivered + Get("delivered"), Opened + Get("opened"),
                Clicked + Get("clicked"), Bounced + Get("bounced"), SpamReports + Get("spamReports"), Unsubscribed + Get("unsubscribed"), Orders + Get("orders"),
                revenue, new Dictionary<string, bool>(Inflight, StringComparer.Ordinal) { [slot] = true });
        }

        public CampaignCounts ToCounts() => new(Sent, Deferred, Suppressed, Delivered, Opened, Clicked, Bounced, SpamReports, Unsubscribed, Orders,
            (Revenue ?? new Dictionary<string, long>()).ToDictionary(r => r.Key, r => r.Value / RevenueScale, StringComparer.Ordinal));
    }
}
