using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Agora.Core.Catalog;
using Agora.Core.Common;
using Agora.Core.Files;

namespace Agora.Core.Ordering;

/// <summary>One item of a quick order, as the buyer wrote it: not yet checked against the catalog, which the cart does.</summary>
/// <param name="Row">The 1-based line of the pasted text, or the row of the file as a spreadsheet shows it (the sheet row
/// of an XLSX, the line of a CSV), so the buyer can find it.</param>
/// <param name="Sku">The SKU, trimmed, as written (SKUs are compared with their case).</param>
/// <param name="Unit">The sale unit in upper case; null for the product's base unit, which the cart resolves.</param>
/// <param name="Quantity">More than zero, below 1,000,000,000, at most 6 decimals (what a cart line accepts).</param>
public sealed record QuickOrderLine(int Row, string Sku, string? Unit, decimal Quantity);

/// <summary>A line or row left out of a quick order, with why, in words the buyer understands.</summary>
/// <param name="Row">As <see cref="QuickOrderLine.Row"/>.</param>
/// <param name="Sku">What the row gave as its SKU, when it gave one (shortened when very long).</param>
public sealed record QuickOrderRejection(int Row, string? Sku, string Reason);

/// <summary>What a quick order's text or file holds: the items read, in their order, and the rows left out.</summary>
public sealed record QuickOrderParse(IReadOnlyList<QuickOrderLine> Lines, IReadOnlyList<QuickOrderRejection> Rejected);

/// <summary>Reads a buyer's quick order (a list pasted from an email or a spreadsheet, or an order file) into lines for the
/// cart. Pure: it reads the given text or stream and nothing else, and knows no catalog. Every row is judged on its own,
/// so one bad row never loses the others; only a file that cannot be read at all is refused, with the reader's
/// <see cref="TabularFileException"/>.</summary>
/// <remarks>
/// <para>The same SKU on several rows stays several lines, each with its row: the cart merges them (and can then say which
/// row named a product it does not know, or a unit the product is not sold in). Merging here would also have to decide
/// what "BOX 2" and "UN 5" of one SKU add up to, which only the catalog knows.</para>
/// <para>Quantities are read with the file reader's <see cref="Numbers"/>. A CSV separated by ';' writes 1.234,5 and one
/// separated by ',' writes 1,234.5, so those are read in that style (the other is tried when it fails: "1.5" in a ';'
/// file). Where no style is known (pasted text, text cells of a workbook, CSVs separated by tabs or '|') both are tried,
/// and a quantity that reads differently in each ("1.000", "2,500": one or a thousand?) is rejected as unclear rather
/// than ordered a thousand times over or under. Numeric workbook cells are exact.</para>
/// </remarks>
public static class QuickOrderReader
{
    /// <summary>Items one quick order holds; the rows past them are rejected, saying so.</summary>
    public const int MaxLines = 1000;

    /// <summary>Rows rejected before reading stops (the last rejection says where): the report stays bounded however
    /// long a wrong file is.</summary>
    public const int MaxRejections = 1000;

    /// <summary>The largest order file read, 4 MiB: 1,000 items fit in far less, even as a formatted workbook.</summary>
    public const int MaxFileBytes = 4 * 1024 * 1024;

    /// <summary>The longest pasted line, in characters; a longer one is rejected without being split.</summary>
    public const int MaxLineLength = 1000;

    // Rows of a file looked at for the header when its first row is not one (a title such as "Pedido 123" above it).
    private const int HeaderSearchRows = 10;

    // Cells of such a row looked at.
    private const int HeaderSearchColumns = 64;

    // Longest text echoed back in a rejection.
    private const int EchoLength = 64;

    // Compared as the reader compares headers: without case, accents, spaces or punctuation ("Cód." is "cod"). Tried in
    // order, so a sheet with both "Item" (a line number) and "Código" reads the code.
    private static readonly string[] SkuNames =
        ["sku", "código", "cód", "código do produto", "cód produto", "código do item", "referência", "ref", "product code", "part number", "item code", "code", "item"];

