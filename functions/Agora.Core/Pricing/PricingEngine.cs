using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>Prices a cart for one customer: pure and deterministic (the same book, cart and time give the same quote),
/// with every number explained. Steps per line: the list price (list, tier, unit and currency rules), the line rules
/// (discount rates and promotions: one exclusive, or every combinable one), bundles, the order's volume discount, and
/// the supplier's cap on the total discount; line totals are rounded once, and the quote's totals are their sums.</summary>
public static class PricingEngine
{
    public const int MaxLines = 1000;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Quote Price(string supplierId, PricingCustomer customer, PricingBook book, QuoteRequest request, DateTimeOffset now)
    {
        var cart = Validate(request);
        var coupons = (request.CouponCodes ?? []).Select(c => c.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var currency = customer.Currency;
        var lists = CandidateLists(book, customer, now);
        var entries = IndexEntries(book.Entries, lists);
        var discounts = book.Discounts.Where(d => d.Audience.Includes(customer) && d.IsValidAt(now)).OrderByDescending(d => d.Priority).ThenBy(d => d.Id, StringComparer.Ordinal).ToArray();
        var promotions = book.Promotions.Where(p => p.Audiences.Any(a => a.Includes(customer)) && p.IsValidAt(now)
                && (p.CouponCode is null || coupons.Contains(p.CouponCode))
                && (p.UsageLimitPerCustomer is not { } limit || book.PromotionUses.GetValueOrDefault(p.Id) < limit))
            .OrderByDescending(p => p.Priority).ThenBy(p => p.Id, StringComparer.Ordinal).ToArray();

        var work = new List<Work>(cart.Count);
        for (var i = 0; i < cart.Count; i++)
        {
            work.Add(PriceLine(i + 1, cart[i], customer, book, lists, entries, discounts, promotions));
        }

        ApplyBundles(work, promotions, currency);
        var volumeHint = ApplyVolume(work, book, customer, now, currency);
        var cap = book.Settings.MaxTotalDiscountPercent;
        var lines = new List<QuoteLine>(work.Count);
        foreach (var w in work)
        {
            if (w.Status == LineStatus.Priced && !w.Fixed && cap < 100)
            {
                var floor = w.List * (1 - (cap / 100));
                if (w.Net < floor)
                {
                    w.Adjustments.Add(new Adjustment("cap", "maxTotalDiscount", $"The supplier's discounts stop at {Num(cap)}% off the list price.", -(floor - w.Net)));
                    w.Net = floor;
                }
            }

            lines.Add(w.ToLine(currency));
        }

        lines.AddRange(BonusLines(work, promotions, book, lines.Count));
        var listTotal = lines.Sum(l => l.ListTotal);
        var total = lines.Sum(l => l.LineTotal);
        var hints = volumeHint is null ? [] : new[] { volumeHint };
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
            v.Check(Ids.IsWellFormed(line.Sku), $"lines[{i}].sku", "is required: a SKU.");
            v.Check(ProductRules.IsUnitCode(line.Unit), $"lines[{i}].unit", "is required: a sale unit such as UN or CX.");
            v.Check(line.Quantity is > 0 && decimal.Round(line.Quantity.Value, 6) == line.Quantity && line.Quantity < 1_000_000_000, $"lines[{i}].quantity", "must be more than zero, with at most 6 decimals.");
            cart.Add((line.Sku ?? string.Empty, line.Unit?.ToUpperInvariant() ?? string.Empty, line.Quantity ?? 0));
        }

        v.ThrowIfInvalid();
        return cart;
    }

    /// <summary>The valid lists for the customer, most specific first, then by priority and id.</summary>
    private static PriceList[] CandidateLists(PricingBook book, PricingCustomer customer, DateTimeOffset now)
    {
        var lists = book.Lists.Where(l => l.Active && l.IsValidAt(now) && l.Audience.Includes(customer)).ToList();
        if (lists.All(l => l.Id != PriceEntry.BaseList) && book.Entries.FirstOrDefault(e => e.PriceListId == PriceEntry.BaseList) is { } baseEntry)
        {
            lists.Add(PriceList.ImplicitBase(baseEntry.Currency));
        }

        return lists.OrderByDescending(l => l.Audience.Specificity).ThenByDescending(l => l.Priority).ThenBy(l => l.Id, StringComparer.Ordinal).ToArray();
    }

