using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

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
        var token = TokenIn(mail);
        using var newcomer = backend.As("newcomer-" + invitationId, invitee, "New Comer");
        var accepted = await newcomer.PostAsJsonAsync($"/api/orgs/{org}/invitations/accept", new { token });
        var members = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{org}/members"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains($"https://portal.test/invitations/{org}/accept?token={token}", (string?)mail["text"], StringComparison.Ordinal);
        Assert.DoesNotContain(invitationId, token, StringComparison.Ordinal);
        Assert.Contains("Ines Admin", (string?)mail["subject"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains(members.AsArray(), m => (string?)m!["userId"] == "newcomer-" + invitationId && (string?)m["roles"]![0] == "approver");
    }

    [Fact]
    public async Task A_wrong_token_is_not_found_and_the_link_alone_is_not_enough_without_the_invited_verified_email()
    {
        var org = await backend.OrganizationAsync("inv-admin2", ["buyer"]);
        using var admin = backend.As("inv-admin2", "inv-admin2@test.example");
        var invitee = $"{Guid.NewGuid():N}@test.example";
        var created = await BackendFixture.Json(await admin.PostAsJsonAsync($"/api/orgs/{org}/invitations", new { email = invitee, roles = new[] { "viewer" } }));
        var token = TokenIn(await backend.MailToAsync(invitee));
        using var other = backend.As("wrong-person", "wrong@test.example");
        using var unverified = backend.WithToken(TestTokens.For("unverified-person", invitee, emailVerified: false));
        using var right = backend.As("right-person", invitee);

        var wrongEmail = await other.PostAsJsonAsync($"/api/orgs/{org}/invitations/accept", new { token });
        var notVerified = await unverified.PostAsJsonAsync($"/api/orgs/{org}/invitations/accept", new { token });
        var madeUp = await right.PostAsJsonAsync($"/api/orgs/{org}/invitations/accept", new { token = "01madeup" });
        var byId = await right.PostAsJsonAsync($"/api/orgs/{org}/invitations/accept", new { token = (string)created["id"]! });
        var oldRoute = await right.PostAsync($"/api/orgs/{org}/invitations/{(string)created["id"]!}/accept", null);
        var noToken = await BackendFixture.Json(await right.PostAsJsonAsync($"/api/orgs/{org}/invitations/accept", new { }));
        var members = await BackendFixture.Json(await admin.GetAsync($"/api/orgs/{org}/members"));

        Assert.Equal(HttpStatusCode.Forbidden, wrongEmail.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notVerified.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, madeUp.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byId.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, oldRoute.StatusCode);
        Assert.NotNull(noToken["errors"]!["token"]);
        Assert.Single(members.AsArray());
    }

    [Fact]
    public async Task The_stored_organization_holds_the_tokens_hash_and_never_the_token()
    {
        var org = await backend.OrganizationAsync("inv-admin4", ["buyer"]);
        using var admin = backend.As("inv-admin4", "inv-admin4@test.example");
        var invitee = $"{Guid.NewGuid():N}@test.example";
        await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{org}/invitations", new { email = invitee, roles = new[] { "viewer" } }));
        var token = TokenIn(await backend.MailToAsync(invitee));
        var container = backend.Backend.Services.GetRequiredService<CosmosContainers>().Get(Containers.Organizations);

        using var stored = await container.ReadItemStreamAsync(org, new Microsoft.Azure.Cosmos.PartitionKey(org));
        var document = await new StreamReader(stored.Content).ReadToEndAsync();
        var listed = await admin.GetStringAsync($"/api/orgs/{org}/invitations");

        Assert.Contains("tokenHash", document, StringComparison.Ordinal);
        Assert.DoesNotContain(token, document, StringComparison.Ordinal);
        Assert.DoesNotContain(token, listed, StringComparison.Ordinal);
        Assert.DoesNotContain("tokenHash", listed, StringComparison.Ordinal);
    }

    private static string TokenIn(JsonObject mail) =>
        System.Text.RegularExpressions.Regex.Match((string)mail["text"]!, "accept\\?token=([A-Za-z0-9_-]+)").Groups[1].Value is { Length: > 0 } token ? token : throw new InvalidOperationException("No token in the email.");

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
