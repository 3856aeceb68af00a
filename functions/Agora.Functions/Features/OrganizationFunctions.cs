using Agora.Core.Accounts;
using Agora.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Agora.Functions.Features;

/// <summary>Organizations, their members and the caller's own memberships.</summary>
public sealed class OrganizationFunctions(OrganizationService organizations)
{
    [Function(nameof(CreateOrganization))]
    [Idempotent]
    [ApiOperation("Organizations", "Create an organization", Description = "The caller becomes its admin on each side it acts on (supplierAdmin, buyerAdmin).",
        Request = typeof(CreateOrganization), Response = typeof(OrganizationView), Status = 201, RoleRestricted = false, Roles = ApiRoles.SignedIn)]
    public async Task<IActionResult> CreateOrganization(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orgs")] HttpRequest req, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<CreateOrganization>(cancellationToken).ConfigureAwait(false);
        var created = await organizations.CreateAsync(req.Caller(), input, cancellationToken).ConfigureAwait(false);
        return Api.Created(req, created.Value.Id, created);
    }

    [Function(nameof(GetOrganization))]
    [ApiOperation("Organizations", "Read an organization the caller belongs to", Response = typeof(OrganizationView), RoleRestricted = false, Roles = ApiRoles.AnyMember)]
    public async Task<IActionResult> GetOrganization(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Ok(req, await organizations.GetAsync(req.Caller(), orgId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(UpdateOrganization))]
    [ApiOperation("Organizations", "Change an organization's profile", Description = "Admins only. Capabilities can be added (the caller becomes the new side's admin), not removed.",
        Request = typeof(UpdateOrganization), Response = typeof(OrganizationView), IfMatch = true, Roles = ApiRoles.Admins)]
    public async Task<IActionResult> UpdateOrganization(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{orgId}")] HttpRequest req, string orgId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<UpdateOrganization>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(req, await organizations.UpdateAsync(req.Caller(), orgId, input, req.IfMatch(), cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(ListMembers))]
    [ApiOperation("Members", "List an organization's members", Response = typeof(IReadOnlyList<Member>), RoleRestricted = false, Roles = ApiRoles.AnyMember)]
    public async Task<IActionResult> ListMembers(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orgs/{orgId}/members")] HttpRequest req, string orgId, CancellationToken cancellationToken) =>
        Api.Ok(await organizations.ListMembersAsync(req.Caller(), orgId, cancellationToken).ConfigureAwait(false));

    [Function(nameof(SetMember))]
    [ApiOperation("Members", "Add a person or change their roles", Description = "Supplier roles are granted by a supplierAdmin, buyer roles by a buyerAdmin; each side keeps at least one admin.",
        Request = typeof(SetMember), Response = typeof(Member), Roles = ApiRoles.Admins)]
    public async Task<IActionResult> SetMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "orgs/{orgId}/members/{userId}")] HttpRequest req, string orgId, string userId, CancellationToken cancellationToken)
    {
        var input = await req.ReadJsonAsync<SetMember>(cancellationToken).ConfigureAwait(false);
        return Api.Ok(await organizations.SetMemberAsync(req.Caller(), orgId, userId, input, cancellationToken).ConfigureAwait(false));
    }

    [Function(nameof(RemoveMember))]
    [ApiOperation("Members", "Remove a person from an organization", Description = "Admins remove the people whose roles they administer; anyone may leave.", Status = 204, Roles = ApiRoles.Admins)]
    public async Task<IActionResult> RemoveMember(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "orgs/{orgId}/members/{userId}")] HttpRequest req, string orgId, string userId, CancellationToken cancellationToken)
    {
        await organizations.RemoveMemberAsync(req.Caller(), orgId, userId, cancellationToken).ConfigureAwait(false);
        return Api.NoContent();
    }

    [Function(nameof(GetMe))]
    [ApiOperation("Me", "The caller and the organizations they belong to", Response = typeof(UserProfile), RoleRestricted = false, Roles = ApiRoles.SignedIn)]
    public async Task<IActionResult> GetMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "me")] HttpRequest req, CancellationToken cancellationToken) =>
        Api.Ok(await organizations.MeAsync(req.Caller(), cancellationToken).ConfigureAwait(false));
}
