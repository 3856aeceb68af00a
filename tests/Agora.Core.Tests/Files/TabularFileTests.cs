using System.Globalization;
using System.IO.Compression;
using System.Text;
using Agora.Core.Files;
using static Agora.Core.Tests.Files.TestFiles;

namespace Agora.Core.Tests.Files;

public sealed class TabularFileTests
{
    [Fact]
    public async Task A_Brazilian_export_in_Windows_1252_reads_its_accents_and_comma_decimals()
    {
        var bytes = Windows1252.GetBytes("Código;Descrição;Preço Unitário;Estoque\r\n001;Açúcar refinado 1kg;1.234,56;1.000\r\n002;Café \"Pilão\" 500g;12,9;30\r\n");
        Assert.Contains((byte)0xE7, bytes); // 'ç' as the single byte Windows-1252 writes, no BOM

        var (file, rows) = await ReadAsync(bytes);

        Assert.Equal(("csv", "windows-1252", ';', DecimalStyle.Comma), (file.Format, file.EncodingName, file.Delimiter, file.DecimalStyle));
        Assert.Equal(["Código", "Descrição", "Preço Unitário", "Estoque"], file.Headers);
        AssertFields(["001", "Açúcar refinado 1kg", "1.234,56", "1.000"], rows[0].Fields);
        Assert.Equal("Café \"Pilão\" 500g", rows[1].Fields[1]);

        await using var again = await OpenAsync(bytes);
        var price = again.Ordinal("preco unitario", "price");
        var stock = again.Ordinal("estoque", "stock");
        Assert.True(await again.ReadAsync());
        Assert.True(again.TryGetDecimal(price, out var p));
        Assert.True(again.TryGetInt32(stock, out var s));
        Assert.Equal((1234.56m, 1000), (p, s));
        Assert.True(await again.ReadAsync());
        Assert.True(again.TryGetDecimal(price, out p));
        Assert.Equal(12.9m, p);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UTF_8_reads_with_or_without_a_BOM_and_the_BOM_never_reaches_the_first_header(bool bom)
    {
        var (file, rows) = await ReadAsync(Utf8("SKU,Descrição,Preço\nA1,Açúcar,\"1,234.50\"\n", bom));

        Assert.Equal(("utf-8", ',', DecimalStyle.Point), (file.EncodingName, file.Delimiter, file.DecimalStyle));
        Assert.Equal("SKU", file.Headers[0]);
        Assert.Equal(0, file.Ordinal("sku"));
        AssertFields(["A1", "Açúcar", "1,234.50"], Assert.Single(rows).Fields);
    }

    [Fact]
    public async Task UTF_16_little_endian_with_a_BOM_reads()
    {
        var bytes = (byte[])[.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes("SKU\tNome\nA1\tAçúcar ✓\n")];

        var (file, rows) = await ReadAsync(bytes);

        Assert.Equal(("utf-16", '\t'), (file.EncodingName, file.Delimiter));
        Assert.Equal(["SKU", "Nome"], file.Headers);
        AssertFields(["A1", "Açúcar ✓"], Assert.Single(rows).Fields);
    }

    [Fact]
    public async Task Windows_1252_bytes_after_an_ASCII_prefix_longer_than_detection_still_read_right()
    {
        var text = new StringBuilder("sku;name\n");
        for (var i = 0; text.Length < TabularFile.DetectionPrefixBytes + 1000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"P{i};plain ascii product\n");
        }

        var bytes = (byte[])[.. Encoding.ASCII.GetBytes(text.ToString()), .. Windows1252.GetBytes("LAST;Açúcar Cristal\n")];

        var (file, rows) = await ReadAsync(bytes);

        Assert.Equal("utf-8", file.EncodingName);
        AssertFields(["LAST", "Açúcar Cristal"], rows[^1].Fields);
    }

