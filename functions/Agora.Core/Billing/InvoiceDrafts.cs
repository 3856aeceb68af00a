using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Billing;

/// <summary>A part of an order line to invoice or credit: <paramref name="Quantity"/> in the line's sale unit.</summary>
public sealed record BilledPart(int LineIndex, decimal Quantity);

/// <summary>What an order line has been invoiced so far (net of credit notes), to bill the rest exactly.</summary>
public sealed record BilledSoFar(decimal Quantity, decimal Amount);

/// <summary>Builds invoices and credit notes from the order they bill (issue 12), pure: the lines at the order's prices,
/// in the order's currency. A part of a line is its quantity × the line's net unit price, rounded to the currency; the part
/// that completes a line takes what is left of the line's total instead, so the invoices of an order's shipments add up
/// to the order's total exactly, whatever the rounding of each.</summary>
public static class InvoiceDrafts
{
    public sealed record Numbering(string Id, string Series, long Number, DateTimeOffset IssuedAt, string Language);

    public static Invoice Invoice(Order order, IReadOnlyList<BilledPart> parts, IReadOnlyDictionary<int, BilledSoFar> billed, InvoiceParty seller, InvoiceParty buyer, InvoiceTerms terms, Numbering numbering, string? shipmentId = null)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(numbering);
        var lines = Lines(order, parts, billed, credit: false);
        var total = lines.Sum(l => l.Total);
        var issuedOn = DateOnly.FromDateTime(numbering.IssuedAt.UtcDateTime);
        return new Invoice
        {
            Id = numbering.Id,
            Kind = InvoiceKind.Invoice,
            SupplierId = order.SupplierId,
            BuyerId = order.BuyerId,
            Series = numbering.Series,
            Number = numbering.Number,
            Seller = seller,
            Buyer = buyer,
            Currency = order.Currency,
            Lines = lines,
            Total = total,
            Installments = Installments.Split(total, order.Currency, terms, issuedOn),
            PaymentTerms = Describe(terms),
            IssuedOn = issuedOn,
            IssuedAt = numbering.IssuedAt,
            PurchaseOrderNumbers = order.PurchaseOrderNumber is { } po ? [po] : [],
            ShipmentId = shipmentId,
            Language = numbering.Language,
        };
    }

    /// <summary>A credit note for <paramref name="parts"/> of <paramref name="corrected"/>'s order (returned goods, a price
    /// corrected): never more than what was invoiced of each line.</summary>
    public static Invoice CreditNote(Order order, Invoice corrected, IReadOnlyList<BilledPart> parts, IReadOnlyDictionary<int, BilledSoFar> billed, string reason, Numbering numbering)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(corrected);
        ArgumentNullException.ThrowIfNull(numbering);
        var lines = Lines(order, parts, billed, credit: true);
        var issuedOn = DateOnly.FromDateTime(numbering.IssuedAt.UtcDateTime);
        return corrected with
        {
            Id = numbering.Id,
            Kind = InvoiceKind.CreditNote,
            Series = numbering.Series,
            Number = numbering.Number,
            Lines = lines,
            Total = lines.Sum(l => l.Total),
            Installments = [],
            IssuedOn = issuedOn,
            IssuedAt = numbering.IssuedAt,
            CorrectsInvoiceId = corrected.Id,
            Reason = reason,
            Language = numbering.Language,
        };
    }

    private static InvoiceLine[] Lines(Order order, IReadOnlyList<BilledPart> parts, IReadOnlyDictionary<int, BilledSoFar> billed, bool credit)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentNullException.ThrowIfNull(billed);
        var v = new Validation();
        var lines = new List<InvoiceLine>(parts.Count);
        for (var p = 0; p < parts.Count; p++)
        {
            var (index, quantity) = parts[p];
            if (index < 0 || index >= order.Lines.Count)
            {
                v.Add($"lines[{p}].line", $"order {order.Number} has no line {index + 1}.");
                continue;
            }

            var price = order.Lines[index].Price;
            var so = billed.GetValueOrDefault(index) ?? new BilledSoFar(0, 0);
            var limit = credit ? so.Quantity : price.Quantity - so.Quantity;
            if (quantity <= 0 || quantity > limit)
            {
                v.Add($"lines[{p}].quantity", credit
                    ? $"line {index + 1} ({price.Sku}) was invoiced for {so.Quantity} {price.Unit}; credit more than zero and at most that."
                    : $"line {index + 1} ({price.Sku}) has {limit} {price.Unit} left to invoice; invoice more than zero and at most that.");
                continue;
            }

            var net = price.NetUnitPrice ?? 0;
            decimal total;
            if (!credit && quantity == limit)
            {
                total = price.LineTotal - so.Amount; // the rest of the line: the parts add up to its total
            }
            else if (credit && quantity == so.Quantity)
            {
                total = so.Amount; // all that was invoiced of it
            }
            else
            {
                total = Currency.Round(net * quantity, order.Currency);
            }

            lines.Add(new InvoiceLine(lines.Count + 1, price.Sku, order.Lines[index].Name, price.Unit, quantity, net, total, order.Id, order.Number));
        }

        v.ThrowIfInvalid();
        return [.. lines];
    }

    /// <summary>The terms as printed: "30/60/90", "30% deposit, then 30/60", "prepayment".</summary>
    public static string Describe(InvoiceTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        return terms.Prepayment ? "prepayment"
            : terms.DepositPercent > 0 ? $"{terms.DepositPercent.ToString(System.Globalization.CultureInfo.InvariantCulture)}% deposit, then {terms.Terms.Code}"
            : terms.Terms.Code;
    }
}
