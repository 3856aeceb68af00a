using System.Text.Json;
using System.Text.Json.Nodes;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;
using Microsoft.Azure.Cosmos;

namespace Agora.Infrastructure.Tests;

/// <summary>The local emulator answers a single-partition query from an index of the paths queries filter on by equality
/// (tools/cosmos-query-index.js, decision 0017a). An index that forgot an item, or kept a stale value after a write, would
/// make a query silently miss documents, so these check exact result sets across two partitions holding the same ids,
/// before and after writes; and that a throttled write (429) is retried by the SDK and stored once.</summary>
public sealed class EmulatorQueryIndexTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private const string Prices = "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@ids, c.id)";
    private const string Page = "SELECT TOP @take * FROM c WHERE c.pk = @pk AND c.type = @type AND c.sortKey > @after ORDER BY c.sortKey";
    private const string Rules = "SELECT * FROM c WHERE c.pk = @pk AND (c.type = @settings OR c.type = @rule AND (ARRAY_CONTAINS(c.index.audiences, @a0) OR ARRAY_CONTAINS(c.index.audiences, @a1)))";
    private const string Entries = "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type AND ARRAY_CONTAINS(@skus, c.data.sku) AND ARRAY_CONTAINS(@lists, c.data.priceListId)";

    private readonly Container _catalog = fixture.Get<CosmosContainers>().Get(Containers.Catalog);
    private readonly string _a = SharedEmulators.Unique("supa");
    private readonly string _b = SharedEmulators.Unique("supb");

    [Fact]
    public async Task Queries_find_exactly_the_documents_of_their_partition_that_match()
    {
        await StoreBothPartitionsAsync();

        Assert.Equal(["price:general:S1", "price:promo:S1"],
            await IdsAsync(_a, Prices, ("@type", "price"), ("@ids", new[] { "price:general:S1", "price:promo:S1", "price:general:S9", "price:b-only", "product:S1" })));
        Assert.Equal(["price:b-only", "price:general:S1"],
            await IdsAsync(_b, Prices, ("@type", "price"), ("@ids", new[] { "price:general:S1", "price:promo:S1", "price:b-only" })));
        Assert.Equal(["product:S1", "product:S3"],
            await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.id IN ('product:S1', @other, 'price:b-only', 'product:S9')", ("@other", "product:S3")));
        Assert.Equal(["product:S2", "product:S3"], await IdsInOrderAsync(_a, Page, ("@take", 2), ("@type", "product"), ("@after", "S1")));
        Assert.Equal(["product:S3", "product:S2"],
            await IdsInOrderAsync(_a, "SELECT TOP 2 * FROM c WHERE c.pk = @pk AND c.type = @type ORDER BY c.sortKey DESC", ("@type", "product")));
        Assert.Equal(["pricingSettings", "promotion:all", "promotion:category"],
            await IdsAsync(_a, Rules, ("@settings", "pricingSettings"), ("@rule", "pricingRule"), ("@a0", "all"), ("@a1", "category:a")));
        Assert.Equal(["price:general:S1", "price:promo:S1", "product:S1"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.data.sku = @sku", ("@sku", "S1")));
        Assert.Equal(["price:general:S1", "price:general:S2", "price:promo:S1"],
            await IdsAsync(_a, Entries, ("@type", "price"), ("@skus", new[] { "S1", "S2", "S9" }), ("@lists", new[] { "promo", "general" })));
        Assert.Equal(["price:promo:S1"], await IdsAsync(_a, Entries, ("@type", "price"), ("@skus", new[] { "S1", "S2" }), ("@lists", new[] { "promo" })));
        Assert.Equal(["code:number"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.data.code = @code", ("@code", 1)));
        Assert.Equal(["code:string"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.data.code = @code", ("@code", "1")));
        Assert.Equal(["code:boolean", "code:number"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.data.code IN (1, true)"));
        Assert.Equal(["code:null"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.data.code = null"));
        Assert.Equal(3, await CountAsync(_a, "SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk AND c.type = @type", ("@type", "product")));
        Assert.Equal(1, await CountAsync(_b, "SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk AND c.type = @type", ("@type", "product")));
        Assert.Equal("B", (await QueryAsync(_b, Prices, ("@type", "product"), ("@ids", new[] { "product:S1" }))).Single().GetProperty("data").GetProperty("owner").GetString());
        Assert.Empty(await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @other AND c.type = @type", ("@other", _b), ("@type", "product")));
    }

    [Fact]
    public async Task Queries_see_replaces_deletes_and_new_documents()
    {
        await StoreBothPartitionsAsync();
        // Every query below has run once before the writes, so the paths it filters on are indexed when they happen.
        Assert.Equal(["product:S1", "product:S2", "product:S3"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type", ("@type", "product")));
        Assert.Equal(["price:general:S1", "price:promo:S1", "product:S1"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.data.sku = @sku", ("@sku", "S1")));
        Assert.Equal(["price:general:S1"], await IdsAsync(_a, Prices, ("@type", "price"), ("@ids", new[] { "price:general:S1", "product:S4" })));

        await _catalog.ReplaceItemAsync(Doc(_a, "product:S3", "archived", "S3", new JsonObject { ["sku"] = "S3" }), "product:S3", new PartitionKey(_a));
        await _catalog.ReplaceItemAsync(Doc(_a, "price:promo:S1", "price", "promo\u001fS2", new JsonObject { ["sku"] = "S2", ["priceListId"] = "promo" }), "price:promo:S1", new PartitionKey(_a));
        await _catalog.DeleteItemAsync<JsonObject>("price:general:S1", new PartitionKey(_a));
        await _catalog.UpsertItemAsync(Doc(_a, "product:S4", "product", "S4", new JsonObject { ["sku"] = "S1" }), new PartitionKey(_a));
        await _catalog.UpsertItemAsync(Doc(_a, "price:b-only", "price", "general\u001fS1", new JsonObject { ["sku"] = "S1", ["priceListId"] = "general" }), new PartitionKey(_a));

        Assert.Equal(["product:S1", "product:S2", "product:S4"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type", ("@type", "product")));
        Assert.Equal(["product:S3"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.type = @type", ("@type", "archived")));
        Assert.Equal(["price:b-only", "product:S1", "product:S4"], await IdsAsync(_a, "SELECT * FROM c WHERE c.pk = @pk AND c.data.sku = @sku", ("@sku", "S1")));
        Assert.Equal(["price:promo:S1"],
            await IdsAsync(_a, Entries, ("@type", "price"), ("@skus", new[] { "S2" }), ("@lists", new[] { "promo" })));
        Assert.Equal(["product:S4"], await IdsAsync(_a, Prices, ("@type", "product"), ("@ids", new[] { "price:general:S1", "product:S4", "product:S3" })));
        Assert.Empty(await IdsAsync(_a, Prices, ("@type", "price"), ("@ids", new[] { "price:general:S1" })));
        Assert.Equal(["price:b-only", "price:general:S1"], await IdsAsync(_b, Prices, ("@type", "price"), ("@ids", new[] { "price:general:S1", "price:b-only" })));
        Assert.Equal(3, await CountAsync(_a, "SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk AND c.type = @type", ("@type", "product")));
    }

    [Fact]
    public async Task A_throttled_write_is_retried_by_the_client_and_stored_once()
    {
        var pk = SharedEmulators.Unique("throttled-");
        var key = new PartitionKey(pk);

        // The emulator answers each of these writes 429 once; the SDK waits the 20 ms it is told and sends it again. A create
        // that the first attempt had stored would come back 409 on the retry: the 429 changed nothing.
        var created = await _catalog.CreateItemAsync(Doc(pk, "doc", "thing", null, new JsonObject { ["n"] = 1 }), key);
        var upserted = await _catalog.UpsertItemAsync(Doc(pk, "doc", "thing", null, new JsonObject { ["n"] = 2 }), key);
        var replaced = await _catalog.ReplaceItemAsync(Doc(pk, "doc", "thing", null, new JsonObject { ["n"] = 3 }), "doc", key);
        var patched = await _catalog.PatchItemAsync<JsonObject>("doc", key, [PatchOperation.Increment("/data/n", 1)]);
        var stored = await CountAsync(pk, "SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk AND c.id = @id", ("@id", "doc"));
        var read = (await _catalog.ReadItemAsync<JsonObject>("doc", key)).Resource;
        var deleted = await _catalog.DeleteItemAsync<JsonObject>("doc", key);

        Assert.Equal([("(201, 0)", 1), ("(429, 3200)", 1)], GatewayCalls(created.Diagnostics));
        Assert.Equal([("(200, 0)", 1), ("(429, 3200)", 1)], GatewayCalls(upserted.Diagnostics));
        Assert.Equal([("(200, 0)", 1), ("(429, 3200)", 1)], GatewayCalls(replaced.Diagnostics));
        Assert.Equal([("(200, 0)", 1), ("(429, 3200)", 1)], GatewayCalls(patched.Diagnostics));
        Assert.Equal([("(204, 0)", 1), ("(429, 3200)", 1)], GatewayCalls(deleted.Diagnostics));
        Assert.Equal(1, stored);
        Assert.Equal(4, read["data"]!["n"]!.GetValue<int>());
        Assert.Equal(0, await CountAsync(pk, "SELECT VALUE COUNT(1) FROM c WHERE c.pk = @pk"));
    }

    /// <summary>The requests the SDK sent for one operation, by (status, substatus), from its diagnostics summary.</summary>
    private static (string Call, int Count)[] GatewayCalls(CosmosDiagnostics diagnostics)
    {
        using var parsed = JsonDocument.Parse(diagnostics.ToString());
        return parsed.RootElement.GetProperty("Summary").GetProperty("GatewayCalls").EnumerateObject()
            .Select(p => (p.Name, p.Value.GetInt32())).OrderBy(c => c.Name, StringComparer.Ordinal).ToArray();
    }

    private async Task StoreBothPartitionsAsync()
    {
        JsonObject Price(string pk, string list, string sku, string? owner = null) =>
            Doc(pk, $"price:{list}:{sku}", "price", $"{list}\u001f{sku}", new JsonObject { ["sku"] = sku, ["priceListId"] = list, ["owner"] = owner });

        JsonObject Rule(string pk, string id, string audience) =>
            Doc(pk, id, "pricingRule", null, new JsonObject(), new JsonObject { ["audiences"] = new JsonArray(audience) });

        JsonObject Code(string pk, string id, JsonNode? code) => Doc(pk, id, "code", null, new JsonObject { ["code"] = code });

        JsonObject[] documents =
        [
            Price(_a, "general", "S1"), Price(_a, "general", "S2"), Price(_a, "promo", "S1"),
            Doc(_a, "product:S1", "product", "S1", new JsonObject { ["sku"] = "S1", ["owner"] = "A" }),
            Doc(_a, "product:S2", "product", "S2", new JsonObject { ["sku"] = "S2" }),
            Doc(_a, "product:S3", "product", "S3", new JsonObject { ["sku"] = "S3" }),
            Doc(_a, "pricingSettings", "pricingSettings", null, new JsonObject { ["rounding"] = 2 }),
            Rule(_a, "promotion:all", "all"), Rule(_a, "promotion:category", "category:a"), Rule(_a, "discount:customer", "customer:c1"),
            Code(_a, "code:number", 1), Code(_a, "code:string", "1"), Code(_a, "code:boolean", true), Code(_a, "code:null", null),
            Price(_b, "general", "S1", "B"),
            Doc(_b, "price:b-only", "price", "b\u001fonly", new JsonObject { ["sku"] = "only", ["priceListId"] = "b", ["owner"] = "B" }),
            Doc(_b, "product:S1", "product", "S1", new JsonObject { ["sku"] = "S1", ["owner"] = "B" }),
            Doc(_b, "pricingSettings", "pricingSettings", null, new JsonObject()),
            Rule(_b, "promotion:all", "all"),
        ];
        foreach (var document in documents)
        {
            await _catalog.CreateItemAsync(document, new PartitionKey(document["pk"]!.GetValue<string>()));
        }
    }

    private static JsonObject Doc(string pk, string id, string type, string? sortKey, JsonObject data, JsonObject? index = null)
    {
        var document = new JsonObject { ["id"] = id, ["pk"] = pk, ["type"] = type, ["data"] = data };
        if (sortKey is not null)
        {
            document["sortKey"] = sortKey;
        }

        if (index is not null)
        {
            document["index"] = index;
        }

        return document;
    }

    private Task<IReadOnlyList<JsonElement>> QueryAsync(string pk, string text, params (string Name, object Value)[] parameters) =>
        CosmosContainers.QueryItemsAsync<JsonElement>(_catalog, pk, parameters.Aggregate(new QueryDefinition(text), (q, p) => q.WithParameter(p.Name, p.Value)), default);

    private async Task<string[]> IdsInOrderAsync(string pk, string text, params (string Name, object Value)[] parameters) =>
        (await QueryAsync(pk, text, parameters)).Select(d => d.GetProperty("id").GetString()!).ToArray();

    private async Task<string[]> IdsAsync(string pk, string text, params (string Name, object Value)[] parameters) =>
        (await IdsInOrderAsync(pk, text, parameters)).Order(StringComparer.Ordinal).ToArray();

    private async Task<int> CountAsync(string pk, string text, params (string Name, object Value)[] parameters) =>
        (await QueryAsync(pk, text, parameters)).Single().GetInt32();
}
