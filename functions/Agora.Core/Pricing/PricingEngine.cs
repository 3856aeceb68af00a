using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>Prices a cart for one customer: pure and deterministic (the same book, cart and time give the same quote),
/// with every number explained. Steps per line: the list price (<see cref="ListResolver"/>: list, tier, unit and currency
/// rules), the line rules (<see cref="LineRules"/>: discount rates and promotions, one exclusive or every combinable one),
/// then the order rules (<see cref="OrderRules"/>: bundles, the order's volume discount, the supplier's cap on the total
/// discount, bonus lines); line totals are rounded once, and the quote's totals are their sums. The sentences are
/// <see cref="Explanations"/>.</summary>
public static class PricingEngine
{
    public const int MaxLines = 1000;

    public static Quote Price(string supplierId, PricingCustomer customer, PricingBook book, QuoteRequest request, DateTimeOffset now)
    {
        var cart = Validate(request);
        var coupons = (request.CouponCodes ?? []).Select(c => c.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var currency = customer.Currency;
        var lists = ListResolver.CandidateLists(book, customer, now);
        var entries = new ListEntries(book.Entries, lists);
        var discounts = book.Discounts.Where(d => d.Audience.Includes(customer) && d.IsValidAt(now)).OrderByDescending(d => d.Priority).ThenBy(d => d.Id, StringComparer.Ordinal).ToArray();
        var promotions = book.Promotions.Where(p => p.Audiences.Any(a => a.Includes(customer)) && p.IsValidAt(now)
                && (p.CouponCode is null || coupons.Contains(p.CouponCode) || coupons.Contains(PersonalCoupons.For(p, customer.BuyerId)!))
                && (p.UsageLimitPerCustomer is not { } limit || book.PromotionUses.GetValueOrDefault(p.Id) < limit))
            .OrderByDescending(p => p.Priority).ThenBy(p => p.Id, StringComparer.Ordinal).ToArray();
        var money = new RuleCurrency(book.Settings.ExchangeRates, currency, book.SupplierCurrency);
        var rules = new QuoteRules(discounts, promotions, book.QuantityRules.Where(r => r.Audience.Includes(customer)).ToArray(), money);

        var work = new List<LineWork>(cart.Count);
        var minorUnits = Currency.MinorUnitsOf(currency);
        for (var i = 0; i < cart.Count; i++)
        {
            work.Add(PriceLine(i + 1, cart[i], customer, minorUnits, book, lists, entries, rules));
        }

        var hints = new List<string>();
        OrderRules.ApplyBundles(work, rules, hints);
        OrderRules.ApplyVolume(work, book, customer, now, money, hints);
        var lines = OrderRules.ApplyCap(work, book.Settings.MaxTotalDiscountPercent);
        OrderRules.AddBonusLines(work, rules, book, lines);
        var listTotal = lines.Sum(l => l.ListTotal);
        var total = lines.Sum(l => l.LineTotal);
        return new Quote(supplierId, customer.BuyerId, currency, lines, listTotal, listTotal - total, total, hints, now);
    }

    private static List<(string Sku, string Unit, decimal Quantity)> Validate(QuoteRequest request)
    {
        var v = new Validation();
        var lines = request.Lines ?? [];
        if (lines.Count is 0 or > MaxLines)
        {
            v.Add("lines", $"must hold 1 to {MaxLines} lines.");
        }

        var cart = new List<(string, string, decimal)>(lines.Count);
        for (var i = 0; i < lines.Count && i < MaxLines; i++)
        {
            var line = lines[i];
            // The field names are built only for a line that fails.
            if (!Ids.IsWellFormed(line.Sku))
            {
                v.Add($"lines[{i}].sku", "is required: a SKU.");
            }

            if (!ProductRules.IsUnitCode(line.Unit))
            {
                v.Add($"lines[{i}].unit", "is required: a sale unit such as UN or CX.");
            }

            if (!(line.Quantity is > 0 && decimal.Round(line.Quantity.Value, 6) == line.Quantity && line.Quantity < 1_000_000_000))
            {
                v.Add($"lines[{i}].quantity", "must be more than zero and below 1,000,000,000, with at most 6 decimals.");
            }
            cart.Add((line.Sku ?? string.Empty, line.Unit?.ToUpperInvariant() ?? string.Empty, line.Quantity ?? 0));
        }

        v.ThrowIfInvalid();
        return cart;
    }

    /// <summary>One line: the product and unit, its quantity rule, the list price, the line rules and the next tier's hint.</summary>
    private static LineWork PriceLine(int number, (string Sku, string Unit, decimal Quantity) line, PricingCustomer customer, int minorUnits, PricingBook book,
        PriceList[] lists, ListEntries entries, QuoteRules rules)
    {
        var w = new LineWork(number, line.Sku, line.Unit, line.Quantity, minorUnits);
        if (!book.Products.TryGetValue(line.Sku, out var product) || product.Status != ProductStatus.Active)
        {
            return w.Unavailable(Explanations.NotInCatalog(line.Sku));
        }

        w.Product = product;
        if (product.UnitOf(line.Unit) is not { } unit)
        {
            return w.Unavailable(Explanations.NotSoldIn(line.Sku, line.Unit, product));
        }

        w.SaleUnit = unit;
        var keys = rules.Keys.For(product);
        if (rules.QuantityRuleFor(product, keys) is { } quantityRule)
        {
            w.Issues.AddRange(QuantityRules.Check(product, unit, line.Quantity, quantityRule));
        }

        var price = ListResolver.Resolve(product, unit, line.Quantity, customer, book.Settings, lists, entries);
        if (price is null)
        {
            w.Status = LineStatus.PriceOnRequest;
            w.Issues.Add(Explanations.PriceOnRequest(product.Sku, entries.Of(product.Sku) is not null, customer.Currency));
            return w;
        }

        (w.List, w.Source, w.NextTier) = price.Value;
        w.Net = w.List;
        w.Status = LineStatus.Priced;
        LineRules.Apply(w, product, unit, keys, rules);
        if (w.NextTier is { } next && w.Source is { } source && w.List > 0)
        {
            var more = next.MinQuantity - (source.EntryUnit == unit.Code ? line.Quantity : line.Quantity * unit.Factor);
            var nextPrice = Exchange.Convert(next.Price * (source.EntryUnit == unit.Code ? 1 : unit.Factor), source.ExchangeRate, customer.Currency);
            var less = (w.List - nextPrice) / w.List * 100;
            if (more > 0 && less > 0)
            {
                w.Hints.Add(Explanations.NextTier(more, source.EntryUnit, product.Sku, nextPrice, customer.Currency, unit.Code, less));
            }
        }

        return w;
    }
}
