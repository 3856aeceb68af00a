using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Common;
using Agora.Core.Ordering;
using Agora.Core.Pricing;
using Agora.Core.Tests.Ordering;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Billing;

/// <summary>Invoices and credit notes built from the order they bill.</summary>
public sealed class InvoiceDraftsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 15, 0, 0, TimeSpan.Zero);
    private static readonly InvoiceParty Seller = new("acme", "Acme Distribuidora Ltda", "12.345.678/0001-90", null);
    private static readonly InvoiceParty Buyer = new("buyer", "Construtora Horizonte SA", "98.765.432/0001-10", null);
    private static readonly InvoiceTerms Terms = new(new PaymentTerms([30, 60, 90]));

    private static Order OrderOf(params (string Sku, decimal Quantity, decimal Net)[] lines)
    {
        var orderLines = lines.Select((l, i) =>
        {
            var total = Currency.Round(l.Quantity * l.Net, "BRL");
            return new OrderLine(new QuoteLine(i + 1, l.Sku, "UN", l.Quantity, LineStatus.Priced, null, l.Net, [], l.Net, total, total, [], []), $"Produto {l.Sku}", l.Quantity, [], 0);
        }).ToArray();
        var sum = orderLines.Sum(l => l.Price.LineTotal);
        return LifecycleTests.OrderIn(OrderStatus.Confirmed) with { Lines = orderLines, ListTotal = sum, Total = sum, PurchaseOrderNumber = "PO-778" };
    }

    private static InvoiceDrafts.Numbering Number(long n, string series = "nf1") => new($"inv-{n}", series, n, At, "pt-BR");

    [Fact]
    public void An_invoice_of_a_whole_order_carries_its_lines_total_po_number_and_installments()
    {
        var order = OrderOf(("PAR-1", 3, 33.33m), ("FUR-1", 1, 100.01m));

        var invoice = InvoiceDrafts.Invoice(order, [new(0, 3), new(1, 1)], new Dictionary<int, BilledSoFar>(), Seller, Buyer, Terms, Number(42));

        Assert.Equal(order.Total, invoice.Total);
        Assert.Equal([99.99m, 100.01m], invoice.Lines.Select(l => l.Total));
        Assert.Equal(["PO-778"], invoice.PurchaseOrderNumbers);
        Assert.Equal([66.67m, 66.67m, 66.66m], invoice.Installments.Select(i => i.Amount));
        Assert.Equal("NF1-000042", invoice.DisplayNumber);
        Assert.Equal("30/60/90", invoice.PaymentTerms);
    }

    [Fact]
    public void Invoicing_more_than_is_left_of_a_line_is_refused_naming_the_part()
    {
        var order = OrderOf(("PAR-1", 3, 10m));

        var e = Assert.Throws<DomainException>(() => InvoiceDrafts.Invoice(order, [new(0, 2)], new Dictionary<int, BilledSoFar> { [0] = new(2, 20m) }, Seller, Buyer, Terms, Number(1)));

        Assert.Contains("1 UN left to invoice", e.Errors["lines[0].quantity"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_credit_note_credits_at_most_what_was_invoiced_and_has_no_installments()
    {
        var order = OrderOf(("PAR-1", 3, 33.33m));
        var invoice = InvoiceDrafts.Invoice(order, [new(0, 3)], new Dictionary<int, BilledSoFar>(), Seller, Buyer, Terms, Number(7));
        var billed = new Dictionary<int, BilledSoFar> { [0] = new(3, invoice.Total) };

        var note = InvoiceDrafts.CreditNote(order, invoice, [new(0, 1)], billed, "Returned: one damaged", Number(1, "nc1"));

        Assert.Equal((InvoiceKind.CreditNote, 33.33m, "inv-7"), (note.Kind, note.Total, note.CorrectsInvoiceId));
        Assert.Empty(note.Installments);
        Assert.Throws<DomainException>(() => InvoiceDrafts.CreditNote(order, invoice, [new(0, 4)], billed, "too much", Number(2, "nc1")));
    }

    [Property(MaxTest = 300)]
    public bool The_invoices_of_an_orders_shipments_add_up_to_its_total_whatever_the_split(int seed)
    {
        var random = new Random(seed);
        var order = OrderOf([.. Enumerable.Range(0, random.Next(1, 6)).Select(i => ($"S-{i}", (decimal)random.Next(1, 40), Math.Round((decimal)(random.NextDouble() * 300) + 0.01m, 2)))]);
        var billed = new Dictionary<int, BilledSoFar>();
        var invoiced = 0m;
        for (var n = 1; billed.Count < order.Lines.Count || billed.Any(b => b.Value.Quantity < order.Lines[b.Key].Price.Quantity); n++)
        {
            var parts = new List<BilledPart>();
            for (var i = 0; i < order.Lines.Count; i++)
            {
                var left = order.Lines[i].Price.Quantity - (billed.GetValueOrDefault(i)?.Quantity ?? 0);
                if (left > 0 && random.Next(2) == 0)
                {
                    parts.Add(new BilledPart(i, random.Next(3) == 0 ? left : random.Next(1, (int)left + 1)));
                }
            }

            if (parts.Count == 0)
            {
                continue;
            }

            var invoice = InvoiceDrafts.Invoice(order, parts, billed, Seller, Buyer, Terms, Number(n));
            if (invoice.Installments.Sum(i => i.Amount) != invoice.Total)
            {
                return false;
            }

            invoiced += invoice.Total;
            foreach (var (part, line) in parts.Zip(invoice.Lines))
            {
                var so = billed.GetValueOrDefault(part.LineIndex) ?? new BilledSoFar(0, 0);
                billed[part.LineIndex] = new BilledSoFar(so.Quantity + part.Quantity, so.Amount + line.Total);
            }
        }

        return invoiced == order.Total;
    }
}
