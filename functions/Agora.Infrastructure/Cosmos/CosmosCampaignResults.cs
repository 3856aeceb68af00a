using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>The counters of a campaign: one <c>campaignResults:{campaignId}</c> item in the supplier's partition of
/// <c>organizations</c>, added to by patch <c>incr</c> (atomic on the item: concurrent adders never lose a count, and never
/// race on an ETag), and each key applied once.
/// <para>Once: Cosmos has no transaction across items, so the counter item says which keys are being applied and a marker
/// item (<c>requests</c>, <c>campaignKey:{hash}</c>, kept 30 days: past SendGrid's 72 hours of retries and any run's) says
/// whose count of a key is the one that stands. An adder (1) stops if the marker is there; (2) patches the counters and
/// sets <c>inflight.{hash}</c> to a token of its own in the same patch, on the condition that the slot is not set (or, when
/// it is, reads whose token holds it); (3) creates the marker naming the token that counted; (4) removes the slot if it
/// holds that token. The marker is created once: an adder whose count got in after an earlier adder had finished all four
/// steps (its step 1 read before that marker existed, its step 2 after that slot was gone) finds the marker naming another
/// token and takes its count back, in one patch with its slot. An adder that crashed after (2) leaves its slot: the retry
/// cannot count (the slot is set), writes the marker for that token and removes it. A crash while taking a count back
/// leaves that count, and its slot for good. Four requests per key, six for a duplicate that raced; the webhook's keys are
/// one per email and kind of event.</para>
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
        if (await CosmosContainers.ReadAsync<JsonElement>(Markers, marker, marker, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var fields = Fields(increment);
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var holder = await ApplyAsync(supplierId, id, slot, token, fields, cancellationToken).ConfigureAwait(false);
        if (holder is null)
        {
            return; // the slot is gone: whoever held it created the marker first
        }

        var standing = holder;
        try
        {
            await CosmosContainers.CreateAsync(Markers, new Document<string> { Id = marker, Pk = marker, Type = "campaignKey", Data = holder, Ttl = KeepMarkersSeconds },
                "The key was counted meanwhile.", cancellationToken).ConfigureAwait(false);
        }
        catch (DomainException e) when (e.IsWriteConflict)
        {
            var recorded = await CosmosContainers.ReadAsync<JsonElement>(Markers, marker, marker, cancellationToken).ConfigureAwait(false);
            standing = recorded?.Data.ValueKind == JsonValueKind.String ? recorded.Data.GetString() : null;
            if (holder == token && standing != token)
            {
                await TakeBackAsync(supplierId, id, slot, token, fields, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        if (standing is not null)
        {
            await RemoveSlotAsync(supplierId, id, slot, standing, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<CampaignCounts> GetAsync(string supplierId, string campaignId, CancellationToken cancellationToken)
    {
        var stored = await CosmosContainers.ReadAsync<Stored>(Counters, IdOf(supplierId, campaignId), supplierId, cancellationToken).ConfigureAwait(false);
        return stored?.Data.ToCounts() ?? new CampaignCounts(Revenue: new Dictionary<string, decimal>());
    }

    /// <summary>Counts the fields and puts <paramref name="token"/> in the key's slot, in one atomic write (a patch when it
    /// fits one, else a replace on the version read), unless the slot is set. Returns the token holding the slot after it:
    /// <paramref name="token"/> when this call counted, another adder's, or null when the slot is already gone.</summary>
    private async Task<string?> ApplyAsync(string supplierId, string id, string slot, string token, Dictionary<string, long> fields, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var slotWasSet = false;
            if (fields.Count + 1 <= MaxPatchOperations)
            {
                List<PatchOperation> operations = [.. fields.Select(f => PatchOperation.Increment($"/data/{f.Key}", f.Value)), PatchOperation.Set($"/data/inflight/{slot}", token)];
                try
                {
                    await Counters.PatchItemAsync<object>(id, new PartitionKey(supplierId), operations,
                        new PatchItemRequestOptions { FilterPredicate = $"FROM c WHERE NOT IS_DEFINED(c.data.inflight.{slot})", EnableContentResponseOnWrite = false },
                        cancellationToken).ConfigureAwait(false);
                    return token;
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
                {
                    slotWasSet = true; // an earlier or concurrent adder of this key holds the slot: read whose below
                }
                catch (CosmosException e) when (e.StatusCode == HttpStatusCode.NotFound)
                {
                    // The campaign's first count: created below.
                }
            }

            var current = await CosmosContainers.ReadAsync<Stored>(Counters, id, supplierId, cancellationToken).ConfigureAwait(false);
            if (current?.Data.Inflight is { } inflight && inflight.TryGetValue(slot, out var holder))
            {
                return holder;
            }

            if (current is not null && fields.Count + 1 <= MaxPatchOperations)
            {
                if (slotWasSet)
                {
                    return null; // the patch found the slot set, and it is gone now: its adder finished
                }

                continue; // created meanwhile by another key's adder: patch it
            }

            var document = new Document<Stored> { Id = id, Pk = supplierId, Type = Type, Data = (current?.Data ?? Stored.Empty).Plus(fields, 1, slot, token) };
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

                return token;
            }
            catch (DomainException e) when (e.IsWriteConflict && attempt < 20)
            {
                // Another adder wrote first: count on its version.
            }
        }
    }

    /// <summary>Takes back the count this adder made after the key had been counted and finished by another, with its slot.</summary>
    private async Task TakeBackAsync(string supplierId, string id, string slot, string token, Dictionary<string, long> fields, CancellationToken cancellationToken)
    {
        if (fields.Count + 1 <= MaxPatchOperations)
        {
            List<PatchOperation> operations = [.. fields.Select(f => PatchOperation.Increment($"/data/{f.Key}", -f.Value)), PatchOperation.Remove($"/data/inflight/{slot}")];
            try
            {
                await Counters.PatchItemAsync<object>(id, new PartitionKey(supplierId), operations,
                    new PatchItemRequestOptions { FilterPredicate = $"FROM c WHERE c.data.inflight.{slot} = '{token}'", EnableContentResponseOnWrite = false },
                    cancellationToken).ConfigureAwait(false);
            }
            catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                // Taken back already (a retry of this call).
            }

            return;
        }

        await Concurrency.RetryAsync("The campaign's results", async _ =>
        {
            var current = await CosmosContainers.ReadAsync<Stored>(Counters, id, supplierId, cancellationToken).ConfigureAwait(false);
            if (current?.Data.Inflight is { } inflight && inflight.GetValueOrDefault(slot) == token)
            {
                await CosmosContainers.ReplaceAsync(Counters, new Document<Stored> { Id = id, Pk = supplierId, Type = Type, Data = current.Data.Plus(fields, -1, slot, null) },
                    current.ETag, "The campaign's results", cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    /// <summary>Frees the key's slot once the marker names the count that stands (only if that count's token holds it: an
    /// adder taking its count back removes its own).</summary>
    private async Task RemoveSlotAsync(string supplierId, string id, string slot, string token, CancellationToken cancellationToken)
    {
        try
        {
            await Counters.PatchItemAsync<object>(id, new PartitionKey(supplierId), [PatchOperation.Remove($"/data/inflight/{slot}")],
                new PatchItemRequestOptions { FilterPredicate = $"FROM c WHERE c.data.inflight.{slot} = '{token}'", EnableContentResponseOnWrite = false }, cancellationToken).ConfigureAwait(false);
        }
        catch (CosmosException e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            // Removed first by another adder of the same key.
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
        IReadOnlyDictionary<string, long> Revenue, IReadOnlyDictionary<string, string> Inflight)
    {
        public static readonly Stored Empty = new(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, long>(), new Dictionary<string, string>());

        /// <summary>These counts plus <paramref name="sign"/> × the fields, with the slot holding <paramref name="token"/>
        /// (removed when null).</summary>
        public Stored Plus(Dictionary<string, long> fields, int sign, string slot, string? token)
        {
            long Get(string name) => fields.TryGetValue(name, out var v) ? sign * v : 0;
            var revenue = new Dictionary<string, long>(Revenue ?? new Dictionary<string, long>(), StringComparer.Ordinal);
            foreach (var (name, value) in fields.Where(f => f.Key.StartsWith("revenue/", StringComparison.Ordinal)))
            {
                var currency = name["revenue/".Length..];
                revenue[currency] = revenue.GetValueOrDefault(currency) + (sign * value);
            }

            var inflight = new Dictionary<string, string>(Inflight ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            if (token is null)
            {
                inflight.Remove(slot);
            }
            else
            {
                inflight[slot] = token;
            }

            return new Stored(Sent + Get("sent"), Deferred + Get("deferred"), Suppressed + Get("suppressed"), Delivered + Get("delivered"), Opened + Get("opened"),
                Clicked + Get("clicked"), Bounced + Get("bounced"), SpamReports + Get("spamReports"), Unsubscribed + Get("unsubscribed"), Orders + Get("orders"),
                revenue, inflight);
        }

        public CampaignCounts ToCounts() => new(Sent, Deferred, Suppressed, Delivered, Opened, Clicked, Bounced, SpamReports, Unsubscribed, Orders,
            (Revenue ?? new Dictionary<string, long>()).ToDictionary(r => r.Key, r => r.Value / RevenueScale, StringComparer.Ordinal));
    }
}