    private static readonly string[] QuantityNames = ["quantidade", "qtd", "qtde", "quant", "quantity", "qty"];

    private static readonly string[] UnitNames = ["unidade", "un", "und", "unid", "unidade de medida", "embalagem", "unit", "uom"];

    // A zip of 4 MiB can still inflate a thousandfold: these are far above any order sheet and far below the defaults,
    // which are sized for a supplier's million-row price list.
    private static readonly TabularFileOptions FileOptions = new()
    {
        MaxRecordLength = 64 * 1024,
        Xlsx = new XlsxLimits
        {
            MaxEntries = 1_000,
            MaxSheetBytes = 64L * 1024 * 1024,
            MaxSharedStringsBytes = 16L * 1024 * 1024,
            MaxOtherPartBytes = 16L * 1024 * 1024,
            MaxSharedStrings = 100_000,
            MaxSharedStringCharacters = 4L * 1024 * 1024,
        },
    };

    private static readonly string[] NotTables = ["application/pdf", "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"];

    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Reads pasted text: one item per line, "SKU quantity [unit]", the parts separated by a tab (as a
    /// spreadsheet copies them), ';', ',' or spaces. Blank lines are skipped. A first line that names the columns
    /// ("Código;Descrição;Qtde", "SKU Qty") is not an item; when it names both the SKU and the quantity, the lines are
    /// read by its columns, so rows copied with a description between them read right.</summary>
    public static QuickOrderParse ParseText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var report = new Report();
        Columns? columns = null;
        var first = true;
        var row = 0;
        var start = 0;
        while (start <= text.Length && !report.Stopped)
        {
            // Lines end at "\r\n", "\n" or "\r", as editors and spreadsheets count them.
            var length = text.AsSpan(start).IndexOfAny('\r', '\n');
            var line = length < 0 ? text[start..] : text.Substring(start, length);
            var next = start + length;
            start = length < 0 ? text.Length + 1 : next + (text[next] == '\r' && next + 1 < text.Length && text[next + 1] == '\n' ? 2 : 1);
            row++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (line.Length > MaxLineLength)
            {
                report.Reject(row, null, $"The line is longer than {MaxLineLength:N0} characters: write one item per line.");
                first = false;
                continue;
            }

            var parts = Split(line, out var loose);
            if (first)
            {
                first = false;
                if (IsHeader(parts, out columns))
                {
                    continue;
                }
            }

            var (sku, quantity, unit) = columns is { } c
                ? (Part(parts, c.Sku), Part(parts, c.Quantity), c.Unit >= 0 ? Part(parts, c.Unit) : null)
                : (Part(parts, 0), Part(parts, 1), Part(parts, 2));
            if (parts.Length > (columns?.Count ?? 3))
            {
                report.Reject(row, Echo(sku), columns is null
                    ? "The line has more than three parts: write the SKU, the quantity and, if not the product's base unit, the unit."
                    : "The line has more parts than the first line has column names.");
                continue;
            }

            if (loose && unit is not null && unit.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0)
            {
                report.Reject(row, Echo(sku), $"The line has three parts and the last, '{Echo(unit)}', is a number, not a unit: if the SKU has a space or the quantity a comma, separate the parts with ';' or a tab.");
                continue;
            }

            Judge(report, row, sku, quantity, style: null, unit);
        }

        return report.Result();
    }

