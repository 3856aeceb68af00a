using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;

namespace Agora.Core.Pricing;

/// <summary>Price-list files (<c>imports/{supplierId}/prices/</c>): one price per row (SKU, unit, price, currency,
/// optional minimum quantity for a volume tier and price-list id, "base" by default). The SKU and unit must exist in the
/// catalog; a row equal to the stored price causes no write. Prices are added or changed, never deleted by omission.</summary>
public sealed class PriceImport(IProductStore products, IPriceStore prices, TimeProvider clock) : ImportHandler
{
    public override ImportKind Kind => ImportKind.Prices;

    public override IReadOnlyList<Column> Columns { get; } =
    [
        new("sku", true, "sku", "codigo", "referencia", "ref"),
        new("unit", true, "unit", "unidade", "un", "embalagem"),
        new("price", true, "price", "preco", "valor", "precoUnitario"),
        new("currency", false, "currency", "moeda"),
        new("minQuantity", false, "minQuantity", "quantidadeMinima", "qtdMinima", "apartirde", "break"),
        new("priceList", false, "priceList", "priceListId", "tabela", "listaPreco", "tabelaPreco"),
    ];

    public override object Parse(ImportRow row)
    {
        var v = new Validation();
        var sku = row.Text("sku");
        v.Check(Ids.IsWellFormed(sku), "sku", "is required: letters, digits, '-', '_' or '.'.");
        var unit = row.Text("unit")?.ToUpperInvariant();
        v.Check(ProductRules.IsUnitCode(unit), "unit", "is required: a sale unit such as UN or CX.");
        var currency = (row.Text("currency") ?? "BRL").ToUpperInvariant();
        v.Check(Currency.IsKnown(currency), "currency", $"'{currency}' is not an ISO 4217 currency.");
        var price = row.Number("price");
        if (price is not { } p || p <= 0)
        {
            v.Add("price", "is required and must be more than zero.");
        }
        else if (Currency.IsKnown(currency) && Currency.Round(p, currency) != p)
        {
            v.Add("price", $"has more decimals than {currency} allows ({Currency.MinorUnitsOf(currency)}).");
        }

        var min = row.Number("minQuantity") ?? 1;
        v.Check(min >= 1 && min == decimal.Truncate(min) && min <= int.MaxValue, "minQuantity", "must be a whole number of units, 1 or more.");
        var list = row.Text("priceList")?.ToLowerInvariant() ?? PriceEntry.BaseList;
        v.Check(Ids.IsWellFormed(list), "priceList", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        v.ThrowIfInvalid();
        return new PriceEntry(string.Empty, list, sku!, unit!, (int)min, price!.Value, currency, default);
    }

    public override async Task<IReadOnlyList<RowOutcome>> ApplyAsync(Organization supplier, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        // Plain loops, each key formatted once, and stored entries matched by their key's parts rather than a formatted
        // key: this runs for every row of every file, and LINQ, repeated key strings and per-row copies were most of
        // its cost (benchmarks: import-path).
        var now = clock.GetUtcNow();
        var entries = new PriceEntry[rows.Count];
        var skus = new HashSet<string>(entries.Length, StringComparer.Ordinal);
        var keys = new HashSet<string>(entries.Length, StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = (PriceEntry)rows[i];
            entries[i] = entry;
            skus.Add(entry.Sku);
            keys.Add(entry.Key);
        }

        var catalogTask = products.FindManyAsync(supplier.Id, skus, cancellationToken);
        var storedTask = prices.FindManyAsync(supplier.Id, keys, cancellationToken);
        await Task.WhenAll(catalogTask, storedTask).ConfigureAwait(false);
        var found = await catalogTask.ConfigureAwait(false);
        var catalog = new Dictionary<string, Product>(found.Count, StringComparer.Ordinal);
        foreach (var product in found)
        {
            catalog.Add(product.Value.Sku, product.Value);
        }

        // Keyed by the parts of PriceEntry.Key: the same entries, without formatting a key per stored entry (none of the
        // parts can hold the ':' that joins them, so equal parts and equal keys are the same thing).
        var storedEntries = await storedTask.ConfigureAwait(false);
        var stored = new Dictionary<(string List, string Sku, string Unit, int Min), PriceEntry>(storedEntries.Count);
        foreach (var entry in storedEntries)
        {
            stored.Add(PartsOf(entry), entry);
        }

        var outcomes = new RowOutcome[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            if (!catalog.TryGetValue(entry.Sku, out var product))
            {
                outcomes[i] = RowOutcome.Rejected(DomainException.Invalid("sku", $"'{entry.Sku}' is not in the catalog; import it first."));
            }
            else if (product.UnitOf(entry.Unit) is null)
            {
                outcomes[i] = RowOutcome.Rejected(DomainException.Invalid("unit", $"{entry.Sku} is not sold in {entry.Unit} (it is in {string.Join(", ", product.SaleUnits.Select(u => u.Code))})."));
            }
            else if (stored.TryGetValue(PartsOf(entry), out var existing) && existing.SameAs(entry))
            {
                outcomes[i] = RowOutcome.Unchanged;
            }
            else
            {
                // Only a written entry needs the supplier and the time; an unchanged one is not copied.
                var written = entry with { SupplierId = supplier.Id, UpdatedAt = now };
                await prices.UpsertAsync(written, cancellationToken).ConfigureAwait(false);
                stored[PartsOf(written)] = written;
                outcomes[i] = RowOutcome.Applied;
            }
        }

        return outcomes;
    }

    private static (string List, string Sku, string Unit, int Min) PartsOf(PriceEntry entry) =>
        (entry.PriceListId, entry.Sku, entry.Unit, entry.MinQuantity);
}