    private static Dictionary<(string List, string Sku), List<PriceEntry>> IndexEntries(IReadOnlyList<PriceEntry> entries, PriceList[] lists)
    {
        var wanted = lists.Select(l => l.Id).ToHashSet(StringComparer.Ordinal);
        var index = new Dictionary<(string, string), List<PriceEntry>>();
        foreach (var entry in entries)
        {
            if (!wanted.Contains(entry.PriceListId))
            {
                continue;
            }

            if (!index.TryGetValue((entry.PriceListId, entry.Sku), out var list))
            {
                index[(entry.PriceListId, entry.Sku)] = list = [];
            }

            list.Add(entry);
        }

        foreach (var list in index.Values)
        {
            list.Sort((a, b) => a.MinQuantity.CompareTo(b.MinQuantity));
        }

        return index;
    }

    private static Work PriceLine(int number, (string Sku, string Unit, decimal Quantity) line, PricingCustomer customer, PricingBook book, PriceList[] lists,
        Dictionary<(string, string), List<PriceEntry>> entries, DiscountRule[] discounts, Promotion[] promotions)
    {
        var w = new Work(number, line.Sku, line.Unit, line.Quantity);
        if (!book.Products.TryGetValue(line.Sku, out var product) || product.Status != ProductStatus.Active)
        {
            return w.Unavailable($"{line.Sku} is not in this supplier's catalog for you.");
        }

        w.Product = product;
        if (product.UnitOf(line.Unit) is not { } unit)
        {
            return w.Unavailable($"{line.Sku} is not sold in {line.Unit}; it is sold in {string.Join(", ", product.SaleUnits.Select(u => u.Code))}.");
        }

        w.SaleUnit = unit;
        w.Issues.AddRange(QuantityRules.Check(product, unit, line.Quantity, book.QuantityRules, customer));
        var price = ResolvePrice(product, unit, line.Quantity, customer, book.Settings, lists, entries);
        if (price is null)
        {
            w.Status = LineStatus.PriceOnRequest;
            w.Issues.Add(lists.Any(l => entries.ContainsKey((l.Id, product.Sku)))
                ? $"No price for {product.Sku} converts to {customer.Currency}: ask the supplier for a quote."
                : $"{product.Sku} has no price for you: ask the supplier for a quote.");
            return w;
        }

        (w.List, w.Source, w.NextTier) = price.Value;
        w.Net = w.List;
        w.Status = LineStatus.Priced;
        ApplyLineRules(w, product, unit, discounts, promotions);
        if (w.NextTier is { } next && w.Source is { } source && w.List > 0)
        {
            var more = next.MinQuantity - (source.EntryUnit == unit.Code ? line.Quantity : line.Quantity * unit.Factor);
            var nextPrice = Convert(next.Price * (source.EntryUnit == unit.Code ? 1 : unit.Factor), source.ExchangeRate, customer.Currency);
            var less = (w.List - nextPrice) / w.List * 100;
            if (more > 0 && less > 0)
            {
                w.Hints.Add($"Add {Num(more)} {source.EntryUnit} of {product.Sku} to reach the next tier: {Num(nextPrice)} {customer.Currency} per {unit.Code} ({Num(decimal.Round(less, 1))}% less).");
            }
        }

        return w;
    }

