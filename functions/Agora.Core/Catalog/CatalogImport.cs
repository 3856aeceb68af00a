using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Files;
using Agora.Core.Imports;

namespace Agora.Core.Catalog;

/// <summary>Catalog files (<c>imports/{supplierId}/catalog/</c>), with the same rules as the API, keeping stock. Two layouts:
/// one row per product (sale units written "CX=12|PAL=480"), or, when the header has a factor column (Fator, Factor,
/// Conversão...), one row per product and unit as many ERPs export them: the row whose factor is 1 (or empty) is the
/// product with its base unit, and each other row adds a sale unit of that many base units (its name and EAN describe the
/// package and are not read). Columns absent from the header keep what is stored; a row equal to the stored product causes
/// no write. A SKU the file names twice with different data (two products, two base units, one unit with two factors) is
/// rejected on the later line: a later row never silently replaces an earlier one. Related SKUs are written "A-1|B-2",
/// and any column named "attr.&lt;name&gt;" is an attribute (an empty cell removes it).</summary>
public sealed class CatalogImport(IProductStore products, TimeProvider clock) : ImportHandler
{
    private const string AttributePrefix = "attr.";

    public override ImportKind Kind => ImportKind.Catalog;

    public override IReadOnlyList<Column> Columns { get; } =
    [
        new("sku", true, "sku", "codigo", "referencia", "ref"),
        new("name", true, "name", "nome", "produto", "descricao", "descricaoProduto"),
        new("description", false, "description", "descricaoLonga", "detalhes", "observacao"),
        new("category", false, "category", "categoria"),
        new("brand", false, "brand", "marca", "fabricante"),
        new("gtin", false, "gtin", "ean", "codigoBarras"),
        new("baseUnit", true, "baseUnit", "unidade", "unidadeBase", "un", "unit"),
        new("factor", false, "factor", "fator", "fatorConversao", "conversionFactor", "conversao", "conversion", "qtdPorEmbalagem", "quantidadePorEmbalagem",
            "qtdEmbalagem", "quantidadeEmbalagem", "unitsPerPack", "packSize", "multiplicador"),
        new("saleUnits", false, "saleUnits", "embalagens", "unidadesVenda"),
        new("status", false, "status", "situacao"),
        new("related", false, "related", "relacionados"),
    ];

    /// <summary>What this file has said so far, per SKU: to merge a product's unit rows and to reject contradictions.</summary>
    private sealed class FileState
    {
        public Dictionary<string, Seen> Skus { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Seen
    {
        public long ProductLine { get; set; }

        public int ProductHash { get; set; }

        public string? BaseUnit { get; set; }

        public Dictionary<string, (decimal Factor, long Line)>? Units { get; set; }
    }

    /// <summary>A product row (the only kind without a factor column, the factor-1 row with one).</summary>
    private sealed record ProductRow(string Sku, ProductInput Input, Validation Cells);

    /// <summary>A row adding one sale unit to a product: <paramref name="Factor"/> base units in one <paramref name="Unit"/>.</summary>
    private sealed record UnitRow(string Sku, string Unit, decimal Factor);

    public override object Parse(ImportRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var sku = row.Text("sku") ?? string.Empty;
        var seen = Ids.IsWellFormed(sku) ? row.File.StateOf<FileState>().Skus.GetValueOrDefault(sku) : null;
        if (row.Has("factor"))
        {
            var factor = row.Number("factor") ?? 1;
            if (factor <= 0 || decimal.Round(factor, 6) != factor)
            {
                throw DomainException.Invalid("factor", $"'{row.Text("factor")}' must be a positive number of base units in one {row.Text("baseUnit") ?? "unit"} (at most 6 decimals); 1 on the base unit's row.");
            }

            if (factor != 1)
            {
                var unit = row.Text("baseUnit")?.ToUpperInvariant();
                if (!ProductRules.IsUnitCode(unit))
                {
                    throw DomainException.Invalid("baseUnit", $"'{row.Text("baseUnit")}' is not a unit code (1 to 10 letters or digits, such as CX).");
                }

                Remember(row, sku, seen, unit!, factor);
                return new UnitRow(sku, unit!, factor);
            }
        }

        // Cells that do not parse are collected, not thrown, so the row's report also lists the rules it breaks.
        var cells = new Validation();
        var attributes = row.HasPrefixed(AttributePrefix)
            ? row.Prefixed(AttributePrefix, includeEmpty: true).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal)
            : null;
        var input = new ProductInput(
            row.Text("name"),
            row.Text("description"),
            row.Text("category"),
            row.Text("brand"),
            row.Text("gtin"),
            attributes,
            row.Text("status") is { } status ? ParseStatus(status, cells) : null,
            row.Text("related")?.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            row.Text("baseUnit"),
            row.Text("saleUnits") is { } units ? ParseUnits(units, row.DecimalStyle, cells) : null);
        Remember(row, sku, seen, input);
        return new ProductRow(sku, input, cells);
    }

