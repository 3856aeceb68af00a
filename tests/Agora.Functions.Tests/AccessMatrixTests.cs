using System.Net;
using Agora.Testing;
using static Agora.Functions.Tests.RouteCatalog;

namespace Agora.Functions.Tests;

/// <summary>Every HTTP route, called by a member of another organization (404: the organization's data is not disclosed),
/// by members without the role it needs (403), and by those with it: they get the route's success status, so a permitted
/// call that fails (a 500, a 400 from a broken rule) fails the matrix. The rows are <see cref="RouteCatalog"/>'s.</summary>
[Collection(BackendCollection.Name)]
public sealed class AccessMatrixTests(BackendFixture backend)
{
    [Fact]
    public void The_matrix_covers_every_http_route()
    {
        var routes = BackendFixture.HttpRoutes().Select(r => r.Name).Order(StringComparer.Ordinal);

        Assert.Equal(routes, Rows.Select(r => r.Function).Order(StringComparer.Ordinal));
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
                failures.Add($"{row.Function}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
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
            Ids? shared = null;
            foreach (var who in new[] { Admin, Sales, Pricing, Warehouse })
            {
                // Fresh data for each call that changes something, so that a permitted call (a removal, a revocation) cannot
                // change the next one; reads share theirs.
                var ids = method == "GET" ? shared ??= await ArrangeAsync(backend, row) : await ArrangeAsync(backend, row);
                using var client = backend.As(who, $"{who}@test.example");
                var response = await SendAsync(client, method, ids.Fill(route) + row.Query, row.Body(ids));
                var expected = row.Forbidden.Contains(who) ? HttpStatusCode.Forbidden : (HttpStatusCode)success[row.Function];
                if (response.StatusCode != expected)
                {
                    failures.Add($"{row.Function} as {who}: {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
