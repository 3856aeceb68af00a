using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Infrastructure.Cosmos;
using Agora.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Functions.Tests;

/// <summary>Catalog, assortments and stock end to end: what each buyer sees of a supplier's catalog.</summary>
[Collection(BackendCollection.Name)]
public sealed class CatalogTests(BackendFixture backend)
{
    private sealed record Market(string Supplier, string Builder, string Hospital, HttpClient Admin, HttpClient BuilderClient, HttpClient HospitalClient);

    private static object Product(string name, string category, string brand) =>
        new { name, category, brand, baseUnit = "UN", saleUnits = new[] { new { code = "CX", factor = 12 } }, attributes = new Dictionary<string, string> { ["voltagem"] = "220V" } };

    /// <summary>A supplier with six products and two warehouses; a construction buyer and a healthcare buyer.</summary>
    private async Task<Market> MarketAsync()
    {
        var supplier = await backend.OrganizationAsync("cat-admin", ["supplier"], ("cat-wh", ["warehouse"]));
        var builder = await backend.OrganizationAsync("cat-builder", ["buyer"]);
        var hospital = await backend.OrganizationAsync("cat-hospital", ["buyer"]);
        var admin = backend.As("cat-admin", "cat-admin@test.example");
        var products = new (string Sku, object Body)[]
        {
            ("DRL-1", Product("Furadeira de Impacto 650W", "Ferramentas > Elétricas > Furadeiras", "Bosch")),
            ("DRL-2", Product("Furadeira Parafusadeira", "Ferramentas > Elétricas > Furadeiras", "Makita")),
            ("SAW-1", Product("Serra Circular 1400W", "Ferramentas > Elétricas > Serras", "Bosch")),
            ("GLV-1", Product("Luva Nitrílica (caixa)", "Hospitalar > Descartáveis", "Descarpack")),
            ("MSK-1", Product("Máscara Cirúrgica", "Hospitalar > Descartáveis", "Descarpack")),
            ("HAM-1", Product("Martelo Unha", "Ferramentas > Manuais", "Tramontina")),
        };
        foreach (var (sku, body) in products)
        {
            await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/products/{sku}", body));
        }

        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/warehouses/sp", new { name = "São Paulo", city = "São Paulo", country = "BR" }));
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/warehouses/rj", new { name = "Rio de Janeiro" }));
        foreach (var (buyer, category) in new[] { (builder, "construction"), (hospital, "healthcare") })
        {
            await BackendFixture.Ensure(await admin.PostAsJsonAsync($"/api/orgs/{supplier}/customers",
                new { buyerId = buyer, category, paymentTermsDays = new[] { 30 }, incoterm = "CIF", creditLimit = 1000 }));
        }

        // Construction customers see tools but not Makita; healthcare customers see only the hospital range, plus one hammer
        // for this hospital's maintenance team.
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/assortments/categories/construction",
            new { include = new { categories = new[] { "Ferramentas" } }, exclude = new { brands = new[] { "Makita" } } }));
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/assortments/categories/healthcare",
            new { include = new { categories = new[] { "hospitalar" } } }));
        await BackendFixture.Ensure(await admin.PutAsJsonAsync($"/api/orgs/{supplier}/assortments/customers/{hospital}",
            new { include = new { skus = new[] { "HAM-1" } }, exclude = new { skus = new[] { "MSK-1" } } }));
        return new Market(supplier, builder, hospital, admin, backend.As("cat-builder", "cat-builder@test.example"), backend.As("cat-hospital", "cat-hospital@test.example"));
    }

    private static async Task<string[]> SkusAsync(HttpClient client, string path)
    {
        var page = await BackendFixture.Json(await client.GetAsync(path));
        return page["items"]!.AsArray().Select(i => (string)i!["sku"]!).ToArray();
    }

    [Fact]
    public async Task Buyers_in_different_categories_see_different_catalogs_and_a_product_outside_one_is_not_found_to_them_alone()
    {
        var m = await MarketAsync();

        var builderSees = await SkusAsync(m.BuilderClient, $"/api/orgs/{m.Builder}/suppliers/{m.Supplier}/products");
        var hospitalSees = await SkusAsync(m.HospitalClient, $"/api/orgs/{m.Hospital}/suppliers/{m.Supplier}/products");
        var gloveForBuilder = await m.BuilderClient.GetAsync($"/api/orgs/{m.Builder}/suppliers/{m.Supplier}/products/GLV-1");
        var gloveForHospital = await m.HospitalClient.GetAsync($"/api/orgs/{m.Hospital}/suppliers/{m.Supplier}/products/GLV-1");

        Assert.Equal(["DRL-1", "HAM-1", "SAW-1"], builderSees.Order(StringComparer.Ordinal));
        Assert.Equal(["GLV-1", "HAM-1"], hospitalSees.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, gloveForBuilder.StatusCode);
        Assert.Equal(HttpStatusCode.OK, gloveForHospital.StatusCode);
    }

    [Fact]
    public async Task Search_brand_category_and_paging_narrow_the_buyers_catalog()
    {
        var m = await MarketAsync();
        var path = $"/api/orgs/{m.Builder}/suppliers/{m.Supplier}/products";

        var byText = await SkusAsync(m.BuilderClient, $"{path}?q=furadeira%20impacto");
        var byAccentlessText = await SkusAsync(m.BuilderClient, $"{path}?q=eletricas");
        var byBrand = await SkusAsync(m.BuilderClient, $"{path}?brand=bosch");
        var byCategory = await SkusAsync(m.BuilderClient, $"{path}?category=Ferramentas%20%3E%20El%C3%A9tricas%20%3E%20Serras");
        var first = await BackendFixture.Json(await m.BuilderClient.GetAsync($"{path}?limit=2"));
        var second = await BackendFixture.Json(await m.BuilderClient.GetAsync($"{path}?limit=2&cursor={Uri.EscapeDataString((string)first["next"]!)}"));
        var badLimit = await m.BuilderClient.GetAsync($"{path}?limit=0");

        Assert.Equal(["DRL-1"], byText);
        Assert.Equal(["DRL-1", "SAW-1"], byAccentlessText.Order(StringComparer.Ordinal));
        Assert.Equal(["DRL-1", "SAW-1"], byBrand.Order(StringComparer.Ordinal));
        Assert.Equal(["SAW-1"], byCategory);
        Assert.Equal(2, first["items"]!.AsArray().Count);
        Assert.Single(second["items"]!.AsArray());
        Assert.Null(second["next"]);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task A_stock_push_is_visible_to_a_buyer_at_once_per_warehouse_and_an_older_count_does_not_undo_it()
    {
        var m = await MarketAsync();
        using var erp = backend.As("cat-wh", "cat-wh@test.example");
        var now = DateTimeOffset.UtcNow;

        var pushed = await BackendFixture.Json(await erp.PostAsJsonAsync($"/api/orgs/{m.Supplier}/stock", new
        {
            items = new object[]
            {
                new { sku = "DRL-1", warehouseId = "sp", onHand = 40, asOf = now },
                new { sku = "DRL-1", warehouseId = "rj", onHand = 10, asOf = now },
                new { sku = "DRL-1", warehouseId = "sp", onHand = 5, asOf = now.AddMinutes(-10) },
                new { sku = "NOPE", warehouseId = "sp", onHand = 1, asOf = now },
                new { sku = "SAW-1", warehouseId = "mars", onHand = 1, asOf = now },
            },
        }));
        var drill = await BackendFixture.Json(await m.BuilderClient.GetAsync($"/api/orgs/{m.Builder}/suppliers/{m.Supplier}/products/DRL-1"));
        var inStock = await SkusAsync(m.BuilderClient, $"/api/orgs/{m.Builder}/suppliers/{m.Supplier}/products?inStock=true");

        Assert.Equal(2, (int)pushed["applied"]!);
        Assert.Equal(1, (int)pushed["unchanged"]!);
        Assert.Equal([3, 4], pushed["rejected"]!.AsArray().Select(r => (int)r!["index"]!));
        Assert.Equal(50m, (decimal)drill["availability"]!["total"]!);
        var warehouses = drill["availability"]!["warehouses"]!.AsArray();
        Assert.Equal("Rio de Janeiro", (string?)warehouses.Single(w => (string?)w!["warehouseId"] == "rj")!["name"]);
        Assert.Equal(40m, (decimal)warehouses.Single(w => (string?)w!["warehouseId"] == "sp")!["available"]!);
        Assert.Equal(["DRL-1"], inStock);
    }

    [Fact]
    public async Task A_buyer_without_an_account_at_the_supplier_does_not_find_its_catalog()
    {
        var m = await MarketAsync();
        var stranger = await backend.OrganizationAsync("cat-stranger", ["buyer"]);
        using var client = backend.As("cat-stranger", "cat-stranger@test.example");

        var response = await client.GetAsync($"/api/orgs/{stranger}/suppliers/{m.Supplier}/products");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Product_input_is_validated_field_by_field_and_an_update_needs_the_etag()
    {
        var m = await MarketAsync();

        var bad = await m.Admin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/products/BAD", new { name = "", gtin = "7891234567890", baseUnit = "U N", saleUnits = new[] { new { code = "CX", factor = -1 } } });
        var noEtag = await m.Admin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/products/DRL-1", Product("Renamed", "Ferramentas", "Bosch"));
        var errors = (await BackendFixture.Json(bad))["errors"]!.AsObject().Select(e => e.Key).Order(StringComparer.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["baseUnit", "category", "gtin", "name", "saleUnits"], errors);
        Assert.Equal((HttpStatusCode)428, noEtag.StatusCode);
    }

    [Fact]
    public async Task Related_products_outside_a_buyers_assortment_are_hidden_in_the_listing_as_in_the_product()
    {
        var m = await MarketAsync();
        await BackendFixture.Ensure(await m.Admin.PutAsJsonAsync($"/api/orgs/{m.Supplier}/products/KIT-1", new
        {
            name = "Kit Furadeira", category = "Ferramentas > Elétricas", brand = "Bosch", baseUnit = "UN", related = new[] { "DRL-2", "SAW-1", "GLV-1", "DRL-1" },
        }));
        var listing = await m.BuilderClient.GetAsync($"/api/orgs/{m.Builder}/suppliers/{m.Supplier}/products?q=kit");
        var listed = await BackendFixture.Json(listing);
        var requests = BackendFixture.CosmosRequestsOf(listing);
        var single = await BackendFixture.Json(await m.BuilderClient.GetAsync($"/api/orgs/{m.Builder}/suppliers/{m.Supplier}/products/KIT-1"));
        var supplierView = await BackendFixture.Json(await m.Admin.GetAsync($"/api/orgs/{m.Supplier}/products/KIT-1"));

        // DRL-2 is Makita (excluded for construction), GLV-1 is hospital stock; DRL-1 is visible though not on this page.
        Assert.Equal(["DRL-1", "SAW-1"], listed["items"]!.AsArray().Single()!["related"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(["DRL-1", "SAW-1"], single["related"]!.AsArray().Select(r => (string)r!));
        Assert.Equal(4, supplierView["related"]!.AsArray().Count);
        Assert.True(requests <= 6, $"{requests} requests for a page naming related products");
    }

    [Fact]
    public async Task A_catalog_page_costs_the_same_few_cosmos_requests_whatever_its_size()
    {
        var m = await MarketAsync();
        async Task<(long Requests, int Items)> Page(int limit)
        {
            var response = await m.BuilderClient.GetAsync($"/api/orgs/{m.Builder}/suppliers/{m.Supplier}/products?limit={limit}");
            return (BackendFixture.CosmosRequestsOf(response), (await BackendFixture.Json(response))["items"]!.AsArray().Count);
        }

        var one = await Page(1);
        var all = await Page(100);

        Assert.Equal(1, one.Items);
        Assert.Equal(3, all.Items);
        Assert.Equal(one.Requests, all.Requests);
        Assert.True(all.Requests <= 5, $"{all.Requests} requests for a page");
    }
}