    /// <summary>Records a product row, or rejects it when the file named the SKU before with other data.</summary>
    private void Remember(ImportRow row, string sku, Seen? seen, ProductInput input)
    {
        if (!Ids.IsWellFormed(sku))
        {
            return;
        }

        var hash = ContentHash(row);
        var baseUnit = input.BaseUnit?.ToUpperInvariant();
        if (seen is { ProductLine: > 0 } && seen.ProductHash != hash)
        {
            throw Contradiction(sku, seen.ProductLine, seen.BaseUnit != baseUnit
                ? $"with the base unit {seen.BaseUnit}, here {baseUnit}: a product has one base unit (factor 1)"
                : "with different data");
        }

        if (seen?.Units is { } units && baseUnit is not null && units.TryGetValue(baseUnit, out var unit))
        {
            throw Contradiction(sku, unit.Line, $"with {baseUnit} holding {unit.Factor} base units, here {baseUnit} is the base unit");
        }

        seen ??= row.File.StateOf<FileState>().Skus[sku] = new Seen();
        if (seen.ProductLine == 0)
        {
            (seen.ProductLine, seen.ProductHash, seen.BaseUnit) = (row.Line, hash, baseUnit); // the first line that said it
        }
    }

    /// <summary>Records a unit row, or rejects it when it contradicts what the file said of that unit.</summary>
    private static void Remember(ImportRow row, string sku, Seen? seen, string unit, decimal factor)
    {
        if (!Ids.IsWellFormed(sku))
        {
            return;
        }

        if (seen?.BaseUnit == unit)
        {
            throw Contradiction(sku, seen.ProductLine, $"with {unit} as its base unit (factor 1), here {unit} holds {factor}");
        }

        if (seen?.Units?.TryGetValue(unit, out var before) == true && before.Factor != factor)
        {
            throw Contradiction(sku, before.Line, $"with {unit} holding {before.Factor} base units, here {factor}");
        }

        seen ??= row.File.StateOf<FileState>().Skus[sku] = new Seen();
        seen.Units ??= new Dictionary<string, (decimal, long)>(StringComparer.Ordinal);
        seen.Units.TryAdd(unit, (factor, row.Line));
    }

    private static DomainException Contradiction(string sku, long line, string what) =>
        DomainException.Invalid("sku", $"'{sku}' is on line {line} already, {what}. Rows of one SKU must agree (one product row, then one row per other unit); this row is not applied.");

