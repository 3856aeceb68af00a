using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Testing;

namespace Agora.Functions.Tests;

/// <summary>The invitation path end to end: HTTP creates it, the notifications queue trigger emails it through the SendGrid
/// client (to the local mail sink), the invitee accepts over HTTP, and the nightly timer expires the unanswered ones.</summary>
[Collection(BackendCollection.Name)]
public sealed class InvitationFlowTests(BackendFixture backend)
{

    [Fact]
    public async Task An_invitee_gets_an_email_with_the_link_and_becomes_a_member_by_accepting()
    {
        var org = await backend.OrganizationAsync("inv-admin", ["buyer"]);
        using var admin = backend.As("inv-admin", "inv-admin@test.example", "Ines Admin");
        var invitee = $"{Guid.NewGuid():N}@test.example";

        var created = await admin.PostAsJsonAsync($"/api/orgs/{org}/invitations", new { email = invitee, roles = new[] { "approver" } });
        var invitationId = (string)(await BackendFixture.Json(created))["id"]!;
        var mail = await backend.MailToAsync(invitee);
        using var newcomer = backend.As("newcomer-" + invitationId, invitee, "New Comer");
        var accepted = await newcomer.PostAsync($"/api/orgs/{org}/invitations/{invitationId}/accept", null);
        var members = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{org}/members"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains($"https://portal.test/invitations/{org}/{invitationId}", (string?)mail["text"], StringComparison.Ordinal);
        Assert.Contains("Ines Admin", (string?)mail["subject"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains(members.AsArray(), m => (string?)m!["userId"] == "newcomer-" + invitationId && (string?)m["roles"]![0] == "approver");
    }

    [Fact]
    public async Task Holding_the_link_is_not_enough_with_another_email_and_a_made_up_id_is_not_found()
    {
        var org = await backend.OrganizationAsync("inv-admin2", ["buyer"]);
        using var admin = backend.As("inv-admin2", "inv-admin2@test.example");
        var created = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{org}/invitations", new { email = "right@test.example", roles = new[] { "viewer" } }));
        using var other = backend.As("wrong-person", "wrong@test.example");

        var wrongEmail = await other.PostAsync($"/api/orgs/{org}/invitations/{(string)created["id"]!}/accept", null);
        var madeUp = await other.PostAsync($"/api/orgs/{org}/invitations/01madeup/accept", null);

        Assert.Equal(HttpStatusCode.Forbidden, wrongEmail.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, madeUp.StatusCode);
    }

    [Fact]
    public async Task The_nightly_timer_expires_an_unanswered_invitation_and_emails_the_inviter_once()
    {
        var inviter = $"{Guid.NewGuid():N}@test.example";
        var org = await backend.OrganizationAsync("inv-admin3", ["supplier"]);
        using var admin = backend.As("inv-admin3", inviter);
        var created = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{org}/invitations", new { email = "late@test.example", roles = new[] { "warehouse" } }));
        backend.Clock.Advance(TimeSpan.FromDays(8));

        await backend.RunFunctionAsync("ExpireInvitations");
        var mail = await backend.MailToAsync(inviter);
        var etag = (await admin.GetAsync($"/api/orgs/{org}")).Headers.ETag;
        await backend.RunFunctionAsync("ExpireInvitations"); // awaited: a second run that queued another email would have changed the organization (its outbox)
        var etagAfterSecondRun = (await admin.GetAsync($"/api/orgs/{org}")).Headers.ETag;
        var invitations = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{org}/invitations"));

        Assert.Contains("expired", (string?)mail["subject"], StringComparison.Ordinal);
        Assert.Single((await backend.MailAsync()).OfType<JsonObject>(), m => (string?)m["to"] == inviter);
        Assert.Equal(etag, etagAfterSecondRun);
        Assert.Equal("expired", (string?)invitations.AsArray().Single(i => (string?)i!["id"] == (string?)created["id"])!["status"]);
    }
}
