using System.Reflection;
using System.Text;
using System.Text.Json.Nodes;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Marketing;
using Agora.Functions.Http;
using Agora.Functions.OpenApi;
using Agora.Testing;
using static Agora.Functions.Tests.RouteCatalog;

namespace Agora.Functions.Tests;

/// <summary>The example bodies of the API reference (<see cref="ApiExamples"/>): every operation that reads a body shows one,
/// and each is one a real call accepts: it passes the strict request reader (no unknown field, no wrong kind, the body
/// rules), nothing of it is lost on the way in, and it passes the domain's checks where they need no store. Pure, but for
/// the last test, which posts the examples of the settings and catalog routes to the local runtime.</summary>
[Collection(BackendCollection.Name)]
public sealed class ApiExampleTests(BackendFixture backend)
{
    private static readonly JsonNode Document = JsonNode.Parse(new OpenApiDocument().Json)!;

    /// <summary>The domain's own checks that run without a store, by request type.</summary>
    private static readonly Dictionary<Type, Action<object>> DomainChecks = new()
    {
        [typeof(ProductInput)] = input => ProductRules.Build("distribuidora-parana", "PAR-6MM-100", (ProductInput)input, null, DateTimeOffset.UtcNow),
        [typeof(MarketingSettingsInput)] = input => MarketingSettings.From((MarketingSettingsInput)input),
        [typeof(ClearanceSettingsInput)] = input => ClearanceSettings.From((ClearanceSettingsInput)input),
    };

    [Fact]
    public void Every_operation_that_reads_a_body_shows_an_example_and_every_example_is_used()
    {
        var functions = OpenApiDocument.Functions();
        var requests = functions.Values.Select(m => m.GetCustomAttribute<ApiOperationAttribute>()?.Request).OfType<Type>().ToHashSet();
        var missing = Operations().Where(o => o["requestBody"] is { } body && body["content"]!["application/json"]!["example"] is null).Select(o => (string)o["operationId"]!);

        Assert.Empty(missing);
        Assert.Equal(requests.Select(t => t.ToString()).Order(StringComparer.Ordinal), ApiExamples.Requests.Keys.Select(t => t.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_example_passes_the_strict_request_reader_whole_and_the_domains_checks()
    {
        var failures = new List<string>();
        foreach (var (name, method) in OpenApiDocument.Functions())
        {
            var api = method.GetCustomAttribute<ApiOperationAttribute>()!;
            if (api.Request is null || api.SignedBy is not null)
            {
                continue; // A signed caller's body is its own schema, read as signed (MarketingSendTests).
            }

            var example = Operations().Single(o => (string)o["operationId"]! == name)["requestBody"]!["content"]!["application/json"]!["example"]!;
            try
            {
                var body = RequestReader.ParseBody(api.Request, Encoding.UTF8.GetBytes(example.ToJsonString()));
                var back = ApiExamples.Request(api.Request)!;
                if (!JsonNode.DeepEquals(JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body, api.Request, Json.Options)), back))
                {
                    failures.Add($"{name}: the example does not survive reading ({example.ToJsonString()})");
                }

                if (DomainChecks.TryGetValue(api.Request, out var check))
                {
                    check(body);
                }
            }
            catch (RequestRejectedException e)
            {
                failures.Add($"{name}: {e.Message} {string.Join("; ", e.Errors?.Select(f => $"{f.Key} {string.Join(' ', f.Value)}") ?? [])}");
            }
            catch (DomainException e)
            {
                failures.Add($"{name}: {e.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void A_renamed_field_in_an_example_is_refused_as_a_real_call_would_be()
    {
        var example = ApiExamples.Request(typeof(ProductInput))!.AsObject();
        example["baseUnits"] = example["baseUnit"]!.DeepClone();
        example.Remove("baseUnit");

        var refused = Assert.Throws<RequestRejectedException>(() => RequestReader.ParseBody(typeof(ProductInput), Encoding.UTF8.GetBytes(example.ToJsonString())));

        Assert.Equal(400, refused.Status);
        Assert.Contains("baseUnits", refused.Errors!.Keys);
    }

    /// <summary>Routes whose examples name nothing the arrangement lacks (no order, cart or SKU of the example's own): sent as
    /// the organization's admin, each must succeed. The others' bodies refer to data of the example's world.</summary>
    [Theory]
    [InlineData("UpdateOrganization")]
    [InlineData("CreateInvitation")]
    [InlineData("PutProduct")]
    [InlineData("PutWarehouse")]
    [InlineData("PutCategoryAssortment")]
    [InlineData("PutCustomerAssortment")]
    [InlineData("PutPricingSettings")]
    [InlineData("PutPriceList")]
    [InlineData("PutPrice")]
    [InlineData("PutDiscountRule")]
    [InlineData("PutVolumeDiscount")]
    [InlineData("PutPromotion")]
    [InlineData("PutQuantityRule")]
    [InlineData("PutOrderingSettings")]
    [InlineData("PutBillingSettings")]
    [InlineData("PutMarketingSettings")]
    [InlineData("PutClearanceSettings")]
    [InlineData("PutApprovalRule")]
    [InlineData("PutAddress")]
    [InlineData("CreateCampaign")]
    public async Task The_example_succeeds_against_the_local_runtime(string function)
    {
        var row = RowOf(function);
        var (_, method, route) = Routes(orgScopedOnly: true).First(r => r.Row == row);
        var ids = await ArrangeAsync(backend, row);
        var example = Operations().Single(o => (string)o["operationId"]! == function)["requestBody"]!["content"]!["application/json"]!["example"]!;
        using var admin = backend.As(Admin, $"{Admin}@test.example");

        var response = await SendAsync(admin, method, ids.Fill(route) + row.Query, null, example.ToJsonString());

        Assert.True(response.IsSuccessStatusCode, $"{function}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static IEnumerable<JsonNode> Operations() =>
        from path in Document["paths"]!.AsObject() from operation in path.Value!.AsObject() select operation.Value!;
}
