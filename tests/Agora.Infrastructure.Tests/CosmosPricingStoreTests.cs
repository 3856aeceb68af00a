using System.Text;
using Agora.Core.Catalog;
using Agora.Core.Pricing;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Tests;

/// <summary>Pricing rules as the Cosmos emulator stores them, including documents written before rules had a currency.</summary>
public sealed class CosmosPricingStoreTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task A_promotion_stored_before_rules_had_a_currency_still_loads_and_a_new_one_keeps_its_currency()
    {
        var store = fixture.Get<IPricingStore>();
        var supplier = SharedEmulators.Unique("sup");
        // The document as the store wrote it before: no "currency" in the promotion.
        var legacy = """
            {"id":"promotion:velha","pk":"SUPPLIER","type":"pricingRule","index":{"audiences":["all"]},
             "data":{"promotion":{"id":"velha","name":"Velha","audiences":[{"kind":"all"}],"products":{"skus":[],"brands":[],"categories":[]},
               "minValue":100,"reward":{"kind":"amountOff","amount":20},"stacking":"combinable","priority":0}}}
            """.Replace("SUPPLIER", supplier, StringComparison.Ordinal);
        using (var body = new MemoryStream(Encoding.UTF8.GetBytes(legacy)))
        {
            using var response = await fixture.Get<CosmosContainers>().Get(Containers.Catalog).UpsertItemStreamAsync(body, new PartitionKey(supplier));
            Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        }

        await store.SaveAsync(supplier, new PricingRule(Promotion: new Promotion("nova", "Nova", [Audience.All], ProductSet.None, null, 100m, null, null, null, null,
            new Reward(RewardKind.AmountOff, Amount: 20), Stacking.Combinable, 0, Currency: "USD")), ifMatch: null, default);

        var rules = await store.LoadAsync(supplier, [Audience.All], default);

        Assert.Equal([("nova", "USD"), ("velha", null)], rules.Rules.Select(r => (r.Id, r.Promotion!.Currency)));
        Assert.Equal(20m, rules.Rules[1].Promotion!.Reward.Amount);
    }
}
