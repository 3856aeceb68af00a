using System.Text;
using Agora.Core.Files;
using Agora.Core.Ordering;
using Agora.Core.Tests.Files;

namespace Agora.Core.Tests.Ordering;

public sealed class QuickOrderTests
{
    [Fact]
    public void Pasted_text_reads_one_item_a_line_whatever_separates_its_parts_and_however_its_quantity_is_written()
    {
        const string text = "SKU Qtd Unidade\n" +
                            "\n" +
                            "A-1 10\n" +
                            "B-2\t1,5\tcx\n" +
                            "C-3;1.000,5;KG\n" +
                            "D-4,2\n" +
                            "E-5   1.5 un\n" +
                            "   \r\n" +
                            "F-6, 3, CX\r\n" +
                            "A-1 2\r" +
                            "G-7\t0,25\t\t\n";

        var order = QuickOrderReader.ParseText(text);

        Assert.Equal(
            [
                new QuickOrderLine(3, "A-1", null, 10m),
                new QuickOrderLine(4, "B-2", "CX", 1.5m),
                new QuickOrderLine(5, "C-3", "KG", 1000.5m),
                new QuickOrderLine(6, "D-4", null, 2m),
                new QuickOrderLine(7, "E-5", "UN", 1.5m),
                new QuickOrderLine(9, "F-6", "CX", 3m),
                new QuickOrderLine(10, "A-1", null, 2m), // the same SKU again stays a line of its own: the cart merges
                new QuickOrderLine(11, "G-7", null, 0.25m),
            ],
            order.Lines);
        Assert.Empty(order.Rejected);
    }

    [Fact]
    public void Rows_copied_from_a_spreadsheet_with_their_header_are_read_by_its_columns()
    {
        const string text = "Código\tDescrição\tQtde\tUnidade\n" +
                            "AC-1\tAçúcar Cristal 5kg\t2\tfd\n" +
                            "FR-1\tFuradeira de impacto\t1\t\n" +
                            "\tChave sem código\t3\tUN\n";

        var order = QuickOrderReader.ParseText(text);

        Assert.Equal([new QuickOrderLine(2, "AC-1", "FD", 2m), new QuickOrderLine(3, "FR-1", null, 1m)], order.Lines);
        Assert.Equal(new QuickOrderRejection(4, null, "The SKU is missing."), Assert.Single(order.Rejected));
    }

    [Fact]
    public void Each_bad_pasted_line_is_rejected_with_its_line_number_and_why_and_the_good_ones_are_kept()
    {
        const string text = "A-1 0\n" +
                            "A-2 -3\n" +
                            "A-3 muitos\n" +
                            "PARAFUSO 6MM 10\n" +
                            "A-5 1,0000001\n" +
                            "A-6 2 caixa grande\n" +
                            "A-7 1.000\n" +
                            "A-8 5 CX!\n" +
                            "A-9 1000000000\n" +
                            "A-10\n" +
                            "OK-1 7\n";

        var order = QuickOrderReader.ParseText(text);

        Assert.Equal([new QuickOrderLine(11, "OK-1", null, 7m)], order.Lines);
        Assert.Equal(Enumerable.Range(1, 10), order.Rejected.Select(r => r.Row));
        Assert.All(order.Rejected, r => Assert.StartsWith(r.Row == 4 ? "PARAFUSO" : $"A-{r.Row}", r.Sku, StringComparison.Ordinal));
        string Reason(int row) => order.Rejected.Single(r => r.Row == row).Reason;
        Assert.Equal("The quantity must be more than zero.", Reason(1));
        Assert.Equal("The quantity must be more than zero.", Reason(2));
        Assert.Contains("'muitos' is not a quantity", Reason(3), StringComparison.Ordinal);
        Assert.Contains("'10', is a number, not a unit", Reason(4), StringComparison.Ordinal);
        Assert.Contains("more than 6 decimals", Reason(5), StringComparison.Ordinal);
        Assert.Contains("more than three parts", Reason(6), StringComparison.Ordinal);
        Assert.Contains("'1.000' is unclear: it can mean 1 or 1000", Reason(7), StringComparison.Ordinal);
        Assert.Contains("'CX!' is not a unit", Reason(8), StringComparison.Ordinal);
        Assert.Contains("below 1,000,000,000", Reason(9), StringComparison.Ordinal);
        Assert.Equal("The quantity is missing.", Reason(10));
    }

