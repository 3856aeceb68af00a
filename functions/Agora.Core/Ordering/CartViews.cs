using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Core.Ordering;

/// <summary>A cart as the buyer sees it (pure): each line with its explained price, what the supplier has in stock for it
/// and what stops checkout, in words.</summary>
public static class CartViews
{
    public static CartView Build(Cart cart, string currency, Quote? quote, IReadOnlyDictionary<string, Product> products, IReadOnlySet<string> activeWarehouses,
        bool backorders, DateTimeOffset now)
    {
        var priced = quote?.Lines.Where(l => l.Status != LineStatus.Bonus).ToArray() ?? [];
        var taken = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var lines = new List<CartLineView>(cart.Lines.Count);
        for (var i = 0; i < cart.Lines.Count; i++)
        {
            var item = cart.Lines[i];
            var price = i < priced.Length ? priced[i] : null;
            var problems = new List<string>(price?.Issues ?? []);
            var notes = new List<string>();
            products.TryGetValue(item.Sku, out var product);
            decimal? available = null;
            if (product?.UnitOf(item.Unit) is { } unit && price?.Status == LineStatus.Priced)
            {
                var before = taken.GetValueOrDefault(item.Sku);
                var inStock = Math.Max(0, InStock(product, activeWarehouses) - before);
                var need = item.Quantity * unit.Factor;
                taken[item.Sku] = before + need;
                available = decimal.Floor(inStock / unit.Factor * 1_000_000m) / 1_000_000m;
                if (need > inStock)
                {
                    var shortBy = need - inStock;
                    if (backorders)
                    {
                        notes.Add($"{QuantityRules.In(product, shortBy)} of {item.Sku} are not in stock and will be backordered.");
                    }
                    else
                    {
                        problems.Add(inStock == 0
                            ? $"{item.Sku} is out of stock, and the supplier does not take backorders."
                            : $"Only {QuantityRules.In(product, inStock)} of {item.Sku} are in stock{(before > 0 ? " after the cart's earlier lines of it" : string.Empty)}, and the supplier does not take backorders.");
                    }
                }
            }

            lines.Add(new CartLineView(item.LineId, item.Sku, item.Unit, item.Quantity, product?.Name, price, available, problems, notes));
        }

        return new CartView(cart.Id, cart.Type, cart.BuyerId, cart.SupplierId, cart.OwnerId, cart.OwnerName, cart.Name, cart.Visibility, quote?.Currency ?? currency, lines,
            quote?.Lines.Where(l => l.Status == LineStatus.Bonus).ToArray() ?? [], quote?.ListTotal ?? 0, quote?.DiscountTotal ?? 0, quote?.Total ?? 0, quote?.Hints ?? [],
            cart.CouponCodes, lines.Count > 0 && lines.All(l => l.Problems.Count == 0 && l.Price?.Status == LineStatus.Priced), cart.LastActivityAt, quote?.PricedAt ?? now);
    }

    /// <summary>What can be promised of <paramref name="product"/> from the supplier's active warehouses, in base units.</summary>
    public static decimal InStock(Product product, IReadOnlySet<string> activeWarehouses) =>
        product.Stock.Where(s => activeWarehouses.Contains(s.Key)).Sum(s => s.Value.Available);

    /// <summary>Checks lines sent by a client (shape only: the catalog decides the rest); <paramref name="field"/> is the
    /// list's JSON name.</summary>
    public static IReadOnlyList<CartLineInput> Validate(IReadOnlyList<CartLineInput>? lines, string field, int max = Cart.MaxLines)
    {
        var v = new Validation();
        var list = lines ?? [];
        v.Check(list.Count is > 0 && list.Count <= max, field, $"must hold 1 to {max} lines.");
        for (var i = 0; i < list.Count && i < max; i++)
        {
            var line = list[i];
            v.Check(Ids.IsWellFormed(line.Sku), $"{field}[{i}].sku", "is required: a SKU.");
            v.Check(line.Unit is null || ProductRules.IsUnitCode(line.Unit), $"{field}[{i}].unit", "must be a sale unit such as UN or CX (leave it out for the product's base unit).");
            v.Check(IsQuantity(line.Quantity), $"{field}[{i}].quantity", QuantityReason);
        }

        v.ThrowIfInvalid();
        return list;
    }

    public const string QuantityReason = "must be more than zero and below 1,000,000,000, with at most 6 decimals.";

    public static bool IsQuantity(decimal? quantity) => quantity is > 0 and < 1_000_000_000 && decimal.Round(quantity.Value, 6) == quantity;
}