    [Theory]
    [InlineData(',', DecimalStyle.Point)]
    [InlineData('\t', DecimalStyle.Point)]
    [InlineData('|', DecimalStyle.Point)]
    [InlineData(';', DecimalStyle.Comma)]
    public async Task The_delimiter_is_detected_from_the_header_line_and_sets_the_decimal_style(char delimiter, DecimalStyle style)
    {
        var d = delimiter.ToString();
        var (file, rows) = await ReadAsync(Utf8($"sku{d}name{d}qty\nA1{d}\"Box{d} large\"{d}3\nA2{d}Bag{d}4\n"));

        Assert.Equal((delimiter, style), (file.Delimiter!.Value, file.DecimalStyle));
        Assert.Equal(["sku", "name", "qty"], file.Headers);
        AssertRows([["A1", $"Box{d} large", "3"], ["A2", "Bag", "4"]], rows);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task An_Excel_sep_line_names_the_delimiter_and_the_header_follows_it(string eol)
    {
        // Without the sep line, the header's commas (3) would outnumber its semicolons (2).
        var (file, rows) = await ReadAsync(Utf8($"sep=;{eol}sku;nome, marca, cor, tamanho;preço{eol}A1;Caixa, 12 un;1,5{eol}"));

        Assert.Equal((';', DecimalStyle.Comma), (file.Delimiter!.Value, file.DecimalStyle));
        Assert.Equal(["sku", "nome, marca, cor, tamanho", "preço"], file.Headers);
        AssertFields(["A1", "Caixa, 12 un", "1,5"], Assert.Single(rows).Fields);
        Assert.Equal(3, rows[0].Line);
    }

    [Fact]
    public async Task The_decimal_style_option_overrides_the_one_implied_by_the_delimiter()
    {
        var file = await OpenAsync(Utf8("sku,price\nA1,\"1.234,5\"\n"), options: new TabularFileOptions { DecimalStyle = DecimalStyle.Comma });

        Assert.True(await file.ReadAsync());
        Assert.True(file.TryGetDecimal(1, out var price));
        Assert.Equal((DecimalStyle.Comma, 1234.5m), (file.DecimalStyle, price));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task Quoted_fields_keep_separators_doubled_quotes_and_line_breaks_and_later_rows_report_their_physical_line(string eol)
    {
        var csv = string.Join(eol,
            "sku,description,price",                     // line 1
            "A1,\"Big, red \"\"apple\"\"\",1.50",         // line 2
            "A2,\"two" + eol + "lines\",2.00",            // lines 3-4
            "A3,\"three" + eol + "more" + eol + "line breaks" + eol + "\",3", // lines 5-8
            "A4,plain,4",                                 // line 9
            string.Empty);

        var (_, rows) = await ReadAsync(Utf8(csv));

        Assert.Equal([2L, 3, 5, 9], rows.Select(r => r.Line));
        Assert.Equal([1L, 2, 3, 4], rows.Select(r => r.Row));
        Assert.Equal("Big, red \"apple\"", rows[0].Fields[1]);
        Assert.Equal($"two{eol}lines", rows[1].Fields[1]);
        Assert.Equal($"three{eol}more{eol}line breaks", rows[2].Fields[1]); // trimmed: the last line break is gone
        AssertFields(["A4", "plain", "4"], rows[3].Fields);
    }

    [Fact]
    public async Task A_header_spanning_lines_and_blank_lines_push_the_line_numbers_of_the_rows_after_them()
    {
        var (file, rows) = await ReadAsync(Utf8("sku;\"Preço\nUnitário\"\n\nA1;1,5\n;;\n   \nA2;2\n"));

        Assert.Equal("Preço\nUnitário", file.Headers[1]);
        Assert.Equal(1, file.Ordinal("Preço Unitário"));
        Assert.Equal([(4L, 1L), (7L, 2L)], rows.Select(r => (r.Line, r.Row)));
    }

    [Fact]
    public async Task Rows_with_fewer_or_more_fields_than_the_header_read_with_nulls_and_no_error()
    {
        var (_, rows) = await ReadAsync(Utf8("a,b,c\n1\n1,2,3,4,5\n, ,x\n"));

        AssertRows([["1", null, null], ["1", "2", "3"], [null, null, "x"]], rows);
    }

    [Fact]
    public async Task A_line_starting_with_a_hash_is_data_not_a_comment()
    {
        var (file, rows) = await ReadAsync(Utf8("#sku,name\n#12,Parafuso\n"));

        Assert.Equal("#sku", file.Headers[0]);
        AssertFields(["#12", "Parafuso"], Assert.Single(rows).Fields);
    }

    [Theory]
    [InlineData("Preço Unitário", "precounitario")]
    [InlineData(" SKU ", "sku")]
    [InlineData("Código", "codigo")]
    [InlineData("Qtd. Mínima (un)", "qtdminimaun")]
    [InlineData("UNIT_PRICE", "unitprice")]
    [InlineData("", "")]
    public void Header_names_normalize_to_lowercase_letters_and_digits_without_accents(string header, string expected) =>
        Assert.Equal(expected, TabularFile.Normalize(header));

    [Fact]
    public async Task Ordinal_finds_a_column_by_any_accepted_name_ignoring_case_accents_spaces_and_punctuation()
    {
        await using var file = await OpenAsync(Utf8(" SKU ;Código;Preço Unitário;Descrição\n"));

        Assert.Equal("SKU", file.Headers[0]);
        Assert.Equal(0, file.Ordinal("sku"));
        Assert.Equal(1, file.Ordinal("code", "CODIGO"));
        Assert.Equal(2, file.Ordinal("unit_price", "preco-unitario"));
        Assert.Equal(3, file.Ordinal("descricao", "description")); // the first accepted name present wins
        Assert.Equal(-1, file.Ordinal("ean", "gtin"));
        Assert.Null(file[-1]);
    }

    [Fact]
    public async Task An_xlsx_reads_text_numbers_dates_and_empty_cells_from_its_first_sheet_with_sheet_row_numbers()
    {
        var xlsx = Xlsx.Create(
            (1, [" SKU ", "Descrição", "Preço", "Estoque", "Validade"]),
            (2, ["A1", "Açúcar", 1234.5, 10.0, new DateTime(2025, 3, 31)]),
            (3, ["A2", null, new RawNumber("12.199999999999999"), null, null]),
            (5, [new InlineText("A3"), "Linha\nquebrada", new RawNumber("-0.5"), new RawNumber("1000"), null]),
            (6, [null, null, null, null, null]),
            (7, [new RawNumber("7891234567890"), "Código de barras", null, null, null]));

        var (file, rows) = await ReadAsync(xlsx, "precos.xlsx");

        Assert.Equal(("xlsx", (string?)null, (char?)null, DecimalStyle.Point), (file.Format, file.EncodingName, file.Delimiter, file.DecimalStyle));
        Assert.Equal(["SKU", "Descrição", "Preço", "Estoque", "Validade"], file.Headers);
        Assert.Equal([2L, 3, 5, 7], rows.Select(r => r.Line));
        Assert.Equal([1L, 2, 3, 4], rows.Select(r => r.Row));
        AssertFields(["A1", "Açúcar", "1234.5", "10", "2025-03-31"], rows[0].Fields);
        AssertFields(["A2", null, "12.2", null, null], rows[1].Fields);
        AssertFields(["A3", "Linha\nquebrada", "-0.5", "1000", null], rows[2].Fields);
        Assert.Equal("7891234567890", rows[3].Fields[0]);
    }

    [Fact]
    public async Task Numeric_xlsx_cells_parse_whatever_the_decimal_style_and_text_cells_follow_it()
    {
        var xlsx = Xlsx.Create((1, ["price", "text price"]), (2, [1234.5, "1.234,50"]));

        await using var file = await TabularFile.OpenAsync(new MemoryStream(xlsx), "p.xlsx", new TabularFileOptions { DecimalStyle = DecimalStyle.Comma });

        Assert.True(await file.ReadAsync());
        Assert.True(file.TryGetDecimal(0, out var numeric));
        Assert.True(file.TryGetDecimal(1, out var text));
        Assert.Equal((1234.5m, 1234.5m), (numeric, text));
    }

    [Fact]
    public async Task An_xlsx_is_recognized_by_its_content_and_read_from_a_stream_that_cannot_seek()
    {
        var xlsx = Xlsx.Create((1, ["sku", "qty"]), (2, ["A1", 3.0]));

        await using var file = await TabularFile.OpenAsync(new ForwardOnly(xlsx), "upload.bin");
        var rows = await ReadAllAsync(file);

        Assert.Equal("xlsx", file.Format);
        AssertFields(["A1", "3"], Assert.Single(rows).Fields);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("xlsx")]
    public async Task The_callers_stream_stays_open_after_the_file_is_disposed(string format)
    {
        var bytes = format == "csv" ? Utf8("sku\nA1\n") : Xlsx.Create((1, ["sku"]), (2, ["A1"]));
        using var stream = new MemoryStream(bytes);

        await using (var file = await TabularFile.OpenAsync(stream, "f"))
        {
            Assert.Equal(format, file.Format);
            Assert.Single(await ReadAllAsync(file));
        }

        Assert.True(stream.CanRead);
    }

    [Fact]
    public async Task Cancellation_is_reported_as_cancellation_not_as_a_bad_file()
    {
        await using var file = await OpenAsync(Utf8("sku\nA1\n"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await file.ReadAsync(new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task A_csv_read_from_a_stream_that_cannot_seek_reads_the_same()
    {
        var bytes = Utf8("sku;preço\nA1;1,5\n");

        await using var file = await TabularFile.OpenAsync(new ForwardOnly(bytes), "x.csv");
        var rows = await ReadAllAsync(file);

        AssertFields(["A1", "1,5"], Assert.Single(rows).Fields);
    }

    public static TheoryData<string, byte[], string> Unreadable => new()
    {
        { "empty", [], "empty" },
        { "only line breaks", Utf8("\n\n\n"), "column names" },
        { "binary", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52], "not text" },
        { "legacy xls", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0], ".xls" },
        { "a zip that is not a workbook", Zip("readme.txt", "hello"), "workbook" },
        { "a truncated workbook", Xlsx.Create((1, ["sku"]), (2, ["A1"]))[..300], "workbook" },
        { "an empty worksheet", Xlsx.Create(), "empty" },
        { "a header with an unclosed quote", Utf8("sku,\"name\nA1,x\n"), "quote" },
    };

    [Theory]
    [MemberData(nameof(Unreadable))]
    public async Task A_file_that_cannot_be_read_at_all_fails_with_a_reason(string what, byte[] bytes, string reason)
    {
        var e = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(bytes, "file"));

        Assert.Contains(reason, e.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.False(string.IsNullOrWhiteSpace(what));
    }

    [Fact]
    public async Task A_csv_named_xlsx_is_refused_with_a_reason()
    {
        var e = await Assert.ThrowsAsync<TabularFileException>(() => OpenAsync(Utf8("sku\nA1\n"), "precos.xlsx"));

        Assert.Contains("not one", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quote_left_open_fails_at_the_line_of_its_row_after_the_rows_before_it_were_read()
    {
        await using var file = await OpenAsync(Utf8("sku,name\nA1,ok\nA2,\"never closed\nA3,x\nA4,y\n"));

        Assert.True(await file.ReadAsync());
        var e = await Assert.ThrowsAsync<TabularFileException>(async () => await file.ReadAsync());

        Assert.Equal(3, e.Line);
        Assert.Contains("quote", e.Reason, StringComparison.Ordinal);
        Assert.StartsWith("Line 3: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_record_longer_than_the_limit_fails_instead_of_filling_memory()
    {
        var csv = "sku,name\nA1,ok\nA2,\"" + new string('x', 5000) + "\"\n";

        await using var file = await OpenAsync(Utf8(csv), options: new TabularFileOptions { MaxRecordLength = 1024 });

        Assert.True(await file.ReadAsync());
        var e = await Assert.ThrowsAsync<TabularFileException>(async () => await file.ReadAsync());
        Assert.Equal(3, e.Line);
    }

    [Fact]
    public async Task Malformed_quoting_in_a_row_fails_with_its_line()
    {
        await using var file = await OpenAsync(Utf8("sku,name\nA1,\"closed\"junk\n"));

        var e = await Assert.ThrowsAsync<TabularFileException>(async () => await file.ReadAsync());
        Assert.Equal(2, e.Line);
    }

    [Fact]
    public async Task Reading_rows_allocates_nothing_beyond_the_strings_taken()
    {
        var text = new StringBuilder("sku;preço;estoque\n");
        for (var i = 0; i < 20_000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"P{i};{i},50;{i % 100}\n");
        }

        await using var file = await OpenAsync(Utf8(text.ToString()));
        Assert.True(await file.ReadAsync()); // buffers are in place
        decimal total = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        while (await file.ReadAsync())
        {
            total += file.TryGetDecimal(1, out var price) && file.TryGetInt32(2, out var stock) ? price * stock : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 20_000, $"{allocated} bytes allocated for 20,000 rows");
        Assert.True(total > 0);
    }

    private static string Show(IEnumerable<string?> fields) => string.Join(" | ", fields.Select(f => f ?? "(null)"));

    private static void AssertFields(string?[] expected, string?[] actual) => Assert.Equal(Show(expected), Show(actual));

    private static void AssertRows(string?[][] expected, List<ReadRow> rows) =>
        Assert.Equal(expected.Select(Show), rows.Select(r => Show(r.Fields)));

    private static byte[] Zip(string name, string content)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(name).Open();
            entry.Write(Encoding.UTF8.GetBytes(content));
        }

        return stream.ToArray();
    }
}