    /// <summary>Reads an order file: a CSV (any encoding, delimiter and number style the file reader knows) or an XLSX
    /// (first worksheet), whose header names a SKU column ("SKU", "Código", "Referência", "Part number"...) and a quantity
    /// column ("Quantidade", "Qtd", "Qtde", "Quantity", "Qty"), and may name a unit column ("Unidade", "UN", "Embalagem",
    /// "Unit", "UOM"); other columns are ignored. The header may sit below title rows (it is looked for in the first ten; in a
    /// CSV, title rows must carry the delimiter, as spreadsheets save them: the delimiter is detected on the first line).
    /// Rows with neither SKU, quantity nor unit (section titles, notes) are skipped. Blocks until the stream is read: from a request body, use
    /// <see cref="ParseFileAsync"/>.</summary>
    /// <param name="fileName">The name the buyer gave the file, if any: used to explain failures.</param>
    /// <param name="contentType">The file's media type, if known: a PDF, image or text document is refused as such.</param>
    /// <exception cref="TabularFileException">The file cannot be read as a table (not CSV or XLSX, empty, larger than
    /// <see cref="MaxFileBytes"/>, damaged), or no header with a SKU and a quantity column is found.</exception>
    public static QuickOrderParse ParseFile(Stream file, string? fileName, string? contentType) =>
        ParseFileAsync(file, fileName, contentType).GetAwaiter().GetResult();

    /// <summary>As <see cref="ParseFile"/>, reading the stream asynchronously (a request body may refuse synchronous reads).</summary>
    /// <exception cref="TabularFileException">As for <see cref="ParseFile"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<QuickOrderParse> ParseFileAsync(Stream file, string? fileName, string? contentType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var name = NameFor(fileName, contentType);

