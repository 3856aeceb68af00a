using System.Net;
using Agora.Testing;
using static Agora.Functions.Tests.RouteCatalog;

namespace Agora.Functions.Tests;

/// <summary>Every HTTP route, called by a member of another organization (404: the organization's data is not disclosed),
/// and by every member of the organization under test, supplier and buyer staff: those without the role it needs get 403,
/// those with it the route's success status, so a permitted call that fails (a 500, a 400 from a broken rule) fails the
/// matrix. The rows are <see cref="RouteCatalog"/>'s; a function may have several (its organization's sales and purchases).</summary>
[Collection(BackendCollection.Name)]
public sealed class AccessMatrixTests(BackendFixture backend)
{
    [Fact]
    public void The_matrix_covers_every_http_route()
    {
        var routes = BackendFixture.HttpRoutes().Select(r => r.Name).Order(StringComparer.Ordinal);

        Assert.Equal(routes, Rows.Select(r => r.Function).Distinct().Order(StringComparer.Ordinal));
        Assert.All(Rows, r => Assert.Subset(Members.ToHashSet(), r.Forbidden.ToHashSet()));
        Assert.Equal(Rows.Length, Rows.Select(r => r.Name).Distinct().Count());
    }

    [Fact]
    public async Task A_member_of_another_organization_gets_404_on_every_organization_route()
    {
        var ids = await ArrangeAsync(backend);
        var strangerOrg = await backend.OrganizationAsync("stranger-admin", ["supplier", "buyer"]);
        using var stranger = backend.As("stranger-admin", "stranger-admin@test.example");
        var failures = new List<string>();

        foreach (var (row, method, route) in Routes(orgScopedOnly: true))
        {
            var response = await SendAsync(stranger, method, ids.Fill(route) + row.Query, row.Body(ids));
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                failures.Add($"{row.Name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.NotNull(strangerOrg);
    }

    [Fact]
    public async Task A_member_without_the_role_gets_403_and_one_with_it_gets_the_routes_success_status()
    {
        var success = await SuccessStatusesAsync(backend);
        var failures = new List<string>();
        foreach (var (row, method, route) in Routes(orgScopedOnly: true))
        {
            // Those who must be refused go first, on one arrangement made for the first who may call (a refusal changes
            // nothing); then each who may, on fresh data once a call changed it (a removal, a revocation, a checkout), made
            // for them where it is per person (their cart, their list). Reads share theirs.
            var permitted = Members.Where(m => !row.Forbidden.Contains(m)).ToArray();
            Ids? ids = null;
            var changed = false;
            foreach (var who in row.Forbidden.Concat(permitted))
            {
                var owner = row.Forbidden.Contains(who) ? permitted.FirstOrDefault() ?? Admin : who;
                if (ids is null || changed || (method != "GET" && ids.Caller != owner))
                {
                    ids = await ArrangeAsync(backend, row, owner);
                }

                using var client = backend.As(who, $"{who}@test.example");
                var response = await SendAsync(client, method, ids.Fill(route) + row.Query, row.Body(ids));
                changed = method != "GET" && response.IsSuccessStatusCode;
                var expected = row.Forbidden.Contains(who) ? HttpStatusCode.Forbidden : (HttpStatusCode)success[row.Function];
                if (response.StatusCode != expected)
                {
                    failures.Add($"{row.Name} as {who}: {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
