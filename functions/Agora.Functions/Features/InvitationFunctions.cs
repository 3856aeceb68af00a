using Agora.Core.Accounts;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Invitations to join an organization by email.</summary>
public sealed class InvitationFunctions(OrganizationService organizations)
{
    [Function(nameof(CreateInvitation))]
    [Idempotent]
    [ApiOperation("Invitations", "Invite a person by email", Description = "Emails a link valid for 7 days. Inviting the same address again replaces the pending invitation.",
        Request = typeof(CreateInvitation), Response = typeof(InvitationView), Status = 201, Roles = ApiRoles.Admins)]
    public async Task<IActionResult> CreateInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/invitations")] HttpRequest req, string orgId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<CreateInvitation>(cancellationToken).ConfigureAwait(false);
        var invitation = await organizations.InviteAsync(req.Caller(), orgId, input, cancellationToken).ConfigureAwait(false);
        return Api.Created(req, invitation.Id, invitation);
    }

    [Function(nameof(ListInvitations))]
    [ApiOperation("Invitations", "List pending and recently closed invitations", Response = typeof(IReadOnlyList<InvitationView>), Roles = ApiRoles.Admins)]
    public async Task<IActionResult> ListInvitations(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/invitations")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Ok(await organizations.ListInvitationsAsync(req.Caller(), orgId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(RevokeInvitation))]
    [ApiOperation("Invitations", "Revoke a pending invitation", Status = 204, Roles = ApiRoles.Admins)]
    public async Task<IActionResult> RevokeInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{orgId}/invitations/{invitationId}")] HttpRequest req, string orgId, string invitationId, CancellationToken cancellationToken)
    {
        await organizations.RevokeInvitationAsync(req.Caller(), orgId, invitationId, cancellationToken).ConfigureAwait(false);
        return Api.NoContent();
    }

    [Function(nameof(AcceptInvitation))]
    [ForNonMembers]
    [ApiOperation("Invitations", "Accept an invitation",
        Description = "Send the token of the invitation email's link. The caller needs no membership, but their sign-in must carry the invited address as a verified email " +
            "(`email` with `email_verified: true`); otherwise 403. An unknown token is 404.",
        Request = typeof(InvitationAcceptance), Response = typeof(Member), RoleRestricted = false, Roles = ApiRoles.InvitationHolder)]
    public async Task<IActionResult> AcceptInvitation(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs/{orgId}/invitations/accept")] HttpRequest req, string orgId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<InvitationAcceptance>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(await organizations.AcceptInvitationAsync(req.Caller(), orgId, input, cancellationToken).ConfigureAwait(false));
    }
}
