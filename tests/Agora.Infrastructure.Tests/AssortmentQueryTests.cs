using Agora.Core.Catalog;
using Agora.Testing;

namespace Agora.Infrastructure.Tests;

/// <summary>The Cosmos queries built from an assortment (a page, and which of some SKUs it allows) must select exactly
/// the products the in-memory decision allows: checked on random products and random rules against the emulator.</summary>
public sealed class AssortmentQueryTests(InfrastructureFixture fixture) : IClassFixture<InfrastructureFixture>
{
    private static readonly string[] Brands = ["Bosch", "Makita", "Tramontina"];
    private static readonly string[][] Categories = [["Ferramentas", "Elétricas"], ["Ferramentas", "Manuais"], ["Hospitalar"], ["Hospitalar", "Descartáveis"]];

    [Fact]
    public async Task The_query_and_the_in_memory_decision_agree_on_random_assortments()
    {
        var store = fixture.Get<IProductStore>();
        var supplier = SharedEmulators.Unique("sup");
        var random = new Random(20261127);
        var products = new List<Product>();
        for (var i = 0; i < 24; i++)
        {
            var product = ProductRules.Build(supplier, $"S{i:00}", new ProductInput(
                $"Product {i}", null, string.Join(" > ", Categories[random.Next(Categories.Length)]), random.Next(4) == 0 ? null : Brands[random.Next(Brands.Length)],
                null, null, random.Next(6) == 0 ? ProductStatus.Discontinued : ProductStatus.Active, null, "UN", null), null, DateTimeOffset.UtcNow);
            products.Add((await store.CreateAsync(product, default)).Value);
        }

        for (var round = 0; round < 25; round++)
        {
            var assortment = new Assortment(RandomRule(random), RandomRule(random));

            var asked = products.Where(_ => random.Next(2) == 0).Select(p => p.Sku).Append("NOPE-1").ToArray();

            var page = await store.ListAsync(supplier, ProductQuery.All, assortment, null, 100, default);
            var allowed = await store.AllowedAsync(supplier, asked, assortment, default);

            var expected = products.Where(assortment.Allows).Select(p => p.Sku).Order(StringComparer.Ordinal);
            Assert.Equal(expected, page.Items.Select(p => p.Sku).Order(StringComparer.Ordinal));
            Assert.Equal(expected.Where(asked.Contains), allowed.Order(StringComparer.Ordinal));
        }
    }

    private static AssortmentRule RandomRule(Random random) => random.Next(4) == 0
        ? AssortmentRule.Open
        : new AssortmentRule(RandomSet(random), RandomSet(random));

    private static ProductSet RandomSet(Random random) => new(
        Enumerable.Range(0, random.Next(3)).Select(_ => $"S{random.Next(24):00}").Distinct().ToArray(),
        Enumerable.Range(0, random.Next(2)).Select(_ => Core.Common.Text.Slug(Brands[random.Next(Brands.Length)])).Distinct().ToArray(),
        Enumerable.Range(0, random.Next(2)).Select(_ => CatalogKeys.CategoryKeys(Categories[random.Next(Categories.Length)])).Select(keys => keys[random.Next(keys.Count)]).Distinct().ToArray());
}