    /// <summary>The list price per sale unit: per the supplier's resolution, from the first (or cheapest) list with an entry
    /// for the product, in the line's unit or its base unit, at the tier the quantity reaches, in the customer's currency
    /// or converted; null when none converts (price on request).</summary>
    private static (decimal Price, PriceSource Source, PriceEntry? Next)? ResolvePrice(Product product, SaleUnit unit, decimal quantity, PricingCustomer customer,
        PricingSettings settings, PriceList[] lists, Dictionary<(string, string), List<PriceEntry>> entries)
    {
        (decimal Price, PriceSource Source, PriceEntry? Next)? best = null;
        foreach (var list in lists)
        {
            if (!entries.TryGetValue((list.Id, product.Sku), out var candidates))
            {
                continue;
            }

            // The line's own unit first; else the base unit, multiplied out.
            var inUnit = Tier(candidates, unit.Code, quantity);
            var inBase = inUnit.Entry is null && unit.Code != product.BaseUnit ? Tier(candidates, product.BaseUnit, quantity * unit.Factor) : default;
            var (entry, next) = inUnit.Entry is not null ? inUnit : inBase;
            if (entry is null)
            {
                continue;
            }

            var factor = entry.Unit == unit.Code ? 1 : unit.Factor;
            decimal? rate = entry.Currency == customer.Currency ? null : settings.ExchangeRates.FirstOrDefault(r => r.From == entry.Currency && r.To == customer.Currency)?.Rate;
            if (entry.Currency != customer.Currency && rate is null)
            {
                if (settings.Resolution == ListResolution.MostSpecific)
                {
                    return null; // the list that should price this line cannot: never a wrong number
                }

                continue;
            }

            var price = Convert(entry.Price * factor, rate, customer.Currency);
            var source = new PriceSource(list.Id, list.Name, list.Audience.ToString(), entry.MinQuantity, entry.Unit, entry.Price, entry.Currency, rate);
            if (settings.Resolution == ListResolution.MostSpecific)
            {
                return (price, source, next);
            }

            if (best is null || price < best.Value.Price)
            {
                best = (price, source, next);
            }
        }

        return best;
    }

    private static (PriceEntry? Entry, PriceEntry? Next) Tier(List<PriceEntry> sorted, string unit, decimal quantity)
    {
        PriceEntry? reached = null, next = null;
        foreach (var e in sorted)
        {
            if (e.Unit != unit)
            {
                continue;
            }

            if (e.MinQuantity <= quantity)
            {
                reached = e;
            }
            else
            {
                next ??= e;
            }
        }

        return (reached, reached is null ? null : next);
    }

    /// <summary>Converted prices are rounded to the target currency's minor unit, like a converted price list would be.</summary>
    private static decimal Convert(decimal price, decimal? rate, string currency) => rate is { } r ? Currency.Round(price * r, currency) : price;

    private static void ApplyLineRules(Work w, Product product, SaleUnit unit, DiscountRule[] discounts, Promotion[] promotions)
    {
        var lineValue = w.List * w.Quantity;
        var quantityBase = w.Quantity * unit.Factor;
        var rules = new List<(int Priority, string Id, bool Exclusive, Action<Work> Apply)>();
        foreach (var d in discounts)
        {
            if (d.Products.IsEmpty || d.Products.MatchesSku(product) || d.Products.MatchesGroup(product))
            {
                rules.Add((d.Priority, d.Id, d.Stacking == Stacking.Exclusive, x => x.Percent("discount", d.Id, $"{d.Name}: {Num(d.Percent)}% for {d.Audience}", d.Percent)));
            }
        }

        foreach (var p in promotions)
        {
            var matches = p.Products.IsEmpty || p.Products.MatchesSku(product) || p.Products.MatchesGroup(product);
            if (!matches || (p.MinQuantity is { } minQ && quantityBase < minQ) || (p.MinValue is { } minV && lineValue < minV))
            {
                continue;
            }

            var label = p.Clearance ? $"{p.Name} (clearance)" : p.Name;
            switch (p.Reward.Kind)
            {
                case RewardKind.PercentOff when p.Reward.Percent is { } pct:
                    rules.Add((p.Priority, p.Id, p.Stacking == Stacking.Exclusive, x => x.Percent("promotion", p.Id, $"{label}: {Num(pct)}% off", pct)));
                    break;
                case RewardKind.AmountOff when p.Reward.Amount is { } amount:
                    rules.Add((p.Priority, p.Id, p.Stacking == Stacking.Exclusive, x => x.AmountOff("promotion", p.Id, $"{label}: {Num(amount)} off per {unit.Code}", amount)));
                    break;
                case RewardKind.FixedPrice when p.Reward.FixedPrice is { } fixedPrice:
                    rules.Add((p.Priority, p.Id, true, x => x.FixTo(p.Id, $"{label}: {Num(fixedPrice)} per {product.BaseUnit}", fixedPrice * unit.Factor)));
                    break;
            }
        }

        // One exclusive rule (the highest priority) replaces all others; otherwise every combinable rule applies.
        var exclusive = rules.Where(r => r.Exclusive).OrderByDescending(r => r.Priority).ThenBy(r => r.Id, StringComparer.Ordinal).FirstOrDefault();
        if (exclusive.Apply is not null)
        {
            exclusive.Apply(w);
            if (!w.Fixed)
            {
                w.SettleAmounts();
            }

            return;
        }

        // Percentages multiply and amounts are taken after them, so the result is the same in any order.
        foreach (var rule in rules.OrderByDescending(r => r.Priority).ThenBy(r => r.Id, StringComparer.Ordinal))
        {
            rule.Apply(w);
        }

        w.SettleAmounts();
    }