        // Read into memory first, bounded: the reader then has a seekable stream (a workbook is read in place, never spooled
        // to a temporary file) and a file past the limit is refused before any of it is parsed.
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await file.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > MaxFileBytes)
            {
                throw new TabularFileException($"The file is larger than {MaxFileBytes / 1024 / 1024} MB; a quick order of {MaxLines:N0} items fits in far less. Send only the sheet with the items, as XLSX or CSV.");
            }

            buffer.Write(chunk, 0, n);
        }

        buffer.Position = 0;
        await using var table = await TabularFile.OpenAsync(buffer, name, FileOptions, cancellationToken).ConfigureAwait(false);
        var columns = Columns.Find(table.Headers);
        for (var searched = 0; columns is null && searched < HeaderSearchRows && await table.ReadAsync(cancellationToken).ConfigureAwait(false); searched++)
        {
            columns = Columns.Find([.. Enumerable.Range(0, HeaderSearchColumns).Select(i => table[i])]);
        }

        if (columns is null)
        {
            throw new TabularFileException(NoHeader(table.Headers));
        }

        // Where the file says how it writes numbers; see the remarks on the class.
        DecimalStyle? style = table is { Format: "csv", Delimiter: ';' or ',' } ? table.DecimalStyle : null;
        var report = new Report();
        while (!report.Stopped && await table.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var sku = table[columns.Sku];
            var unit = columns.Unit >= 0 ? table[columns.Unit] : null;
            var quantity = table[columns.Quantity];
            if (sku is null && quantity is null && unit is null)
            {
                continue;
            }

            var row = (int)Math.Min(table.Line, int.MaxValue);
            Judge(report, row, sku, quantity, table.IsStoredNumber(columns.Quantity) ? DecimalStyle.Point : style, unit);
        }

        return report.Result();
    }

    /// <summary>Checks one item's SKU, quantity and unit as a cart line will, and adds it to the order or rejects it
    /// with every problem it has.</summary>
    private static void Judge(Report report, int row, string? sku, string? quantityText, DecimalStyle? style, string? unit)
    {
        var problems = new List<string>(1);
        if (sku is null)
        {
            problems.Add("The SKU is missing.");
        }
        else if (!Ids.IsWellFormed(sku))
        {
            problems.Add($"'{Echo(sku)}' is not a SKU: a SKU is 1 to 64 letters, digits, '-', '_' or '.', without spaces.");
        }

        var quantity = 0m;
        if (quantityText is null)
        {
            problems.Add("The quantity is missing.");
        }
        else if (ReadQuantity(quantityText, style, out quantity) is { } problem)
        {
            problems.Add(problem);
        }
        else if (quantity <= 0)
        {
            problems.Add("The quantity must be more than zero.");
        }
        else if (quantity >= 1_000_000_000)
        {
            problems.Add("The quantity must be below 1,000,000,000.");
        }
        else if (decimal.Round(quantity, 6) != quantity)
        {
            problems.Add($"'{Echo(quantityText)}' has more than 6 decimals.");
        }

        if (unit is not null && !ProductRules.IsUnitCode(unit))
        {
            problems.Add($"'{Echo(unit)}' is not a unit: write a unit code such as UN, CX or KG, or leave it out for the product's base unit.");
        }

        if (problems.Count > 0)
        {
            report.Reject(row, Echo(sku), string.Join(' ', problems));
        }
        else
        {
            report.Add(new QuickOrderLine(row, sku!, unit?.ToUpperInvariant(), quantity));
        }
    }

    /// <summary>The quantity in <paramref name="style"/> (the other style when it fails), or in whichever style reads it when
    /// none is known; null when read, else why not.</summary>
    private static string? ReadQuantity(string text, DecimalStyle? style, out decimal value)
    {
        if (style is { } known)
        {
            if (Numbers.TryParseDecimal(text, known, out value)
                || Numbers.TryParseDecimal(text, known == DecimalStyle.Comma ? DecimalStyle.Point : DecimalStyle.Comma, out value))
            {
                return null;
            }
        }
        else
        {
            var comma = Numbers.TryParseDecimal(text, DecimalStyle.Comma, out var byComma);
            var point = Numbers.TryParseDecimal(text, DecimalStyle.Point, out var byPoint);
            if (comma && point && byComma != byPoint)
            {
                value = 0;
                return $"'{text}' is unclear: it can mean {Plain(Math.Min(byComma, byPoint))} or {Plain(Math.Max(byComma, byPoint))}. Write quantities without a thousands separator, such as 1000, 1,5 or 1.5.";
            }

            if (comma || point)
            {
                value = comma ? byComma : byPoint;
                return null;
            }
        }

        value = 0;
        return $"'{Echo(text)}' is not a quantity: write a number such as 10, 2,5 or 2.5.";
    }

    private static string Plain(decimal value) => value.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>The parts of a pasted line, trimmed. A tab or ';' separates columns exactly (empty parts kept); otherwise
    /// spaces do ("A-1 2,5 CX", "A-1, 2,5, CX"), or, in a line without spaces, commas ("A-1,10,CX"): those are
    /// <paramref name="loose"/>, as a comma there may as well be a decimal one.</summary>
    private static string[] Split(string line, out bool loose)
    {
        loose = false;
        if (line.Contains('\t', StringComparison.Ordinal) || line.Contains(';', StringComparison.Ordinal))
        {
            var separator = line.Contains('\t', StringComparison.Ordinal) ? '\t' : ';';
            var parts = line.Split(separator, StringSplitOptions.TrimEntries);
            var count = parts.Length;
            while (count > 1 && parts[count - 1].Length == 0)
            {
                count--; // a spreadsheet copies the empty cells at the end of a row too
            }

            return parts[..count];
        }

        loose = true;
        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words.Length > 1
            ? [.. words.Select(w => w.TrimEnd(',')).Where(w => w.Length > 0)]
            : line.Split(',', StringSplitOptions.TrimEntries);
    }

    private static string? Part(string[] parts, int ordinal) => ordinal < parts.Length && parts[ordinal].Length > 0 ? parts[ordinal] : null;

    /// <summary>Whether the first pasted line names columns rather than an item: it names the SKU and the quantity columns
    /// (then they are read by it), or it is an item's shape, at most three parts, with a known column name and no number
    /// where the quantity would be ("Produto Qtd" is a header; "ITEM 5" is five of SKU ITEM; "not an item at all" is a
    /// wrong line).</summary>
    private static bool IsHeader(string[] parts, out Columns? columns)
    {
        columns = Columns.Find(parts);
        if (columns is not null)
        {
            return true;
        }

        var named = parts.Length <= 3
            && (TabularFile.Ordinal(parts, SkuNames) >= 0 || TabularFile.Ordinal(parts, QuantityNames) >= 0 || TabularFile.Ordinal(parts, UnitNames) >= 0);
        return named && !(Part(parts, 1) is { } quantity && (Numbers.TryParseDecimal(quantity, DecimalStyle.Comma, out _) || Numbers.TryParseDecimal(quantity, DecimalStyle.Point, out _)));
    }

    private static string NoHeader(IReadOnlyList<string> headers)
    {
        var sku = TabularFile.Ordinal(headers, SkuNames) >= 0;
        var quantity = TabularFile.Ordinal(headers, QuantityNames) >= 0;
        return (sku, quantity) switch
        {
            (true, false) => "The file has no quantity column: name it 'Quantidade', 'Qtd' or 'Qtde' (or 'Quantity', 'Qty').",
            (false, true) => "The file has no SKU column: name it 'Código', 'SKU' or 'Referência' (or 'Product code', 'Part number').",
            _ => "No header row naming a SKU column and a quantity column was found: the first row must name them, such as 'Código' and 'Quantidade' (or 'SKU' and 'Quantity').",
        };
    }

    /// <summary>The name the reader is given: the buyer's, or one saying "workbook" when only the media type does. Refuses
    /// media types that are never tables, in their own words rather than as unreadable text.</summary>
    private static string NameFor(string? fileName, string? contentType)
    {
        var mediaType = contentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not null && (NotTables.Contains(mediaType) || mediaType.StartsWith("image/", StringComparison.Ordinal)
            || mediaType.StartsWith("audio/", StringComparison.Ordinal) || mediaType.StartsWith("video/", StringComparison.Ordinal)))
        {
            throw new TabularFileException($"The file is {(mediaType == "application/pdf" ? "a PDF" : $"of type {mediaType}")}, not a list of items: send a spreadsheet (XLSX) or a CSV file with a SKU and a quantity column.");
        }

        return string.IsNullOrWhiteSpace(fileName) ? mediaType == XlsxType ? "order.xlsx" : "order" : fileName;
    }

    /// <summary>What a rejection quotes of the buyer's text: all of it, unless it is very long.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    private static string? Echo(string? text) => text is null || text.Length <= EchoLength ? text : string.Concat(text.AsSpan(0, EchoLength), "…");

    /// <summary>Where the SKU, quantity and unit are in a header; null unless it names both the SKU and the quantity.</summary>
    private sealed record Columns(int Sku, int Quantity, int Unit, int Count)
    {
        public static Columns? Find(IReadOnlyList<string?> header)
        {
            var sku = TabularFile.Ordinal(header, SkuNames);
            var quantity = TabularFile.Ordinal(header, QuantityNames);
            return sku >= 0 && quantity >= 0 ? new Columns(sku, quantity, TabularFile.Ordinal(header, UnitNames), header.Count) : null;
        }
    }

    /// <summary>The order as it is read, bounded: past <see cref="MaxLines"/> items each row is rejected, and past
    /// <see cref="MaxRejections"/> rejections reading stops.</summary>
    private sealed class Report
    {
        private readonly List<QuickOrderLine> _lines = [];
        private readonly List<QuickOrderRejection> _rejected = [];

        public bool Stopped { get; private set; }

        public void Add(QuickOrderLine line)
        {
            if (_lines.Count < MaxLines)
            {
                _lines.Add(line);
            }
            else
            {
                Reject(line.Row, line.Sku, $"A quick order holds at most {MaxLines:N0} items: this one and those after it are not in it; order them in another.");
            }
        }

        public void Reject(int row, string? sku, string reason)
        {
            if (_rejected.Count < MaxRejections)
            {
                _rejected.Add(new QuickOrderRejection(row, sku, reason));
                return;
            }

            _rejected.Add(new QuickOrderRejection(row, null, $"This row and those after it were not read: {MaxRejections:N0} rows were rejected before it. Correct them and send the order again."));
            Stopped = true;
        }

        public QuickOrderParse Result() => new(_lines, _rejected);
    }
}
