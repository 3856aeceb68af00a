using Agora.Core.Accounts;

namespace Agora.Infrastructure.Cosmos;

public sealed class CosmosUserProfileStore(CosmosContainers cosmos) : IUserProfileStore
{
    private const string Type = "user";

    public async Task<UserProfile?> FindAsync(string userId, CancellationToken cancellationToken) =>
        (await CosmosContainers.ReadAsync<UserProfile>(cosmos.Get(Containers.Users), userId, userId, cancellationToken).ConfigureAwait(false))?.Data;

    public async Task SetMembershipAsync(string userId, string? email, string? name, string orgId, UserMembership? membership, CancellationToken cancellationToken)
    {
        var container = cosmos.Get(Containers.Users);
        // Two memberships of the same person changed at once: merge again on the newer version.
        await Core.Common.Concurrency.RetryAsync($"The profile of '{userId}'", async _ =>
        {
            var current = await CosmosContainers.ReadAsync<UserProfile>(container, userId, userId, cancellationToken).ConfigureAwait(false);
            var profile = current?.Data ?? new UserProfile(userId, email, name, []);
            var memberships = profile.Memberships.Where(m => m.OrgId != orgId);
            var updated = profile with
            {
                Email = profile.Email ?? email,
                Name = profile.Name ?? name,
                Memberships = (membership is null ? memberships : memberships.Append(membership)).OrderBy(m => m.OrgId, StringComparer.Ordinal).ToArray(),
            };
            var document = new Document<UserProfile> { Id = userId, Pk = userId, Type = Type, Data = updated };
            await (current is null
                ? CosmosContainers.CreateAsync(container, document, "User profile", cancellationToken)
                : CosmosContainers.ReplaceAsync(container, document, current.ETag, "User profile", cancellationToken)).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