    private static void ApplyBundles(List<Work> work, Promotion[] promotions, string currency)
    {
        foreach (var p in promotions.Where(p => p.Reward is { Kind: RewardKind.BundlePrice, BundleSkus.Count: > 1, BundlePrice: not null }))
        {
            var members = p.Reward.BundleSkus!.Select(sku => work.FirstOrDefault(w => w.Sku == sku && w.Status == LineStatus.Priced && !w.Fixed)).ToArray();
            if (members.Any(m => m is null))
            {
                continue;
            }

            // One bundle = one base unit of each; its price is shared out in proportion to each part's net price.
            var bundles = decimal.Floor(members.Min(m => m!.Quantity * m.SaleUnit!.Factor));
            var perBundle = members.Sum(m => m!.Net / m.SaleUnit!.Factor);
            var saving = perBundle - p.Reward.BundlePrice!.Value;
            if (bundles < 1 || saving <= 0)
            {
                continue;
            }

            foreach (var m in members)
            {
                var share = m!.Net / m.SaleUnit!.Factor / perBundle;
                var perUnit = saving * share * bundles / m.Quantity;
                m.Adjustments.Add(new Adjustment("bundle", p.Id, $"{p.Name}: {string.Join(" + ", p.Reward.BundleSkus!)} for {Num(p.Reward.BundlePrice.Value)} {currency} ({Num(bundles)}×)", perUnit));
                m.Net -= perUnit;
            }
        }
    }

    /// <summary>The best volume discount the order reaches applies to every priced line; returns a hint for the next one.</summary>
    private static string? ApplyVolume(List<Work> work, PricingBook book, PricingCustomer customer, DateTimeOffset now, string currency)
    {
        var priced = work.Where(w => w.Status == LineStatus.Priced).ToArray();
        var value = priced.Sum(w => w.Net * w.Quantity);
        var quantity = priced.Sum(w => w.Quantity * w.SaleUnit!.Factor);
        var offers = book.VolumeDiscounts.Where(v => v.Audience.Includes(customer) && v.IsValidAt(now)).ToArray();
        bool Reached(VolumeDiscount v) => (v.MinOrderValue is null || value >= v.MinOrderValue) && (v.MinOrderQuantity is null || quantity >= v.MinOrderQuantity);
        var best = offers.Where(Reached).OrderByDescending(v => v.Percent).ThenBy(v => v.Id, StringComparer.Ordinal).FirstOrDefault();
        if (best is not null)
        {
            foreach (var w in priced.Where(w => !w.Fixed))
            {
                var amount = w.Net * best.Percent / 100;
                w.Adjustments.Add(new Adjustment("volume", best.Id, $"{best.Name}: {Num(best.Percent)}% on orders {Threshold(best, currency)}", amount));
                w.Net -= amount;
            }
        }

        var next = offers.Where(v => !Reached(v) && v.Percent > (best?.Percent ?? 0) && v.MinOrderValue is not null && v.MinOrderQuantity is null)
            .OrderBy(v => v.MinOrderValue).FirstOrDefault();
        return next is null ? null : $"Add {Num(Currency.Round(next.MinOrderValue!.Value - value, currency))} {currency} to your order to get {Num(next.Percent)}% off ({next.Name}).";
    }

    private static string Threshold(VolumeDiscount v, string currency) =>
        v.MinOrderValue is { } value ? $"from {Num(value)} {currency}" : $"from {Num(v.MinOrderQuantity ?? 0)} units";

