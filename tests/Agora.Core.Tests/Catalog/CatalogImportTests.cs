using System.Text;
using Agora.Core.Catalog;
using Agora.Core.Imports;
using Agora.Core.Pricing;

namespace Agora.Core.Tests.Catalog;

public sealed class CatalogImportTests
{
    private static byte[] Csv(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public async Task One_row_per_unit_with_a_factor_makes_one_product_with_its_base_unit_gtin_and_name_and_a_price_in_the_base_unit_is_accepted()
    {
        var given = await new Given().MarketplaceAsync();

        var catalog = await given.ImportAsync("supplier", ImportKind.Catalog, "produtos.csv", Csv(
            "Código;Descrição;Categoria;Unidade;Fator;EAN\n" +
            "PNE-1;Pneu;Pneus;UN;1;7891000315507\n" +
            "PNE-1;Pneu caixa;Pneus;CX;4;\n" +
            "PNE-1;Pneu palete;Pneus;PAL;\"96,5\";17891000315504\n"));
        var prices = await given.ImportAsync("supplier", ImportKind.Prices, "precos.csv", Csv("sku;unidade;preco\nPNE-1;UN;399,90\nPNE-1;CX;1.499,00\n"));
        var again = await given.ImportAsync("supplier", ImportKind.Catalog, "produtos.csv", Csv(
            "Código;Descrição;Categoria;Unidade;Fator;EAN\nPNE-1;Pneu;Pneus;UN;1;7891000315507\nPNE-1;Pneu caixa;Pneus;CX;4;\nPNE-1;Pneu palete;Pneus;PAL;\"96,5\";17891000315504\n"));

        var product = given.Stores.Product("supplier", "PNE-1")!.Value;
        Assert.Equal((3L, 3L, 0L), (catalog.RowsRead, catalog.Applied, catalog.Rejected));
        Assert.Equal(("Pneu", "7891000315507", "UN"), (product.Name, product.Gtin, product.BaseUnit));
        Assert.Equal([new SaleUnit("UN", 1), new SaleUnit("CX", 4), new SaleUnit("PAL", 96.5m)], product.SaleUnits);
        Assert.Equal((2L, 0L), (prices.Applied, prices.Rejected));
        Assert.Equal((0L, 3L), (again.Applied, again.Unchanged));
    }

    [Fact]
    public async Task A_sku_named_twice_with_contradicting_data_is_rejected_on_the_later_line_and_the_first_row_stands()
    {
        var given = await new Given().MarketplaceAsync();

        var classic = await given.ImportAsync("supplier", ImportKind.Catalog, "a.csv", Csv(
            "sku,name,category,baseUnit\nA-1,Alpha,X,UN\nA-1,Alpha,X,UN\nA-1,Other name,X,CX\n"));
        var units = await given.ImportAsync("supplier", ImportKind.Catalog, "b.csv", Csv(
            "codigo;descricao;categoria;unidade;fator\nB-1;Beta;X;UN;1\nB-1;Beta cx;X;CX;12\nB-1;Beta cx;X;CX;10\nB-1;Beta;X;PC;1\nB-1;Beta un;X;UN;6\n"));

        Assert.Equal((3L, 1L, 1L, 1L), (classic.RowsRead, classic.Applied, classic.Unchanged, classic.Rejected));
        var error = Assert.Single(classic.Errors);
        Assert.Equal((4L, "sku"), (error.Line, error.Column));
        Assert.Contains("line 2", error.Reason, StringComparison.Ordinal);
        Assert.Equal(("Alpha", "UN"), (given.Stores.Product("supplier", "A-1")!.Value.Name, given.Stores.Product("supplier", "A-1")!.Value.BaseUnit));
        Assert.True(units.Errors.Select(e => e.Line).SequenceEqual([4L, 5L, 6L]), string.Join(" / ", units.Errors));
        Assert.Contains("CX holding 12", units.Errors[0].Reason, StringComparison.Ordinal);
        Assert.Contains("base unit UN", units.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Equal([new SaleUnit("UN", 1), new SaleUnit("CX", 12)], given.Stores.Product("supplier", "B-1")!.Value.SaleUnits);
    }

    [Fact]
    public async Task Columns_absent_from_the_header_keep_what_is_stored()
    {
        var given = await new Given().MarketplaceAsync();
        await given.ImportAsync("supplier", ImportKind.Catalog, "full.csv", Csv(
            "sku,name,description,category,brand,gtin,baseUnit,saleUnits,related,attr.Voltagem,attr.Cor\nA-1,Alpha,Long text,Tools > Drills,Bosch,7891000315507,UN,CX=12|PAL=480,B-2,220V,Azul\n"));

        var renamed = await given.ImportAsync("supplier", ImportKind.Catalog, "names.csv", Csv("sku,name,baseUnit,attr.Cor\nA-1,Alpha Pro,UN,\n"));

        var product = given.Stores.Product("supplier", "A-1")!.Value;
        Assert.Equal(1L, renamed.Applied);
        Assert.Equal(("Alpha Pro", "Long text", "Bosch", "7891000315507"), (product.Name, product.Description, product.Brand, product.Gtin));
        Assert.Equal(["Tools", "Drills"], product.Category);
        Assert.Equal(["UN", "CX", "PAL"], product.SaleUnits.Select(u => u.Code));
        Assert.Equal(["B-2"], product.Related);
        Assert.Equal(new Dictionary<string, string> { ["Voltagem"] = "220V" }, product.Attributes);
    }

    [Fact]
    public async Task A_unit_row_without_its_product_and_a_new_product_without_category_are_rejected_with_a_reason()
    {
        var given = await new Given().MarketplaceAsync();

        var job = await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Csv("sku;nome;unidade;fator\nC-1;Caixa;CX;12\nD-1;Delta;UN;1\nE-1;Eps;UN;zero\n"));

        Assert.Equal(ImportStatus.Completed, job.Status);
        Assert.Equal(3L, job.Rejected);
        Assert.Contains(job.Errors, e => e is { Line: 2, Column: "sku" } && e.Reason.Contains("must come first", StringComparison.Ordinal));
        Assert.Contains(job.Errors, e => e is { Line: 3, Column: "category" });
        Assert.Contains(job.Errors, e => e is { Line: 4, Column: "fator" });
        Assert.Null(given.Stores.Product("supplier", "C-1"));
    }

    [Fact]
    public async Task Rows_of_one_sku_merge_and_contradict_across_batches_too()
    {
        var given = await new Given().MarketplaceAsync();
        var filler = string.Concat(Enumerable.Range(1, ImportOptions.DefaultBatchSize + 10).Select(i => $"F-{i};Filler {i};X;UN;1\n"));

        var job = await given.ImportAsync("supplier", ImportKind.Catalog, "c.csv", Csv(
            "sku;nome;categoria;unidade;fator\nA-1;Alpha;X;UN;1\n" + filler + "A-1;Alpha caixa;X;CX;6\nA-1;Alpha;X;KG;1\n"));

        var line = 2 + ImportOptions.DefaultBatchSize + 10 + 2;
        Assert.Equal([new SaleUnit("UN", 1), new SaleUnit("CX", 6)], given.Stores.Product("supplier", "A-1")!.Value.SaleUnits);
        var error = Assert.Single(job.Errors);
        Assert.Equal(line, error.Line);
        Assert.Contains("on line 2 already, with the base unit UN, here KG", error.Reason, StringComparison.Ordinal);
    }
}
