using Agora.Core.Catalog;

namespace Agora.Core.Pricing;

/// <summary>List resolution: which lists compete for a customer, and the list price of a line — per the supplier's
/// resolution, from the first (or cheapest) list with an entry for the product, in the line's unit or its base unit, at
/// the tier the quantity reaches, in the customer's currency or converted.</summary>
internal static class ListResolver
{
    /// <summary>The valid lists for the customer, most specific first, then by priority and id.</summary>
    public static PriceList[] CandidateLists(PricingBook book, PricingCustomer customer, DateTimeOffset now)
    {
        var lists = book.Lists.Where(l => l.Active && l.IsValidAt(now) && l.Audience.Includes(customer)).ToList();
        if (lists.All(l => l.Id != PriceEntry.BaseList) && book.Entries.FirstOrDefault(e => e.PriceListId == PriceEntry.BaseList) is { } baseEntry)
        {
            lists.Add(PriceList.ImplicitBase(baseEntry.Currency));
        }

        return lists.OrderByDescending(l => l.Audience.Specificity).ThenByDescending(l => l.Priority).ThenBy(l => l.Id, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The list price per sale unit, where it came from and the next tier; null when none converts (price on
    /// request).</summary>
    public static (decimal Price, PriceSource Source, PriceEntry? Next)? Resolve(Product product, SaleUnit unit, decimal quantity, PricingCustomer customer,
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
            decimal? rate = entry.Currency == customer.Currency ? null : Exchange.RateOf(settings.ExchangeRates, entry.Currency, customer.Currency);
            if (entry.Currency != customer.Currency && rate is null)
            {
                if (settings.Resolution == ListResolution.MostSpecific)
                {
                    return null; // the list that should price this line cannot: never a wrong number
                }

                continue;
            }

            var price = Exchange.Convert(entry.Price * factor, rate, customer.Currency);
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
}

/// <summary>The entries of the candidate lists, by SKU: one list per candidate list id (a slot), sorted by minimum
/// quantity, so a line finds its prices in every list with one lookup.</summary>
internal sealed class ListEntries
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
