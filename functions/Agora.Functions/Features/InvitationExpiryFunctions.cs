using Agora.Core.Accounts;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Nightly: expires unanswered invitations and tells whoever sent them. The schedule is the app setting
/// <c>InvitationExpirySchedule</c> (six-field cron, UTC).</summary>
public sealed class InvitationExpiryFunctions(OrganizationService organizations, TimeProvider clock)
{
    /// <summary>Days looked back, so that a timer that did not run for a few nights catches up.</summary>
    private const int CatchUpDays = 7;

    [Function(nameof(ExpireInvitations))]
    public async Task ExpireInvitations([TimerTrigger("%InvitationExpirySchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var today = clock.GetUtcNow();
        for (var back = CatchUpDays; back >= 0; back--)
        {
            await organizations.ExpireInvitationsAsync(DueEntry.DayOf(today.AddDays(-back)), cancellationToken).ConfigureAwait(false);
        }
    }
}
