using Agora.Core.Billing;
using Agora.Infrastructure.Documents;
using Agora.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace Agora.Infrastructure.Tests;

/// <summary>The printed invoice read back as a buyer's software reads it (PdfPig): the words on the page are the number,
/// the parties, every line and the amounts in the document's language, and a long invoice runs over numbered pages.</summary>
public sealed class InvoicePdfTests
{
    /// <summary>Taken from the application's wiring, as the billing use cases get it.</summary>
    private readonly IInvoiceDocuments documents = new ServiceCollection()
        .AddAgoraInfrastructure(new ConfigurationBuilder().Build())
        .BuildServiceProvider()
        .GetRequiredService<IInvoiceDocuments>();

    [Fact]
    public void A_pt_BR_invoice_in_reais_prints_its_parties_lines_total_and_30_60_90_installments_in_Portuguese()
    {
        var invoice = InvoiceSamples.PortugueseBrl();

        var pages = Read(documents.Pdf(invoice));

        var text = Assert.Single(pages);
        Assert.Contains("Fatura NF1-000042", text);
        Assert.Contains("Emissão: 01/12/2026", text);
        Assert.Contains("Ferragens Paulista Ltda.", text);
        Assert.Contains("ID fiscal: 12.345.678/0001-90", text);
        Assert.Contains("Construtora Horizonte S.A.", text);
        Assert.Contains("Av. Paulista, 1000", text);
        Assert.Contains("Pedidos de compra: PC-2026-0815, PC-2026-0822", text);
        Assert.All(invoice.Lines, line => Assert.Contains(line.Sku, text));
        Assert.Contains("Cabo flexível 2,5 mm² azul", text);
        Assert.Contains("1.200", text); // a quantity with its thousands separator
        Assert.Contains("3.217,50", text); // a line total
        Assert.Contains("Total: R$ 12.345,67", text);
        Assert.Contains("Condições de pagamento: 30/60/90", text);
        Assert.Equal([4115.23m, 4115.22m, 4115.22m], invoice.Installments.Select(i => i.Amount));
        Assert.Contains("1 31/12/2026 R$ 4.115,23", text);
        Assert.Contains("2 30/01/2027 R$ 4.115,22", text);
        Assert.Contains("3 01/03/2027 R$ 4.115,22", text);
        Assert.Contains("página 1 de 1", text);
    }

    [Fact]
    public void An_English_invoice_in_dollars_prints_iso_dates_and_the_currency_code()
    {
        var invoice = InvoiceSamples.EnglishUsd();

        var text = Assert.Single(Read(documents.Pdf(invoice)));

        Assert.Contains("Invoice INV-000007", text);
        Assert.Contains("Issued on: 2026-12-01", text);
        Assert.Contains("Paulista Hardware Export LLC", text);
        Assert.Contains("Horizon Builders Inc.", text);
        Assert.Contains("Purchase orders: PO-88231", text);
        Assert.Contains("BOLT-M8", text);
        Assert.Contains("PLT-EU", text);
        Assert.Contains("2,500", text);
        Assert.Contains("0.125", text); // a unit price finer than a cent keeps its digits
        Assert.Contains("Total: USD 5,312.50", text);
        Assert.Contains("Payment terms: Net 30", text);
        Assert.Contains("1 2026-12-31 USD 5,312.50", text);
        Assert.Contains("page 1 of 1", text);
        Assert.DoesNotContain("Fatura", text);
    }

    [Fact]
    public void A_credit_note_names_the_invoice_it_corrects_and_why_and_has_no_installments()
    {
        var note = InvoiceSamples.CreditNote();

        var text = Assert.Single(Read(documents.Pdf(note)));

        Assert.Contains("Nota de crédito NC1-000003", text);
        Assert.Contains("Corrige a fatura: inv-01jq8x2m4k", text);
        Assert.Contains("Motivo: Devolução de 2 caixas com embalagem danificada", text);
        Assert.Contains("FER-001", text);
        Assert.Contains("Total: R$ 179,80", text);
        Assert.DoesNotContain("Condições de pagamento", text);
    }

    [Fact]
    public void A_300_line_invoice_runs_over_numbered_pages_with_the_table_header_on_each_and_every_line_once()
    {
        var invoice = InvoiceSamples.Paginated(300);

        var pdf = documents.Pdf(invoice);
        var pages = Read(pdf);

        Assert.InRange(pages.Count, 4, 12); // about 55 lines a page
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Contains($"página {i + 1} de {pages.Count}", pages[i]);
            Assert.Contains("Item SKU Descrição Unid. Qtd. Preço unit. Total", pages[i]);
            Assert.Contains("NF1-000043", pages[i]);
        }

        var all = string.Join(" ", pages);
        Assert.All(invoice.Lines, line => Assert.Single(System.Text.RegularExpressions.Regex.Matches(all, $@"\b{line.Sku}\b")));
        Assert.Contains($"Total: {InvoiceWording.Portuguese.Money(invoice.Total, "BRL")}", pages[^1]);
        Assert.All(invoice.Installments, i => Assert.Contains(InvoiceWording.Portuguese.Money(i.Amount, "BRL"), pages[^1]));
        Assert.True(pdf.Length < 1_000_000, $"300 lines printed in {pdf.Length:N0} bytes; the embedded font should be a subset.");
    }

    [Theory]
    [InlineData("JPY", "JPY 1,235")]
    [InlineData("KWD", "KWD 1,234.568")]
    [InlineData("BRL", "BRL 1,234.57")]
    public void Amounts_carry_each_currencys_minor_units(string currency, string printed)
    {
        var amount = Core.Common.Currency.Round(1234.5678m, currency);

        Assert.Equal(printed, InvoiceWording.English.Money(amount, currency));
    }

    private static List<string> Read(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return [.. document.GetPages().Select(page => string.Join(" ", page.GetWords().Select(w => w.Text)))];
    }
}
