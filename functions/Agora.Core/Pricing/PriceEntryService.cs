using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>The prices of a price list one at a time: what pricing managers read, and correct or remove between two price
/// files. The same rules as a file's rows apply (<see cref="PriceRules"/>): the SKU and unit must be in the catalog, the
/// price above zero in its currency's decimals.</summary>
public sealed class PriceEntryService(IPriceStore prices, IProductStore products, AccessControl access, TimeProvider clock)
{
    public const int MaxPageSize = 200;

    public async Task<Page<PriceEntry>> ListAsync(Caller caller, string supplierId, string listId, string? sku, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        _ = await access.SupplierMemberAsync(caller, supplierId, "read pricing", Roles.SupplierStaff, cancellationToken).ConfigureAwait(false);
        var v = new Validation();
        var list = listId.ToLowerInvariant();
        v.Check(Ids.IsWellFormed(list), "listId", "must be 1 to 64 letters, digits, '-', '_' or '.'.");
        v.Check(sku is null || Ids.IsWellFormed(sku), "sku", "must be letters, digits, '-', '_' or '.'.");
        v.ThrowIfInvalid();
        return await prices.ListAsync(supplierId, list, sku, Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 50, MaxPageSize), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets the price of <paramref name="sku"/> in <paramref name="unit"/> from <paramref name="minQuantity"/> in the
    /// list; in the supplier's default currency when not given, as in files.</summary>
    public async Task<PriceEntry> PutAsync(Caller caller, string supplierId, string listId, string sku, string unit, string minQuantity, PriceInput input, CancellationToken cancellationToken)
    {
        var supplier = await access.SupplierMemberAsync(caller, supplierId, "change pricing", Roles.PricingManagers, cancellationToken).ConfigureAwait(false);
        var (list, code, min) = KeyOf(listId, unit, minQuantity);
        var currency = (input.Currency ?? supplier.Organization.Value.DefaultCurrency).ToUpperInvariant();
        var v = new Validation();
        PriceRules.Check(v, sku, code, currency, input.Price, min, list);
        v.ThrowIfInvalid();
        var product = (await products.FindAsync(supplierId, sku, cancellationToken).ConfigureAwait(false))?.Value;
        if (PriceRules.CatalogProblem(product, sku, code) is { } problem)
        {
            throw problem;
        }

        var entry = new PriceEntry(supplierId, list, sku, code, min, input.Price!.Value, currency, clock.GetUtcNow());
        await prices.UpsertAsync(entry, cancellationToken).ConfigureAwait(false);
        return entry;
    }

    public async Task DeleteAsync(Caller caller, string supplierId, string listId, string sku, string unit, string minQuantity, CancellationToken cancellationToken)
    {
        _ = await access.SupplierMemberAsync(caller, supplierId, "change pricing", Roles.PricingManagers, cancellationToken).ConfigureAwait(false);
        var (list, code, min) = KeyOf(listId, unit, minQuantity);
        var v = new Validation();
        PriceRules.CheckKey(v, sku, code, min, list);
        if (!v.IsValid || !await prices.DeleteAsync(supplierId, PriceEntry.KeyOf(list, sku, code, min), cancellationToken).ConfigureAwait(false))
        {
            throw DomainException.NotFound("Price", $"{listId}/{sku}/{unit}/{minQuantity}");
        }
    }

    /// <summary>A price's address from its route: list id in lower case and unit in upper case as files write them, the
    /// minimum quantity as a number (0, which <see cref="PriceRules.CheckKey"/> refuses, when it is not a whole one).</summary>
    private static (string List, string Unit, int Min) KeyOf(string listId, string unit, string minQuantity) =>
        (listId.ToLowerInvariant(), unit.ToUpperInvariant(), int.TryParse(minQuantity, NumberStyles.None, CultureInfo.InvariantCulture, out var min) ? min : 0);
}

/// <summary>A price as pricing managers set it: the amount, in <see cref="Currency"/> (the supplier's default currency when
/// absent).</summary>
public sealed record PriceInput(decimal? Price, string? Currency);
