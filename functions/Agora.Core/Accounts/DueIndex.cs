namespace Agora.Core.Accounts;

/// <summary>Work due on a day, indexed by that day so a nightly timer reads one partition instead of scanning every
/// organization. The entry only says where to look; the organization document stays the truth.</summary>
public sealed record DueEntry(string Day, string Id, string Kind, string OrgId, DateTimeOffset DueAt)
{
    public const string InvitationExpiry = "invitationExpiry";

    public static string DayOf(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}

public interface IDueIndex
{
    Task AddAsync(DueEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<DueEntry>> ListAsync(string day, CancellationToken cancellationToken);

    Task RemoveAsync(DueEntry entry, CancellationToken cancellationToken);
}
