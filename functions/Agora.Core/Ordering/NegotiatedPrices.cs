using Agora.Core.Common;
using Agora.Core.Pricing;

namespace Agora.Core.Ordering;

/// <summary>An accepted quote's prices over the engine's quote of the same lines (pure): each line keeps the engine's full
/// explanation and gains one adjustment, "negotiated", from the engine's net price to the agreed one, so the order says both
/// what the price list would have given and what was agreed.</summary>
public static class NegotiatedPrices
{
    public static Quote Apply(Quote engine, NegotiatedQuote quote)
    {
        var proposal = quote.Proposal ?? throw new ArgumentException("The quote has no proposal.", nameof(quote));
        var minor = Currency.MinorUnitsOf(engine.Currency);
        var lines = engine.Lines.Select(line =>
        {
            var agreed = proposal.Lines.FirstOrDefault(l => l.Line == line.Line && l.Sku == line.Sku);
            if (agreed?.ProposedUnitPrice is not { } price || line.Status == LineStatus.Bonus)
            {
                return line;
            }

            var net = line.NetUnitPrice ?? line.ListUnitPrice ?? price;
            var adjustment = new Adjustment("negotiated", quote.Id, $"Negotiated in quote {quote.Id}, version {proposal.Number}: {Num(price)} {engine.Currency} instead of {Num(net)}", net - price);
            var total = Currency.Round(price * line.Quantity, minor, MidpointRounding.AwayFromZero);
            return line with
            {
                Status = LineStatus.Priced,
                Adjustments = [.. line.Adjustments, adjustment],
                NetUnitPrice = price,
                LineTotal = total,
                ListTotal = line.ListUnitPrice is { } list ? Currency.Round(list * line.Quantity, minor, MidpointRounding.AwayFromZero) : total,
                Issues = line.Status == LineStatus.PriceOnRequest ? [] : line.Issues,
            };
        }).ToArray();
        var listTotal = lines.Sum(l => l.ListTotal);
        var totalAll = lines.Sum(l => l.LineTotal);
        return engine with { Lines = lines, ListTotal = listTotal, DiscountTotal = listTotal - totalAll, Total = totalAll };
    }

    private static string Num(decimal value) => value.ToString("#,0.00##", System.Globalization.CultureInfo.InvariantCulture);
}
