using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Fulfilment;

/// <summary>An order of the same supplier and buyer that was close to a proposal but cannot travel with it, and why.</summary>
public sealed record LeftOut(string OrderId, string Reason);

/// <summary>Orders Agora proposes to send as one delivery; the supplier confirms it by splitting them into a lot.</summary>
public sealed record ConsolidationProposal(string SupplierId, string BuyerId, IReadOnlyList<string> OrderIds, IReadOnlyList<LeftOut> LeftOut);

/// <summary>Which open orders can travel together (pure). Orders are compatible when all of these hold:
/// <list type="bullet">
/// <item>the same supplier and the same buyer;</item>
/// <item>the order still has goods to ship: confirmed or partially shipped (placed ones wait for the supplier, shipped,
/// delivered and ended ones have nothing left);</item>
/// <item>the same delivery address, compared folded (case, accents, punctuation and spacing ignored) on its street lines,
/// city, region, postal code and country: the label, recipient and phone do not change where the truck stops;</item>
/// <item>the same delivery terms: incoterm, and its place compared folded;</item>
/// <item>requested delivery dates within the window of the earliest one in the group; orders without a date travel only
/// with others without one (as soon as possible is not a date).</item>
/// </list>
/// Each proposal has at least two orders; orders of the same supplier and buyer not in it are listed with the first
/// rule they break against it.</summary>
public static class Consolidation
{
    public static IReadOnlyList<ConsolidationProposal> Propose(IReadOnlyList<Order> orders, int windowDays)
    {
        ArgumentNullException.ThrowIfNull(orders);
        if (windowDays < 0)
        {
            throw DomainException.Invalid("windowDays", "must be zero or more days.");
        }

        var proposals = new List<ConsolidationProposal>();
        foreach (var party in orders.GroupBy(o => (o.SupplierId, o.BuyerId)))
        {
            var clusters = party.Where(CanShip)
                .GroupBy(o => (Address: AddressKey(o.DeliveryAddress), Terms: TermsKey(o.DeliveryTerms), Dated: o.RequestedDeliveryDate is not null))
                .SelectMany(group => Windows(group, windowDays))
                .Where(c => c.Count > 1)
                .ToArray();
            foreach (var cluster in clusters)
            {
                var leftOut = party.Where(o => !cluster.Contains(o))
                    .Select(o => new LeftOut(o.Id, clusters.FirstOrDefault(c => c.Contains(o)) is { } other
                        ? $"proposed with order {string.Join(", ", other.Where(x => x != o).Select(x => x.Number))}"
                        : Why(o, cluster, windowDays)))
                    .ToArray();
                proposals.Add(new ConsolidationProposal(party.Key.SupplierId, party.Key.BuyerId, cluster.Select(o => o.Id).ToArray(), leftOut));
            }
        }

        return proposals;
    }

    /// <summary>Orders sorted by requested date, cut where one falls past the window of the first of its cluster.</summary>
    private static List<List<Order>> Windows(IEnumerable<Order> orders, int windowDays)
    {
        var clusters = new List<List<Order>>();
        foreach (var order in orders.OrderBy(o => o.RequestedDeliveryDate).ThenBy(o => o.CreatedAt))
        {
            if (clusters.Count > 0 && Within(clusters[^1][0], order, windowDays))
            {
                clusters[^1].Add(order);
            }
            else
            {
                clusters.Add([order]);
            }
        }

        return clusters;
    }

    private static bool Within(Order first, Order order, int windowDays) =>
        first.RequestedDeliveryDate is not { } a || order.RequestedDeliveryDate is not { } b || Math.Abs(b.DayNumber - a.DayNumber) <= windowDays;

    private static bool CanShip(Order order) => order.Status is OrderStatus.Confirmed or OrderStatus.PartiallyShipped;

    private static string Why(Order order, List<Order> cluster, int windowDays)
    {
        var first = cluster[0];
        if (!CanShip(order))
        {
            return $"order is {OrderLifecycle.Name(order.Status)}";
        }

        if (AddressKey(order.DeliveryAddress) != AddressKey(first.DeliveryAddress))
        {
            return "different delivery address";
        }

        if (!string.Equals(order.DeliveryTerms.Incoterm, first.DeliveryTerms.Incoterm, StringComparison.OrdinalIgnoreCase))
        {
            return "different incoterm";
        }

        if (TermsKey(order.DeliveryTerms) != TermsKey(first.DeliveryTerms))
        {
            return "different incoterm place";
        }

        if ((order.RequestedDeliveryDate is null) != (first.RequestedDeliveryDate is null))
        {
            return order.RequestedDeliveryDate is null ? "no requested delivery date" : "has a requested delivery date";
        }

        return $"requested delivery date more than {windowDays} days from {first.RequestedDeliveryDate:yyyy-MM-dd}";
    }

    /// <summary>The address as the truck sees it: folded street lines, city, region and postal code, and the country.</summary>
    public static string AddressKey(Address address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return string.Join('|', Text.Slug(address.Line1), Text.Slug(address.Line2 ?? ""), Text.Slug(address.City), Text.Slug(address.Region ?? ""),
            Text.Slug(address.PostalCode).Replace("-", "", StringComparison.Ordinal), address.Country.Trim().ToUpperInvariant());
    }

    private static string TermsKey(DeliveryTerms terms) => $"{terms.Incoterm.Trim().ToUpperInvariant()}|{Text.Slug(terms.Place ?? "")}";
}