    private static IEnumerable<QuoteLine> BonusLines(List<Work> work, Promotion[] promotions, PricingBook book, int numbered)
    {
        foreach (var w in work.Where(w => w.Status == LineStatus.Priced))
        {
            foreach (var p in promotions.Where(p => p.Reward is { Kind: RewardKind.BonusProduct, BonusSku: not null, BuyQuantity: > 0, BonusQuantity: > 0 }))
            {
                if (!(p.Products.IsEmpty || p.Products.MatchesSku(w.Product!) || p.Products.MatchesGroup(w.Product!)) || !book.Products.TryGetValue(p.Reward.BonusSku!, out var bonus))
                {
                    continue;
                }

                var free = decimal.Floor(w.Quantity * w.SaleUnit!.Factor / p.Reward.BuyQuantity!.Value) * p.Reward.BonusQuantity!.Value;
                if (free > 0)
                {
                    yield return new QuoteLine(++numbered, bonus.Sku, bonus.BaseUnit, free, LineStatus.Bonus, null, 0, [new Adjustment("promotion", p.Id,
                        $"{p.Name}: {Num(p.Reward.BonusQuantity.Value)} {bonus.BaseUnit} of {bonus.Sku} free for every {Num(p.Reward.BuyQuantity.Value)} {w.Product!.BaseUnit} of {w.Sku}", 0)],
                        0, 0, 0, [], []);
                }
            }
        }
    }

    internal static string Num(decimal value) => value.ToString("0.######", Inv);

    /// <summary>A line while it is being priced.</summary>
    private sealed class Work(int line, string sku, string unit, decimal quantity)
    {
        private decimal _percentFactor = 1;
        private decimal _amountOff;

        public int Line { get; } = line;

        public string Sku { get; } = sku;

        public string Unit { get; } = unit;

        public decimal Quantity { get; } = quantity;

        public Product? Product { get; set; }

        public SaleUnit? SaleUnit { get; set; }

        public LineStatus Status { get; set; } = LineStatus.Unavailable;

        public decimal List { get; set; }

        public decimal Net { get; set; }

        public bool Fixed { get; private set; }

        public PriceSource? Source { get; set; }

        public PriceEntry? NextTier { get; set; }

        public List<Adjustment> Adjustments { get; } = [];

        public List<string> Issues { get; } = [];

        public List<string> Hints { get; } = [];

        public Work Unavailable(string reason)
        {
            Status = LineStatus.Unavailable;
            Issues.Add(reason);
            return this;
        }

        public void Percent(string kind, string id, string description, decimal percent)
        {
            var before = List * _percentFactor;
            _percentFactor *= 1 - (Math.Clamp(percent, 0, 100) / 100);
            Adjustments.Add(new Adjustment(kind, id, description, before - (List * _percentFactor)));
        }

        public void AmountOff(string kind, string id, string description, decimal amount)
        {
            _amountOff += Math.Max(0, amount);
            Adjustments.Add(new Adjustment(kind, id, description, Math.Max(0, amount)));
        }

        public void FixTo(string id, string description, decimal price)
        {
            Fixed = true;
            Adjustments.Add(new Adjustment("promotion", id, description, List - price));
            Net = price;
        }

        /// <summary>Net = list × the product of (1 - percent) - amounts, never below zero.</summary>
        public void SettleAmounts()
        {
            var net = (List * _percentFactor) - _amountOff;
            if (net < 0 && Adjustments.Count > 0)
            {
                var last = Adjustments[^1];
                Adjustments[^1] = last with { AmountPerUnit = last.AmountPerUnit + net, Description = last.Description + " (up to the price)" };
            }

            Net = Math.Max(0, net);
        }

        public QuoteLine ToLine(string currency)
        {
            var priced = Status == LineStatus.Priced;
            var lineTotal = priced ? Currency.Round(Net * Quantity, currency) : 0;
            return new QuoteLine(Line, Sku, Unit, Quantity, Status, Source, priced ? List : null, Adjustments, priced ? decimal.Round(Net, 6) : null,
                priced ? Currency.Round(List * Quantity, currency) : 0, lineTotal, Issues, Hints);
        }
    }
}
