using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Testing;

namespace Agora.Functions.Tests;

/// <summary>Opening customer accounts end to end: what the answer tells about the organization named as the buyer.</summary>
[Collection(BackendCollection.Name)]
public sealed class CustomerAccountTests(BackendFixture backend)
{
    private static object Account(string buyerId, string? salesManagerId = null) =>
        new { buyerId, category = "retail", paymentTermsDays = new[] { 30 }, incoterm = "FOB", creditLimit = 100, salesManagerId };

    [Fact]
    public async Task The_answer_does_not_tell_whether_an_organization_exists_or_buys()
    {
        var supplier = await backend.OrganizationAsync("ca-admin", ["supplier"], ("ca-sales", ["salesManager"]), ("ca-sales2", ["salesManager"]));
        var buyer = await backend.OrganizationAsync("ca-buyer", ["buyer"]);
        var seller = await backend.OrganizationAsync("ca-seller", ["supplier"]);
        var nobody = SharedEmulators.Unique("org");
        using var admin = backend.As("ca-admin", "ca-admin@test.example");
        using var sales = backend.As("ca-sales", "ca-sales@test.example");

        // A sales manager may not open an account for another manager: refused before the buyer is looked up.
        var forReal = await sales.PostAsJsonAsync($"/api/orgs/{supplier}/customers", Account(buyer, "ca-sales2"));
        var forNobody = await sales.PostAsJsonAsync($"/api/orgs/{supplier}/customers", Account(nobody, "ca-sales2"));

        // Whoever may open accounts: a missing organization and one that does not buy get the same answer.
        var missing = await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers", Account(nobody));
        var notBuying = await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers", Account(seller));

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (forReal.StatusCode, forNobody.StatusCode));
        Assert.Equal(await DetailAsync(forReal), await DetailAsync(forNobody));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (missing.StatusCode, notBuying.StatusCode));
        Assert.Equal((await ErrorsAsync(missing)).Replace(nobody, "{id}", StringComparison.Ordinal), (await ErrorsAsync(notBuying)).Replace(seller, "{id}", StringComparison.Ordinal));
    }

    private static async Task<string?> DetailAsync(HttpResponseMessage response) => (string?)(await BackendFixture.Json(response))["detail"];

    private static async Task<string> ErrorsAsync(HttpResponseMessage response) => (await BackendFixture.Json(response))["errors"]!.ToJsonString();
}
