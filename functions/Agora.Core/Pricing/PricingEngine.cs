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
        var entries = new ListEntries(book.Entries, lists);
        var discounts = book.Discounts.Where(d => d.Audience.Includes(customer) && d.IsValidAt(now)).OrderByDescending(d => d.Priority).ThenBy(d => d.Id, StringComparer.Ordinal).ToArray();
        var promotions = book.Promotions.Where(p => p.Audiences.Any(a => a.Includes(customer)) && p.IsValidAt(now)
                && (p.CouponCode is null || coupons.Contains(p.CouponCode))
                && (p.UsageLimitPerCustomer is not { } limit || book.PromotionUses.GetValueOrDefault(p.Id) < limit))
            .OrderByDescending(p => p.Priority).ThenBy(p => p.Id, StringComparer.Ordinal).ToArray();
        var rules = new QuoteRules(discounts, promotions, book.QuantityRules.Where(r => r.Audience.Includes(customer)).ToArray());

        var work = new List<Work>(cart.Count);
        for (var i = 0; i < cart.Count; i++)
        {
            work.Add(PriceLine(i + 1, cart[i], customer, book, lists, entries, rules));
        }

        ApplyBundles(work, promotions, currency);
        var volumeHint = ApplyVolume(work, book, customer, now, currency);
        var cap = book.Settings.MaxTotalDiscountPercent;
        string? capText = null;
        var lines = new List<QuoteLine>(work.Count);
        foreach (var w in work)
        {
            if (w.Status == LineStatus.Priced && !w.Fixed && cap < 100)
            {
                var floor = w.List * (1 - (cap / 100));
                if (w.Net < floor)
                {
                    capText ??= $"The supplier's discounts stop at {Num(cap)}% off the list price.";
                    w.Adjustments.Add(new Adjustment("cap", "maxTotalDiscount", capText, -(floor - w.Net)));
                    w.Net = floor;
                }
            }

            lines.Add(w.ToLine(currency));
        }

        AddBonusLines(work, rules, book, lines);
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
                v.Add($"lines[{i}].quantity", "must be more than zero, with at most 6 decimals.");
            }
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

    private static Work PriceLine(int number, (string Sku, string Unit, decimal Quantity) line, PricingCustomer customer, PricingBook book, PriceList[] lists,
        ListEntries entries, QuoteRules rules)
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
        var keys = rules.Keys.For(product);
        if (rules.QuantityRuleFor(product, keys) is { } quantityRule)
        {
            w.Issues.AddRange(QuantityRules.Check(product, unit, line.Quantity, quantityRule));
        }

        var price = ResolvePrice(product, unit, line.Quantity, customer, book.Settings, lists, entries);
        if (price is null)
        {
            w.Status = LineStatus.PriceOnRequest;
            w.Issues.Add(entries.Of(product.Sku) is not null
                ? $"No price for {product.Sku} converts to {customer.Currency}: ask the supplier for a quote."
                : $"{product.Sku} has no price for you: ask the supplier for a quote.");
            return w;
        }

        (w.List, w.Source, w.NextTier) = price.Value;
        w.Net = w.List;
        w.Status = LineStatus.Priced;
        ApplyLineRules(w, product, unit, keys, rules);
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
        PricingSettings settings, PriceList[] lists, ListEntries entries)
    {
        (decimal Price, PriceSource Source, PriceEntry? Next)? best = null;
        if (entries.Of(product.Sku) is not { } bySlot)
        {
            return null; // no candidate list has an entry for the product
        }

        for (var position = 0; position < lists.Length; position++)
        {
            var list = lists[position];
            if (bySlot[entries.SlotOf(position)] is not { } candidates)
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
            decimal? rate = entry.Currency == customer.Currency ? null : RateOf(settings.ExchangeRates, entry.Currency, customer.Currency);
            if (entry.Currency != customer.Currency && rate is null)
            {
                if (settings.Resolution == ListResolution.MostSpecific)
                {
                    return null; // the list that should price this line cannot: never a wrong number
                }

                continue;
            }

            var price = Convert(entry.Price * factor, rate, customer.Currency);
            var source = new PriceSource(list.Id, list.Name, entries.AudienceOf(position), entry.MinQuantity, entry.Unit, entry.Price, entry.Currency, rate);
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

    /// <summary>The first rate from <paramref name="from"/> to <paramref name="to"/>, if any.</summary>
    private static decimal? RateOf(IReadOnlyList<ExchangeRate> rates, string from, string to)
    {
        for (var i = 0; i < rates.Count; i++)
        {
            if (rates[i].From == from && rates[i].To == to)
            {
                return rates[i].Rate;
            }
        }

        return null;
    }

    /// <summary>Converted prices are rounded to the target currency's minor unit, like a converted price list would be.</summary>
    private static decimal Convert(decimal price, decimal? rate, string currency) => rate is { } r ? Currency.Round(price * r, currency) : price;

    private static void ApplyLineRules(Work w, Product product, SaleUnit unit, ProductKeys keys, QuoteRules rules)
    {
        var lineValue = w.List * w.Quantity;
        var quantityBase = w.Quantity * unit.Factor;
        var found = rules.Found;
        found.Clear();
        foreach (var i in rules.DiscountsFor(keys))
        {
            var d = rules.Discounts[i];
            found.Add(new LineRule(d.Priority, d.Id, d.Stacking == Stacking.Exclusive, LineRuleKind.Discount, i, found.Count));
        }

        foreach (var i in rules.PromotionsFor(keys))
        {
            var p = rules.Promotions[i];
            if ((p.MinQuantity is { } minQ && quantityBase < minQ) || (p.MinValue is { } minV && lineValue < minV))
            {
                continue;
            }

            switch (p.Reward.Kind)
            {
                case RewardKind.PercentOff when p.Reward.Percent is not null:
                    found.Add(new LineRule(p.Priority, p.Id, p.Stacking == Stacking.Exclusive, LineRuleKind.PercentOff, i, found.Count));
                    break;
                case RewardKind.AmountOff when p.Reward.Amount is not null:
                    found.Add(new LineRule(p.Priority, p.Id, p.Stacking == Stacking.Exclusive, LineRuleKind.AmountOff, i, found.Count));
                    break;
                case RewardKind.FixedPrice when p.Reward.FixedPrice is not null:
                    found.Add(new LineRule(p.Priority, p.Id, true, LineRuleKind.FixedPrice, i, found.Count));
                    break;
            }
        }

        // One exclusive rule (the highest priority, then the lowest id, then the first found) replaces all others.
        var exclusive = -1;
        for (var k = 0; k < found.Count; k++)
        {
            if (found[k].Exclusive && (exclusive < 0 || LineRule.Compare(found[k], found[exclusive]) < 0))
            {
                exclusive = k;
            }
        }

        if (exclusive >= 0)
        {
            Apply(found[exclusive], w, product, unit, rules);
            if (!w.Fixed)
            {
                w.SettleAmounts();
            }

            return;
        }

        // Otherwise every combinable rule applies. Percentages multiply and amounts are taken after them, so the result
        // is the same in any order; the adjustments are listed by priority, then id, then as found.
        found.Sort(LineRule.Compare);
        foreach (var rule in found)
        {
            Apply(rule, w, product, unit, rules);
        }

        w.SettleAmounts();
    }

    private static void Apply(LineRule rule, Work w, Product product, SaleUnit unit, QuoteRules rules)
    {
        if (rule.Kind == LineRuleKind.Discount)
        {
            var d = rules.Discounts[rule.Index];
            w.Percent("discount", d.Id, rules.DiscountText(rule.Index), d.Percent);
            return;
        }

        var p = rules.Promotions[rule.Index];
        switch (rule.Kind)
        {
            case LineRuleKind.PercentOff:
                w.Percent("promotion", p.Id, rules.PercentOffText(rule.Index), p.Reward.Percent!.Value);
                break;
            case LineRuleKind.AmountOff:
                w.AmountOff("promotion", p.Id, $"{rules.Label(rule.Index)}: {Num(p.Reward.Amount!.Value)} off per {unit.Code}", p.Reward.Amount.Value);
                break;
            default:
                w.FixTo(p.Id, $"{rules.Label(rule.Index)}: {Num(p.Reward.FixedPrice!.Value)} per {product.BaseUnit}", p.Reward.FixedPrice.Value * unit.Factor);
                break;
        }
    }

    private static void ApplyBundles(List<Work> work, Promotion[] promotions, string currency)
    {
        Dictionary<string, Work>? firstPriced = null; // bundles change net prices only, so this holds throughout
        foreach (var p in promotions.Where(p => p.Reward is { Kind: RewardKind.BundlePrice, BundleSkus.Count: > 1, BundlePrice: not null }))
        {
            firstPriced ??= FirstPricedBySku(work);
            var members = p.Reward.BundleSkus!.Select(sku => firstPriced.GetValueOrDefault(sku)).ToArray();
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

    /// <summary>For each SKU, its first line that is priced and not at a fixed price: the line a bundle takes.</summary>
    private static Dictionary<string, Work> FirstPricedBySku(List<Work> work)
    {
        var first = new Dictionary<string, Work>(StringComparer.Ordinal);
        foreach (var w in work)
        {
            if (w.Status == LineStatus.Priced && !w.Fixed)
            {
                first.TryAdd(w.Sku, w);
            }
        }

        return first;
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
            var text = $"{best.Name}: {Num(best.Percent)}% on orders {Threshold(best, currency)}";
            foreach (var w in priced.Where(w => !w.Fixed))
            {
                var amount = w.Net * best.Percent / 100;
                w.Adjustments.Add(new Adjustment("volume", best.Id, text, amount));
                w.Net -= amount;
            }
        }

        var next = offers.Where(v => !Reached(v) && v.Percent > (best?.Percent ?? 0) && v.MinOrderValue is not null && v.MinOrderQuantity is null)
            .OrderBy(v => v.MinOrderValue).FirstOrDefault();
        return next is null ? null : $"Add {Num(Currency.Round(next.MinOrderValue!.Value - value, currency))} {currency} to your order to get {Num(next.Percent)}% off ({next.Name}).";
    }

    private static string Threshold(VolumeDiscount v, string currency) =>
        v.MinOrderValue is { } value ? $"from {Num(value)} {currency}" : $"from {Num(v.MinOrderQuantity ?? 0)} units";

    private static void AddBonusLines(List<Work> work, QuoteRules rules, PricingBook book, List<QuoteLine> lines)
    {
        var numbered = lines.Count;
        foreach (var w in work)
        {
            if (w.Status != LineStatus.Priced)
            {
                continue;
            }

            foreach (var i in rules.BonusesFor(rules.Keys.For(w.Product!)))
            {
                var p = rules.Bonuses[i];
                if (!book.Products.TryGetValue(p.Reward.BonusSku!, out var bonus))
                {
                    continue;
                }

                var free = decimal.Floor(w.Quantity * w.SaleUnit!.Factor / p.Reward.BuyQuantity!.Value) * p.Reward.BonusQuantity!.Value;
                if (free > 0)
                {
                    lines.Add(new QuoteLine(++numbered, bonus.Sku, bonus.BaseUnit, free, LineStatus.Bonus, null, 0, [new Adjustment("promotion", p.Id,
                        $"{p.Name}: {Num(p.Reward.BonusQuantity.Value)} {bonus.BaseUnit} of {bonus.Sku} free for every {Num(p.Reward.BuyQuantity.Value)} {w.Product!.BaseUnit} of {w.Sku}", 0)],
                        0, 0, 0, [], []));
                }
            }
        }
    }

    internal static string Num(decimal value) => value.ToString("0.######", Inv);

    /// <summary>The entries of the candidate lists, by SKU: one list per candidate list id (a slot), sorted by minimum
    /// quantity, so a line finds its prices in every list with one lookup.</summary>
    private sealed class ListEntries
    {
        private readonly int[] _slots;
        private readonly string?[] _audiences;
        private readonly PriceList[] _lists;
        private readonly Dictionary<string, List<PriceEntry>?[]> _bySku = new(StringComparer.Ordinal);

        public ListEntries(IReadOnlyList<PriceEntry> entries, PriceList[] lists)
        {
            _lists = lists;
            _audiences = new string?[lists.Length];
            _slots = new int[lists.Length];
            var slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < lists.Length; i++)
            {
                if (!slotOf.TryGetValue(lists[i].Id, out var slot))
                {
                    slot = slotOf.Count;
                    slotOf[lists[i].Id] = slot;
                }

                _slots[i] = slot;
            }

            foreach (var entry in entries)
            {
                if (!slotOf.TryGetValue(entry.PriceListId, out var slot))
                {
                    continue;
                }

                if (!_bySku.TryGetValue(entry.Sku, out var bySlot))
                {
                    bySlot = new List<PriceEntry>?[slotOf.Count];
                    _bySku[entry.Sku] = bySlot;
                }

                (bySlot[slot] ??= []).Add(entry);
            }

            foreach (var bySlot in _bySku.Values)
            {
                foreach (var list in bySlot)
                {
                    list?.Sort((a, b) => a.MinQuantity.CompareTo(b.MinQuantity));
                }
            }
        }

        /// <summary>The SKU's entries by slot (null where a list has none), or null when no candidate list has any.</summary>
        public List<PriceEntry>?[]? Of(string sku) => _bySku.GetValueOrDefault(sku);

        /// <summary>The slot of the candidate list at <paramref name="position"/>.</summary>
        public int SlotOf(int position) => _slots[position];

        /// <summary>The audience of the candidate list at <paramref name="position"/>, as a price source names it.</summary>
        public string AudienceOf(int position) => _audiences[position] ??= _lists[position].Audience.ToString();
    }

    private enum LineRuleKind : byte
    {
        Discount,
        PercentOff,
        AmountOff,
        FixedPrice,
    }

    /// <summary>A rule found for a line: <see cref="Index"/> into <see cref="QuoteRules.Discounts"/> or
    /// <see cref="QuoteRules.Promotions"/>, and <see cref="Found"/>, its place among the line's rules (discounts first).</summary>
    private readonly record struct LineRule(int Priority, string Id, bool Exclusive, LineRuleKind Kind, int Index, int Found)
    {
        /// <summary>Highest priority first, then by id, then as found (what LINQ's stable ordering gave).</summary>
        public static int Compare(LineRule a, LineRule b) =>
            a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority)
            : string.CompareOrdinal(a.Id, b.Id) is var byId and not 0 ? byId
            : a.Found.CompareTo(b.Found);
    }

    /// <summary>The rules that can apply to this quote's lines (for this customer, valid now, coupons and usage limits
    /// checked), indexed by the SKUs, brands and categories they name, with the texts they explain lines with. One per
    /// quote: not thread-safe.</summary>
    private sealed class QuoteRules
    {
        private readonly ProductSetIndex _discounts;
        private readonly ProductSetIndex _promotions;
        private readonly ProductSetIndex _bonuses;
        private readonly ProductSetIndex _quantity;
        private readonly QuantityRule[] _quantityRules;
        private readonly string?[] _discountTexts;
        private readonly string?[] _percentOffTexts;
        private readonly string?[] _labels;
        private readonly List<int> _matched = [];

        public QuoteRules(DiscountRule[] discounts, Promotion[] promotions, QuantityRule[] quantityRules)
        {
            Discounts = discounts;
            Promotions = promotions;
            Bonuses = promotions.Where(p => p.Reward is { Kind: RewardKind.BonusProduct, BonusSku: not null, BuyQuantity: > 0, BonusQuantity: > 0 }).ToArray();
            _quantityRules = quantityRules;
            _discounts = new ProductSetIndex(discounts.Select(d => d.Products).ToArray());
            _promotions = new ProductSetIndex(promotions.Select(p => p.Products).ToArray());
            _bonuses = new ProductSetIndex(Bonuses.Select(p => p.Products).ToArray());
            _quantity = new ProductSetIndex(quantityRules.Select(r => r.Products).ToArray());
            _discountTexts = new string?[discounts.Length];
            _percentOffTexts = new string?[promotions.Length];
            _labels = new string?[promotions.Length];
        }

        public ProductKeyCache Keys { get; } = new();

        public DiscountRule[] Discounts { get; }

        public Promotion[] Promotions { get; }

        /// <summary>The promotions that give free goods, in the order of <see cref="Promotions"/>.</summary>
        public Promotion[] Bonuses { get; }

        /// <summary>The current line's rules (reused from line to line).</summary>
        public List<LineRule> Found { get; } = [];

        // Each returns the positions of the rules that match the product, ascending, in a list reused by the next call.
        public List<int> DiscountsFor(in ProductKeys product) => Matched(_discounts, product);

        public List<int> PromotionsFor(in ProductKeys product) => Matched(_promotions, product);

        public List<int> BonusesFor(in ProductKeys product) => Matched(_bonuses, product);

        /// <summary>As <see cref="QuantityRules.RuleFor"/>: among the rules in a unit the product is sold in, the most
        /// specific audience, then a rule naming the SKU over one naming its group over one for all products, then the
        /// lowest id, then the first.</summary>
        public QuantityRule? QuantityRuleFor(Product product, in ProductKeys keys)
        {
            QuantityRule? best = null;
            var bestRank = 0;
            foreach (var i in Matched(_quantity, keys))
            {
                var rule = _quantityRules[i];
                if (product.UnitOf(rule.Unit) is null)
                {
                    continue;
                }

                var rank = rule.Products.MatchesSku(product) ? 2 : rule.Products.IsEmpty ? 0 : 1;
                if (best is null
                    || rule.Audience.Specificity > best.Audience.Specificity
                    || (rule.Audience.Specificity == best.Audience.Specificity && (rank > bestRank || (rank == bestRank && string.CompareOrdinal(rule.Id, best.Id) < 0))))
                {
                    best = rule;
                    bestRank = rank;
                }
            }

            return best;
        }

        public string DiscountText(int i)
        {
            var d = Discounts[i];
            return _discountTexts[i] ??= $"{d.Name}: {Num(d.Percent)}% for {d.Audience}";
        }

        public string PercentOffText(int i) => _percentOffTexts[i] ??= $"{Label(i)}: {Num(Promotions[i].Reward.Percent!.Value)}% off";

        public string Label(int i)
        {
            var p = Promotions[i];
            return _labels[i] ??= p.Clearance ? $"{p.Name} (clearance)" : p.Name;
        }

        private List<int> Matched(ProductSetIndex index, in ProductKeys product)
        {
            index.Match(product, _matched);
            return _matched;
        }
    }

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
