using Agora.Core.Accounts;
using Agora.Core.Billing;
using Agora.Core.Ordering;

namespace Agora.Testing;

/// <summary>Invoices as the billing use cases issue them, built in code for the PDF tests and for the sample page in the
/// docs (tools/invoice-png): one source, so the picture in the docs is the document the tests read back.</summary>
public static class InvoiceSamples
{
    public static readonly InvoiceParty Seller = new("org-sup", "Ferragens Paulista Ltda.", "12.345.678/0001-90",
        new Address("a1", "Matriz", "Financeiro", "Av. Paulista, 1000", "Conj. 12", "São Paulo", "SP", "01310-100", "BR", null));

    public static readonly InvoiceParty Buyer = new("org-buy", "Construtora Horizonte S.A.", "98.765.432/0001-10",
        new Address("a2", "Obra", "Compras", "Rua das Acácias, 250", null, "Campinas", "SP", "13010-050", "BR", null));

    /// <summary>A pt-BR invoice in reais over 30/60/90: R$ 12.345,67 in 5 lines that split 4.115,23 + 4.115,22 + 4.115,22.</summary>
    public static Invoice PortugueseBrl()
    {
        var lines = new List<InvoiceLine>
        {
            Line(1, "FER-001", "Parafuso sextavado 3/8\" aço galvanizado (caixa com 100)", "CX", 40, 89.90m),
            Line(2, "FER-002", "Porca sextavada 3/8\" aço zincado", "UN", 1200, 0.45m),
            Line(3, "TIN-010", "Tinta acrílica fosca branco neve 18 L", "LT", 12, 389.00m),
            Line(4, "ELE-220", "Cabo flexível 2,5 mm² azul — rolo de 100 m", "RL", 15, 214.50m),
        };
        var sum = lines.Sum(l => l.Total);
        lines.Add(Line(5, "SRV-FRT", "Frete e manuseio", "UN", 1, 12_345.67m - sum));
        return Issued(InvoiceKind.Invoice, "nf1", 42, "pt-BR", "BRL", lines, [30, 60, 90], "30/60/90", ["PC-2026-0815", "PC-2026-0822"]);
    }

    /// <summary>An English invoice in US dollars, net 30, with a unit price finer than a cent.</summary>
    public static Invoice EnglishUsd()
    {
        List<InvoiceLine> lines =
        [
            Line(1, "BOLT-M8", "Hex bolt M8 x 40, stainless steel", "EA", 2500, 0.1250m, "USD"),
            Line(2, "PLT-EU", "Euro pallet, heat treated", "EA", 4, 1_250.00m, "USD"),
        ];
        return Issued(InvoiceKind.Invoice, "inv", 7, "en", "USD", lines, [30], "Net 30", ["PO-88231"]) with
        {
            Seller = Seller with { Name = "Paulista Hardware Export LLC", TaxId = "US-47-1234567" },
            Buyer = Buyer with { Name = "Horizon Builders Inc.", TaxId = "EIN 12-3456789" },
        };
    }

    /// <summary>A pt-BR credit note for two returned boxes of <see cref="PortugueseBrl"/>.</summary>
    public static Invoice CreditNote() =>
        Issued(InvoiceKind.CreditNote, "nc1", 3, "pt-BR", "BRL", [Line(1, "FER-001", "Parafuso sextavado 3/8\" aço galvanizado (caixa com 100)", "CX", 2, 89.90m)], [], "", ["PC-2026-0815"]) with
        {
            CorrectsInvoiceId = "inv-01jq8x2m4k",
            Reason = "Devolução de 2 caixas com embalagem danificada",
        };

    /// <summary>A pt-BR invoice of <paramref name="count"/> lines, for pagination.</summary>
    public static Invoice Paginated(int count)
    {
        var lines = Enumerable.Range(1, count)
            .Select(i => Line(i, $"SKU-{i:D5}", $"Artigo de ferragem nº {i}, aço zincado", "UN", i % 7 + 1, 10m + (i % 13)))
            .ToList();
        return Issued(InvoiceKind.Invoice, "nf1", 43, "pt-BR", "BRL", lines, [30, 60, 90], "30/60/90", ["PC-2026-0900"]);
    }

    private static InvoiceLine Line(int line, string sku, string name, string unit, decimal quantity, decimal unitPrice, string currency = "BRL") =>
        new(line, sku, name, unit, quantity, unitPrice, Core.Common.Currency.Round(quantity * unitPrice, currency), "ord-1", "PED-000101");

    private static Invoice Issued(InvoiceKind kind, string series, long number, string language, string currency, IReadOnlyList<InvoiceLine> lines,
        int[] days, string terms, string[] purchaseOrders)
    {
        var issuedOn = new DateOnly(2026, 12, 1);
        var total = lines.Sum(l => l.Total);
        return new Invoice
        {
            Id = $"{series}-{number}",
            Kind = kind,
            SupplierId = Seller.OrganizationId,
            BuyerId = Buyer.OrganizationId,
            Series = series,
            Number = number,
            Seller = Seller,
            Buyer = Buyer,
            Currency = currency,
            Lines = lines,
            Total = total,
            Installments = days.Length == 0 ? [] : Installments.Split(total, currency, new InvoiceTerms(new PaymentTerms(days)), issuedOn),
            PaymentTerms = terms,
            IssuedOn = issuedOn,
            IssuedAt = new DateTimeOffset(2026, 12, 1, 14, 30, 0, TimeSpan.Zero),
            PurchaseOrderNumbers = purchaseOrders,
            Language = language,
        };
    }
}