    [Fact]
    public void A_portuguese_csv_in_windows_1252_reads_its_decimal_commas_and_reports_its_bad_row_by_line()
    {
        var bytes = TestFiles.Windows1252.GetBytes(
            "Código;Descrição;Qtde;Unidade\r\n" +
            "AC-1;Açúcar Cristal União 5kg;2,5;FD\r\n" +
            "FR-1;Furadeira de impacto 650W;1.000;un\r\n" +
            "PA-9;Parafuso sextavado ¼\";dois;CX\r\n" +
            ";Observação: entregar na doca 3;;\r\n" +
            "CH-3;Chave Phillips nº 2;12;\r\n");
        Assert.Contains((byte)0xE7, bytes); // 'ç' as Windows-1252's single byte: no UTF-8 here

        var order = QuickOrderReader.ParseFile(new MemoryStream(bytes), "pedido.csv", "text/csv");

        Assert.Equal(
            [
                new QuickOrderLine(2, "AC-1", "FD", 2.5m),
                new QuickOrderLine(3, "FR-1", "UN", 1000m), // a ';' file writes thousands with a point: not unclear here
                new QuickOrderLine(6, "CH-3", null, 12m),
            ],
            order.Lines);
        var bad = Assert.Single(order.Rejected);
        Assert.Equal((4, "PA-9"), (bad.Row, bad.Sku));
        Assert.Contains("'dois' is not a quantity", bad.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_english_csv_separated_by_commas_reads_its_quoted_fields_and_thousands_separators()
    {
        var bytes = Encoding.UTF8.GetBytes(
            "Part Number,Description,Qty,UOM\n" +
            "A-100,\"Bolt, hex, M6\",1500,EA\n" +
            "A-200,Washer,\"1,250.5\",box\n" +
            "A-300,Nut,\"1,000\",EA\n" +
            "A-400,Spring,0,EA\n");

        var order = QuickOrderReader.ParseFile(new MemoryStream(bytes), "order.csv", null);

        Assert.Equal(
            [
                new QuickOrderLine(2, "A-100", "EA", 1500m),
                new QuickOrderLine(3, "A-200", "BOX", 1250.5m),
                new QuickOrderLine(4, "A-300", "EA", 1000m),
            ],
            order.Lines);
        Assert.Equal(new QuickOrderRejection(5, "A-400", "The quantity must be more than zero."), Assert.Single(order.Rejected));
    }

    [Fact]
    public async Task A_workbook_with_a_title_above_its_header_reads_by_sheet_row_numbers_and_exact_numeric_cells()
    {
        var sheet = Xlsx.Create(
            (1, ["Pedido de compra 4512 — Construtora Alfa"]),
            (3, ["Item", "Código", "Descrição", "Quantidade", "Unidade"]),
            (4, [1.0, "AC-1", "Açúcar", 2.5, "fd"]),
            (5, [2.0, "FR-1", "Furadeira", "1,5", null]),
            (6, [3.0, "CH-3", "Chave", 1.125, "KG"]),
            (7, [4.0, "PA-9", "Parafuso", -2.0, "CX"]),
            (8, [null, null, "Ferramentas elétricas", null, null]),
            (9, [5.0, "FR-1", "Furadeira", 3.0, "CX"]));

        // A stream that cannot seek, as a request body is.
        var order = await QuickOrderReader.ParseFileAsync(new TestFiles.ForwardOnly(sheet), "pedido.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

        Assert.Equal(
            [
                new QuickOrderLine(4, "AC-1", "FD", 2.5m),
                new QuickOrderLine(5, "FR-1", null, 1.5m),
                new QuickOrderLine(6, "CH-3", "KG", 1.125m), // a number cell is exact: 1.125 is not "unclear"
                new QuickOrderLine(9, "FR-1", "CX", 3m),
            ],
            order.Lines);
        Assert.Equal(new QuickOrderRejection(7, "PA-9", "The quantity must be more than zero."), Assert.Single(order.Rejected));
    }

    [Fact]
    public void A_csv_saved_from_a_sheet_with_a_title_row_finds_its_header_below_it()
    {
        var bytes = Encoding.UTF8.GetBytes("Pedido 4512;;\n;;\nReferência;Qtd.;Un.\nAC-1;4;CX\n");

        var order = QuickOrderReader.ParseFile(new MemoryStream(bytes), "pedido.csv", "text/csv");

        Assert.Equal([new QuickOrderLine(4, "AC-1", "CX", 4m)], order.Lines);
        Assert.Empty(order.Rejected);
    }

    [Fact]
    public void A_file_that_is_not_a_list_of_items_is_refused_with_one_reason_the_buyer_can_act_on()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52];
        var letter = Encoding.UTF8.GetBytes("Bom dia,\nsegue o pedido da semana: 10 sacos de cimento e 2 furadeiras.\nObrigado!\n");
        var noQuantity = Encoding.UTF8.GetBytes("Código;Descrição\nAC-1;Açúcar\n");
        var large = new byte[QuickOrderReader.MaxFileBytes + 1];

        TabularFileException Refusal(byte[] bytes, string? name, string? type) =>
            Assert.Throws<TabularFileException>(() => QuickOrderReader.ParseFile(new MemoryStream(bytes), name, type));

        Assert.Contains("not text", Refusal(png, "foto.png", null).Reason, StringComparison.Ordinal);
        Assert.Contains("a PDF, not a list of items", Refusal(letter, "pedido.pdf", "application/pdf").Reason, StringComparison.Ordinal);
        Assert.Contains("No header row naming a SKU column and a quantity column", Refusal(letter, null, "text/plain").Reason, StringComparison.Ordinal);
        Assert.Contains("no quantity column", Refusal(noQuantity, "pedido.csv", null).Reason, StringComparison.Ordinal);
        Assert.Contains("is named as an Excel workbook but is not one", Refusal(noQuantity, "pedido.xlsx", null).Reason, StringComparison.Ordinal);
        Assert.Contains("larger than 4 MB", Refusal(large, "pedido.csv", "text/csv").Reason, StringComparison.Ordinal);
        Assert.Contains("empty", Refusal([], "pedido.csv", "text/csv").Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Past_1000_items_the_rest_are_rejected_saying_why_in_text_and_in_files()
    {
        var lines = Enumerable.Range(1, QuickOrderReader.MaxLines + 1).Select(i => $"P-{i} 1").ToArray();

        var pasted = QuickOrderReader.ParseText(string.Join('\n', lines));
        var file = QuickOrderReader.ParseFile(new MemoryStream(Encoding.UTF8.GetBytes("sku;qtd\n" + string.Join('\n', lines).Replace(' ', ';'))), "pedido.csv", null);

        Assert.Equal(1000, pasted.Lines.Count);
        Assert.Equal(new QuickOrderLine(1000, "P-1000", null, 1m), pasted.Lines[^1]);
        var past = Assert.Single(pasted.Rejected);
        Assert.Equal((1001, "P-1001"), (past.Row, past.Sku));
        Assert.Contains("at most 1,000 items", past.Reason, StringComparison.Ordinal);
        Assert.Equal(1000, file.Lines.Count);
        Assert.Equal((1002, "P-1001"), (file.Rejected.Single().Row, file.Rejected.Single().Sku)); // line 1 is the header
    }

    [Fact]
    public void A_paste_that_is_all_wrong_stops_after_1000_rejections_saying_where()
    {
        var text = string.Join('\n', Enumerable.Repeat("not an item at all", 5000));

        var order = QuickOrderReader.ParseText(text);

        Assert.Empty(order.Lines);
        Assert.Equal(QuickOrderReader.MaxRejections + 1, order.Rejected.Count);
        Assert.Equal(1001, order.Rejected[^1].Row);
        Assert.Contains("were not read", order.Rejected[^1].Reason, StringComparison.Ordinal);
    }
}