    /// <summary>The row's product cells (all but the SKU and factor), to tell a repeated row from a contradicting one.</summary>
    private int ContentHash(ImportRow row)
    {
        // From the cells' spans: a catalog row's text is already copied once by Parse, and this runs on every row.
        var hash = new HashCode();
        foreach (var column in Columns)
        {
            if (column.Field is not ("sku" or "factor"))
            {
                hash.Add(string.GetHashCode(row.Span(column.Field), StringComparison.OrdinalIgnoreCase));
            }
        }

        foreach (var (name, value) in row.Prefixed(AttributePrefix, includeEmpty: true))
        {
            hash.Add(name, StringComparer.Ordinal);
            hash.Add(value, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override async Task<IReadOnlyList<RowOutcome>> ApplyAsync(ImportContext file, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(rows);
        var supplier = file.Supplier;
        var has = file.StateOf<Header>();
        // The batch's rows by SKU: products before the units added to them, so a product's unit rows may come in any order
        // within a batch, each kind in file order. A row whose SKU is no SKU is a group of its own (it is rejected).
        var groups = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var i in Enumerable.Range(0, rows.Count).OrderBy(i => rows[i] is ProductRow ? 0 : 1))
        {
            var sku = rows[i] is ProductRow p ? p.Sku : ((UnitRow)rows[i]).Sku;
            var key = Ids.IsWellFormed(sku) ? sku : "\0" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!groups.TryGetValue(key, out var group))
            {
                groups[key] = group = [];
            }

            group.Add(i);
        }

        var stored = (await products.FindManyAsync(supplier.Id, groups.Keys.Where(Ids.IsWellFormed).ToArray(), cancellationToken).ConfigureAwait(false))
            .ToDictionary(p => p.Value.Sku, StringComparer.Ordinal);
        var outcomes = new RowOutcome[rows.Count];

        // One product per SKU, written once with all its rows applied, SKUs WritesInFlight at a time (issue 11).
        await file.ForEachAsync(groups, async (group, ct) =>
            await ApplyAsync(supplier.Id, group.Key, group.Value, rows, has, stored.GetValueOrDefault(group.Key), outcomes, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>Applies one SKU's rows of a batch, in order, to the stored product, then writes the result once if it
    /// differs. When the product changed meanwhile (stock moved it), its rows are applied again to the newer version.</summary>
    private Task ApplyAsync(string supplierId, string sku, List<int> group, IReadOnlyList<object> rows, Header has, Versioned<Product>? stored, RowOutcome[] outcomes, CancellationToken cancellationToken) =>
        Concurrency.RetryAsync($"Product '{sku}'", async attempt =>
        {
            if (attempt > 1)
            {
                stored = await products.FindAsync(supplierId, sku, cancellationToken).ConfigureAwait(false);
            }

            var product = stored?.Value;
            foreach (var i in group)
            {
                try
                {
                    var next = rows[i] switch
                    {
                        ProductRow row => Apply(supplierId, row, product, has),
                        UnitRow row => Apply(row, product),
                        _ => throw new InvalidOperationException("Not a catalog row."),
                    };
                    outcomes[i] = product is not null && product.ContentHash == next.ContentHash ? RowOutcome.Unchanged : RowOutcome.Applied;
                    product = next;
                }
                catch (DomainException e)
                {
                    outcomes[i] = RowOutcome.Rejected(e);
                }
            }

            if (product is null || (stored is not null && stored.Value.ContentHash == product.ContentHash))
            {
                return;
            }

            _ = stored is null
                ? await products.CreateAsync(product, cancellationToken).ConfigureAwait(false)
                : await products.ReplaceAsync(product, stored.ETag, cancellationToken).ConfigureAwait(false);
        });

    private Product Apply(string supplierId, ProductRow row, Product? existing, Header has)
    {
        var input = Merge(row.Input, existing, has);
        return ProductRules.Build(supplierId, row.Sku, input, existing, clock.GetUtcNow(), row.Cells);
    }

    private Product Apply(UnitRow row, Product? existing)
    {
        if (existing is null)
        {
            throw DomainException.Invalid("sku", $"'{row.Sku}' is not in the catalog: its {row.Unit} row (factor {row.Factor}) adds a unit to a product, so the product's row (factor 1) must come first.");
        }

        if (string.Equals(existing.BaseUnit, row.Unit, StringComparison.Ordinal))
        {
            throw DomainException.Invalid("factor", $"{row.Unit} is the base unit of '{row.Sku}' (factor 1); it cannot hold {row.Factor}.");
        }

        var current = InputOf(existing);
        // In place when the unit is known (its order is the product's), else added last.
        var units = current.SaleUnits!.Select(u => u.Code == row.Unit ? new SaleUnit(row.Unit, row.Factor) : u).ToList();
        if (!units.Exists(u => u.Code == row.Unit))
        {
            units.Add(new SaleUnit(row.Unit, row.Factor));
        }

        return ProductRules.Build(existing.SupplierId, row.Sku, current with { SaleUnits = units }, existing, clock.GetUtcNow());
    }

    /// <summary>The row's values over the stored product's: a column the file does not have keeps what is stored (a file
    /// without sale units keeps the boxes and pallets; one without attributes keeps them).</summary>
    private static ProductInput Merge(ProductInput row, Product? existing, Header has)
    {
        if (existing is null)
        {
            return row with { Attributes = row.Attributes?.Where(a => a.Value.Length > 0).ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal) };
        }

        var stored = InputOf(existing);
        var baseUnit = row.BaseUnit?.Trim().ToUpperInvariant();
        var attributes = stored.Attributes!;
        if (row.Attributes is { } given)
        {
            var merged = new Dictionary<string, string>(attributes, StringComparer.Ordinal);
            foreach (var (name, value) in given)
            {
                if (value.Length == 0)
                {
                    merged.Remove(name);
                }
                else
                {
                    merged[name] = value;
                }
            }

            attributes = merged;
        }

        return new ProductInput(
            row.Name,
            has.Description ? row.Description : stored.Description,
            has.Category ? row.Category : stored.Category,
            has.Brand ? row.Brand : stored.Brand,
            has.Gtin ? row.Gtin : stored.Gtin,
            attributes,
            row.Status,
            has.Related ? row.Related : stored.Related,
            row.BaseUnit,
            has.SaleUnits ? row.SaleUnits : [.. stored.SaleUnits!.Where(u => u.Code != baseUnit)]);
    }

    /// <summary>Which optional columns the file has (the same for all its rows).</summary>
    private sealed class Header
    {
        public bool Description { get; set; }

        public bool Category { get; set; }

        public bool Brand { get; set; }

        public bool Gtin { get; set; }

        public bool Related { get; set; }

        public bool SaleUnits { get; set; }
    }

    public override Task StartAsync(ImportContext file, ImportRow row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(row);
        var has = file.StateOf<Header>();
        (has.Description, has.Category, has.Brand, has.Gtin, has.Related, has.SaleUnits) =
            (row.Has("description"), row.Has("category"), row.Has("brand"), row.Has("gtin"), row.Has("related"), row.Has("saleUnits"));
        return Task.CompletedTask;
    }

    /// <summary>A stored product as the input that builds it again (sale units without the base unit).</summary>
    private static ProductInput InputOf(Product p) => new(
        p.Name, p.Description, string.Join(" > ", p.Category), p.Brand, p.Gtin, p.Attributes, p.Status, p.Related, p.BaseUnit,
        [.. p.SaleUnits.Where(u => u.Code != p.BaseUnit)]);

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
