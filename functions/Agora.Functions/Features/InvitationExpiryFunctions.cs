using Agora.Core.Accounts;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Nightly: expires unanswered invitations and tells whoever sent them. The schedule is the app setting
/// <c>InvitationExpirySchedule</c> (six-field cron, UTC).</summary>
public sealed class InvitationExpiryFunctions(OrganizationService organizations)
{
    [Function(nameof(ExpireInvitations))]
    public Task ExpireInvitations([TimerTrigger("%InvitationExpirySchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        organizations.ExpireInvitationsAsync(cancellationToken);
}
