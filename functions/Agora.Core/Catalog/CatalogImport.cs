using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Imports;
using Agora.Core.Imports.Files;

namespace Agora.Core.Catalog;

/// <summary>Catalog files (<c>imports/{supplierId}/catalog/</c>): one product per row, created or replaced with the same
/// rules as the API, keeping stock. A row whose content equals the stored product causes no write. Sale units are written
/// "CX=12|PAL=480", related SKUs "A-1|B-2", and any column named "attr.&lt;name&gt;" becomes an attribute.</summary>
public sealed class CatalogImport(IProductStore products, TimeProvider clock) : ImportHandler
{
    public override ImportKind Kind => ImportKind.Catalog;

    public override IReadOnlyList<Column> Columns { get; } =
    [
        new("sku", true, "sku", "codigo", "referencia", "ref"),
        new("name", true, "name", "nome", "produto", "descricao", "descricaoProduto"),
        new("description", false, "description", "descricaoLonga", "detalhes", "observacao"),
        new("category", true, "category", "categoria"),
        new("brand", false, "brand", "marca", "fabricante"),
        new("gtin", false, "gtin", "ean", "codigoBarras"),
        new("baseUnit", true, "baseUnit", "unidade", "unidadeBase", "un"),
        new("saleUnits", false, "saleUnits", "embalagens", "unidadesVenda"),
        new("status", false, "status", "situacao"),
        new("related", false, "related", "relacionados"),
    ];

    public override object Parse(ImportRow row)
    {
        // Cells that do not parse are collected, not thrown, so the row's report also lists the rules it breaks.
        var cells = new Validation();
        return new Row(
            row.Text("sku") ?? string.Empty,
            new ProductInput(
                row.Text("name"),
                row.Text("description"),
                row.Text("category"),
                row.Text("brand"),
                row.Text("gtin"),
                row.Prefixed("attr.").ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal),
                row.Text("status") is { } status ? ParseStatus(status, cells) : null,
                row.Text("related")?.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                row.Text("baseUnit"),
                row.Text("saleUnits") is { } units ? ParseUnits(units, row.DecimalStyle, cells) : null),
            cells);
    }

    private sealed record Row(string Sku, ProductInput Input, Validation Cells);

    public override async Task<IReadOnlyList<RowOutcome>> ApplyAsync(Organization supplier, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        var parsed = rows.Cast<Row>().ToArray();
        var stored = (await products.FindManyAsync(supplier.Id, parsed.Select(r => r.Sku).Where(Ids.IsWellFormed).Distinct(StringComparer.Ordinal).ToArray(), cancellationToken).ConfigureAwait(false))
            .ToDictionary(p => p.Value.Sku, StringComparer.Ordinal);
        var outcomes = new RowOutcome[parsed.Length];
        for (var i = 0; i < parsed.Length; i++)
        {
            var (sku, input, cells) = parsed[i];
            try
            {
                var existing = stored.GetValueOrDefault(sku);
                var product = ProductRules.Build(supplier.Id, sku, input, existing?.Value, clock.GetUtcNow(), cells);
                if (existing is not null && existing.Value.ContentHash == product.ContentHash)
                {
                    outcomes[i] = RowOutcome.Unchanged;
                    continue;
                }

                stored[sku] = existing is null
                    ? await products.CreateAsync(product, cancellationToken).ConfigureAwait(false)
                    : await ReplaceAsync(existing, input, cancellationToken).ConfigureAwait(false);
                outcomes[i] = RowOutcome.Applied;
            }
            catch (DomainException e)
            {
                outcomes[i] = RowOutcome.Rejected(e);
            }
        }

        return outcomes;
    }

    /// <summary>Replaces the product, building again on the newest version when stock changed it meanwhile.</summary>
    private Task<Versioned<Product>> ReplaceAsync(Versioned<Product> existing, ProductInput input, CancellationToken cancellationToken) =>
        Concurrency.RetryAsync($"Product '{existing.Value.Sku}'", async attempt =>
        {
            if (attempt > 1)
            {
                existing = await products.FindAsync(existing.Value.SupplierId, existing.Value.Sku, cancellationToken).ConfigureAwait(false) ?? existing;
            }

            var product = ProductRules.Build(existing.Value.SupplierId, existing.Value.Sku, input, existing.Value, clock.GetUtcNow());
            return await products.ReplaceAsync(product, existing.ETag, cancellationToken).ConfigureAwait(false);
        });

    private static ProductStatus? ParseStatus(string text, Validation cells)
    {
        switch (Text.Fold(text))
        {
            case "active" or "ativo" or "a":
                return ProductStatus.Active;
            case "discontinued" or "descontinuado" or "inativo" or "inactive" or "d":
                return ProductStatus.Discontinued;
            default:
                cells.Add("status", $"'{text}' is not active/ativo or discontinued/descontinuado.");
                return null;
        }
    }

    /// <summary>"CX=12|PAL=480" (or ':' for '='), the factors in the file's number style.</summary>
    private static SaleUnit[] ParseUnits(string text, DecimalStyle style, Validation cells)
    {
        var parts = text.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var units = new SaleUnit[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var pair = parts[i].Split(['=', ':'], 2, StringSplitOptions.TrimEntries);
            if (pair.Length != 2 || !Numbers.TryParseDecimal(pair[1], style, out var factor))
            {
                cells.Add("saleUnits", $"'{parts[i]}' is not a unit and its size, such as CX=12 (several: CX=12|PAL=480).");
                return [];
            }

            units[i] = new SaleUnit(pair[0], factor);
        }

        return units;
    }
}
