using System.Net;
using System.Security.Cryptography;
using System.Text;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Cosmos;

/// <summary>Opt-outs in <c>requests</c>, one item per email, id and partition key <c>suppression:{SHA-256 of the email}</c>:
/// each address its own logical partition (no limit to meet, no hot key), found by a point read, and no email in any id
/// or log line. A batch of 1,000 recipients is 1,000 point reads kept <see cref="InFlight"/> at a time (1 RU each, a few
/// hundred milliseconds), never a query: the emulator's queries scan the whole container, and an <c>IN</c> query needs
/// one partition. Items have no ttl: an opt-out is kept until the person subscribes again.</summary>
public sealed class CosmosSuppressions(CosmosContainers cosmos) : ISuppressions
{
    public const int InFlight = 32;
    private const string Type = "suppression";

    private Container Container => cosmos.Get(Containers.Requests);

    public async Task<IReadOnlyDictionary<string, Suppression>> FindAsync(IReadOnlyCollection<string> emails, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, Suppression>(StringComparer.Ordinal);
        var distinct = emails.Select(Normalize).Where(e => e.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        await Parallel.ForEachAsync(distinct, new ParallelOptions { MaxDegreeOfParallelism = InFlight, CancellationToken = cancellationToken }, async (email, ct) =>
        {
            if (await ReadAsync(email, ct).ConfigureAwait(false) is { } stored)
            {
                found[email] = stored.Data.ToSuppression();
            }
        }).ConfigureAwait(false);
        return found;
    }

    public Task AddAsync(string email, MarketingKind? kind, string reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var address = Normalize(email);
        if (address.Length == 0)
        {
            throw new ArgumentException("An email address is needed to suppress it.", nameof(email));
        }

        return Concurrency.RetryAsync("The opt-outs of an email", async _ =>
        {
            var stored = await ReadAsync(address, cancellationToken).ConfigureAwait(false);
            var current = stored?.Data ?? new Stored(address, null, new Dictionary<string, Entry>(StringComparer.Ordinal));
            if (current.All is not null || (kind is { } k && current.Kinds.ContainsKey(k.ToString())))
            {
                return; // already suppressed for this: adding twice changes nothing
            }

            var entry = new Entry(reason, at);
            var next = kind is { } only
                ? current with { Kinds = new Dictionary<string, Entry>(current.Kinds, StringComparer.Ordinal) { [only.ToString()] = entry } }
                : current with { All = entry };
            var document = new Document<Stored> { Id = IdOf(address), Pk = IdOf(address), Type = Type, Data = next };
            if (stored is null)
            {
                await CosmosContainers.CreateAsync(Container, document, "The opt-out was recorded meanwhile.", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await CosmosContainers.ReplaceAsync(Container, document, stored.ETag, "The opt-outs of an email", cancellationToken).ConfigureAwait(false);
            }
        });
    }

    /// <summary>A point read that answers 404 without an exception: most recipients have no opt-out, and a thousand
    /// exceptions per batch would cost more than the reads.</summary>
    private async Task<Document<Stored>?> ReadAsync(string email, CancellationToken cancellationToken)
    {
        var id = IdOf(email);
        using var response = await Container.ReadItemStreamAsync(id, new PartitionKey(id), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await System.Text.Json.JsonSerializer.DeserializeAsync<Document<Stored>>(response.Content, Json.Options, cancellationToken).ConfigureAwait(false);
    }

    private static string Normalize(string email) => (email ?? string.Empty).Trim().ToLowerInvariant();

    private static string IdOf(string email) => $"{Type}:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(email)))}";

    private sealed record Entry(string Reason, DateTimeOffset At);

    /// <param name="All">Set once every kind is suppressed (a bounce, a spam report, a global unsubscribe).</param>
    /// <param name="Kinds">The kinds left one by one (their unsubscribe groups), by name.</param>
    private sealed record Stored(string Email, Entry? All, IReadOnlyDictionary<string, Entry> Kinds)
    {
        public Suppression ToSuppression()
        {
            var kinds = Kinds.Keys.Select(k => Enum.TryParse<MarketingKind>(k, out var kind) ? (MarketingKind?)kind : null).OfType<MarketingKind>().ToHashSet();
            var latest = All ?? Kinds.Values.OrderByDescending(e => e.At).FirstOrDefault() ?? new Entry(string.Empty, DateTimeOffset.MinValue);
            return new Suppression(Email, All is not null, kinds, latest.Reason, latest.At);
        }
    }
}
