using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Imports;

namespace Agora.Core.Pricing;

/// <summary>Price-list files (<c>imports/{supplierId}/prices/</c>): one price per row (SKU, unit, price, currency,
/// optional minimum quantity for a volume tier and price-list id, "base" by default). The SKU and unit must exist in the
/// catalog; a row equal to the stored price causes no write. Prices are added or changed, never deleted by omission: a row
/// whose <c>action</c> column says <c>delete</c> (or <c>excluir</c>, <c>remover</c>) removes its entry. A row without a
/// currency is in the supplier's default currency.</summary>
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
        new("action", false, "action", "acao", "operacao"),
    ];

    private static readonly HashSet<string> SetWords = new(["set", "upsert", "add", "update", "incluir", "alterar", "atualizar"], StringComparer.Ordinal);
    private static readonly HashSet<string> RemoveWords = new(["delete", "remove", "excluir", "remover", "apagar"], StringComparer.Ordinal);

    public override object Parse(ImportRow row)
    {
        var v = new Validation();
        var remove = Action(v, row.Text("action"));
        var sku = row.Text("sku");
        var unit = row.Text("unit")?.ToUpperInvariant();
        // Parse does not know the supplier: a row without a currency is parsed with an empty one, which ApplyAsync reads as
        // the supplier's default currency (and checks the price's decimals in it).
        var currency = row.Text("currency")?.ToUpperInvariant();
        var min = row.Number("minQuantity") ?? 1;
        var list = row.Text("priceList")?.ToLowerInvariant() ?? PriceEntry.BaseList;
        if (remove)
        {
            // A removal names the entry (list, SKU, unit, tier); its price and currency, if any, are not read.
            PriceRules.CheckKey(v, sku, unit, min, list);
            v.ThrowIfInvalid();
            return new PriceRemoval(new PriceEntry(string.Empty, list, sku!, unit!, (int)min, 0, currency ?? string.Empty, default));
        }

        var price = row.Number("price");
        PriceRules.Check(v, sku, unit, currency, price, min, list);
        v.ThrowIfInvalid();
        return new PriceEntry(string.Empty, list, sku!, unit!, (int)min, price!.Value, currency ?? string.Empty, default);
    }

    /// <summary>True when the row's action removes its price; empty, <c>set</c> and its synonyms keep it.</summary>
    private static bool Action(Validation v, string? action)
    {
        if (action is null)
        {
            return false;
        }

        var folded = Text.Fold(action);
        if (RemoveWords.Contains(folded))
        {
            return true;
        }

        v.Check(SetWords.Contains(folded), "action", $"'{action}' is not an action: leave it empty or write set to add or change the price, delete to remove it.");
        return false;
    }

    public override async Task<IReadOnlyList<RowOutcome>> ApplyAsync(ImportContext file, IReadOnlyList<object> rows, CancellationToken cancellationToken)
    {
        var supplier = file.Supplier;
        // Plain loops, each key formatted once, and stored entries matched by their key's parts rather than a formatted
        // key: this runs for every row of every file, and LINQ, repeated key strings and per-row copies were most of
        // its cost (benchmarks: import-path).
        var now = clock.GetUtcNow();
        var entries = new PriceEntry[rows.Count];
        var removals = (bool[]?)null;
        var skus = new HashSet<string>(entries.Length, StringComparer.Ordinal);
        var keys = new HashSet<string>(entries.Length, StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i++)
        {
            if (rows[i] is PriceRemoval removal)
            {
                (removals ??= new bool[entries.Length])[i] = true;
                entries[i] = removal.Entry;
            }
            else
            {
                entries[i] = (PriceEntry)rows[i];
                skus.Add(entries[i].Sku);
            }

            keys.Add(entries[i].Key);
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
        var stored = new Dictionary<(string List, string Sku, string Unit, int Min), PriceEntry?>(storedEntries.Count);
        foreach (var entry in storedEntries)
        {
            stored.Add(PartsOf(entry), entry);
        }

        // Rows are decided in file order against the stored entries and what earlier rows of the batch decided, so two rows
        // of one key end as the later one says; then one write per key that changed (the last decision), WritesInFlight at
        // a time (issue 11: sequential writes capped a first import at a few hundred rows/s against Azure). The batch ends
        // when every write is acknowledged, so the progress saved after it never runs ahead of the store.
        var outcomes = new RowOutcome[entries.Length];
        var writes = new Dictionary<(string List, string Sku, string Unit, int Min), PriceEntry?>();
        var supplierCurrency = supplier.DefaultCurrency;
        for (var i = 0; i < entries.Length; i++)
        {
            var entry = entries[i];
            var currency = entry.Currency.Length == 0 ? supplierCurrency : entry.Currency;
            if (removals?[i] == true)
            {
                // A removal needs no catalog check: a discontinued product's prices are removed this way too.
                if (stored.TryGetValue(PartsOf(entry), out var gone) && gone is not null)
                {
                    stored[PartsOf(entry)] = null;
                    writes[PartsOf(entry)] = null;
                    outcomes[i] = RowOutcome.Applied;
                }
                else
                {
                    outcomes[i] = RowOutcome.Unchanged;
                }
            }
            else if (PriceRules.CatalogProblem(catalog.GetValueOrDefault(entry.Sku), entry.Sku, entry.Unit) is { } problem)
            {
                outcomes[i] = RowOutcome.Rejected(problem);
            }
            else if (entry.Currency.Length == 0 && PriceRules.DecimalsProblem(entry.Price, currency) is { } decimals)
            {
                outcomes[i] = RowOutcome.Rejected(DomainException.Invalid("price", decimals));
            }
            else if (stored.TryGetValue(PartsOf(entry), out var existing) && existing is not null && existing.SameAs(entry.Price, currency))
            {
                outcomes[i] = RowOutcome.Unchanged;
            }
            else
            {
                // Only a written entry needs the supplier, the time and the resolved currency; an unchanged one is not copied.
                var written = entry with { SupplierId = supplier.Id, UpdatedAt = now, Currency = currency };
                stored[PartsOf(written)] = written;
                writes[PartsOf(written)] = written;
                outcomes[i] = RowOutcome.Applied;
            }
        }

        if (writes.Count > 0)
        {
            await file.ForEachAsync(writes, async (write, ct) =>
            {
                if (write.Value is { } entry)
                {
                    await prices.UpsertAsync(entry, ct).ConfigureAwait(false);
                }
                else
                {
                    await prices.DeleteAsync(supplier.Id, PriceEntry.KeyOf(write.Key.List, write.Key.Sku, write.Key.Unit, write.Key.Min), ct).ConfigureAwait(false);
                }
            }, cancellationToken).ConfigureAwait(false);
        }

        return outcomes;
    }

    private static (string List, string Sku, string Unit, int Min) PartsOf(PriceEntry entry) =>
        (entry.PriceListId, entry.Sku, entry.Unit, entry.MinQuantity);
}

/// <summary>A parsed row that removes the price entry with <see cref="Entry"/>'s key.</summary>
internal sealed record PriceRemoval(PriceEntry Entry);
