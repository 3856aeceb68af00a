using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Agora.Core.Files;

/// <summary>The first worksheet of an XLSX workbook, row by row.</summary>
/// <remarks>Library: Microsoft's Open XML SDK (DocumentFormat.OpenXml 3.3.0), the reference implementation of the
/// format, maintained by Microsoft under the .NET Foundation, MIT-licensed and released several times a year. Its
/// package and DOM give the parts, their relationships, the workbook and the styles (each bounded to
/// <see cref="XlsxLimits.MaxOtherPartBytes"/> characters); the worksheet and the shared-string table are read with a
/// plain <see cref="XmlReader"/>, forward, one cell at a time and each text in chunks, so memory stays flat however long
/// the sheet and whatever a hostile file declares: every character inflated is counted against
/// <see cref="XlsxLimits"/> (the shared-string table, which cells index at random, is kept as a list of strings). The
/// alternatives served here are weaker fits: MiniExcel 1.46.0 streams too but hands rows out as dynamic dictionaries and
/// converts values its own way; ExcelDataReader 3.6.0 dates from 2019. The package is read from a seekable stream
/// (zip central directory at the end), so <see cref="TabularFile"/> spools other streams to a temporary file.</remarks>
internal sealed class XlsxRows : RowSource
{
    private const int MaxColumns = 16_384; // XFD, Excel's last column

    private readonly Stream? owned;
    private readonly SpreadsheetDocument document;
    private readonly XmlReader reader;
    private readonly List<string> sharedStrings;
    private readonly XlsxLimits limits;
    private readonly int maxRowCharacters;
    private readonly char[] chunk = new char[4096];
    private readonly StringBuilder text = new();
    private readonly bool[] dateStyles;
    private readonly bool date1904;
    private string[] headers = [];
    private string?[] cells = new string?[16];
    private bool[] numeric = new bool[16];
    private int cellCount;
    private long lastRowIndex;

    private XlsxRows(Stream? owned, SpreadsheetDocument document, XmlReader reader, List<string> sharedStrings, bool[] dateStyles, bool date1904, TabularFileOptions options)
    {
        limits = options.Xlsx;
        maxRowCharacters = options.MaxRecordLength;
        this.owned = owned;
        this.document = document;
        this.reader = reader;
        this.sharedStrings = sharedStrings;
        this.dateStyles = dateStyles;
        this.date1904 = date1904;
    }

    public override IReadOnlyList<string> Headers => headers;

    /// <summary>Opens the workbook in <paramref name="package"/> (seekable, positioned at the zip's start) and reads its
    /// header row. Disposes <paramref name="owned"/> with itself. Every failure is an <see cref="TabularFileException"/>.</summary>
    public static XlsxRows Open(Stream package, Stream? owned, TabularFileOptions options)
    {
        SpreadsheetDocument? document = null;
        XmlReader? reader = null;
        try
        {
            var limits = options.Xlsx;
            CheckDeclaredSizes(package, limits);
            document = SpreadsheetDocument.Open(package, isEditable: false, new OpenSettings { MaxCharactersInPart = limits.MaxOtherPartBytes });
            var workbookPart = document.WorkbookPart ?? throw new TabularFileException("The zip archive is not an Excel workbook (it has no workbook part).");
            var workbook = workbookPart.Workbook;
            var worksheet = FirstWorksheet(workbookPart, workbook) ?? throw new TabularFileException("The workbook has no worksheet.");
            var sharedStrings = ReadSharedStrings(workbookPart.SharedStringTablePart, limits);
            var dateStyles = DateStyles(workbookPart.WorkbookStylesPart?.Stylesheet);
            var date1904 = workbook.WorkbookProperties?.Date1904?.InnerText is "1" or "true";
            reader = XmlOf(worksheet, limits.MaxSheetBytes);
            var rows = new XlsxRows(owned, document, reader, sharedStrings, dateStyles, date1904, options);
            rows.ReadHeader();
            return rows;
        }
        catch (Exception e) when (e is not TabularFileException and not OperationCanceledException)
        {
            reader?.Dispose();
            document?.Dispose();
            owned?.Dispose();
            throw new TabularFileException(e.Message.Contains("MaxCharacters", StringComparison.Ordinal)
                ? $"A part of the workbook is larger than {options.Xlsx.MaxOtherPartBytes / 1024 / 1024} MB once inflated; save the sheet as CSV or as a new workbook."
                : $"The workbook cannot be read ({e.Message}).", e);
        }
        catch
        {
            reader?.Dispose();
            document?.Dispose();
            owned?.Dispose();
            throw;
        }
    }

    private static WorksheetPart? FirstWorksheet(WorkbookPart workbookPart, Workbook workbook)
    {
        // The first sheet in the workbook's order (the tab order), skipping chart sheets.
        foreach (var sheet in workbook.Sheets?.Elements<Sheet>() ?? [])
        {
            if (sheet.Id?.Value is { } id && workbookPart.TryGetPartById(id, out var part) && part is WorksheetPart worksheet)
            {
                return worksheet;
            }
        }

        return null;
    }

    /// <summary>Refuses a zip whose entries say they inflate past the limits, before anything is inflated. The sizes are
    /// the file's own claim: what is actually inflated is counted again while it is read.</summary>
    private static void CheckDeclaredSizes(Stream package, XlsxLimits limits)
    {
        var start = package.Position;
        using (var zip = new ZipArchive(package, ZipArchiveMode.Read, leaveOpen: true))
        {
            if (zip.Entries.Count > limits.MaxEntries)
            {
                throw new TabularFileException($"The workbook holds {zip.Entries.Count:N0} zip entries; at most {limits.MaxEntries:N0} are read.");
            }

            foreach (var entry in zip.Entries)
            {
                var name = entry.FullName.TrimStart('/');
                var (limit, what) = name.StartsWith("xl/worksheets/", StringComparison.OrdinalIgnoreCase) ? (limits.MaxSheetBytes, "a worksheet")
                    : name.Equals("xl/sharedStrings.xml", StringComparison.OrdinalIgnoreCase) ? (limits.MaxSharedStringsBytes, "the shared-string table")
                    : (limits.MaxOtherPartBytes, $"the part '{name}'");
                if (entry.Length > limit)
                {
                    throw new TabularFileException($"In the workbook, {what} inflates to {entry.Length / 1024 / 1024:N0} MB ({entry.Length / Math.Max(1, entry.CompressedLength):N0} times its {entry.CompressedLength / 1024:N0} KB in the file); at most {limit / 1024 / 1024:N0} MB are read. Save it as CSV or as a new workbook.");
                }
            }
        }

        package.Position = start;
    }

    /// <summary>A forward reader over a part's XML, refusing DTDs and stopping at <paramref name="maxCharacters"/>.</summary>
    private static XmlReader XmlOf(OpenXmlPart part, long maxCharacters) =>
        XmlReader.Create(part.GetStream(FileMode.Open, FileAccess.Read), new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxCharacters,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = true,
        });

    private static List<string> ReadSharedStrings(SharedStringTablePart? part, XlsxLimits limits)
    {
        var strings = new List<string>();
        if (part is null)
        {
            return strings;
        }

        using var xml = XmlOf(part, limits.MaxSharedStringsBytes);
        var buffer = new char[4096];
        var text = new StringBuilder();
        long total = 0;
        try
        {
            while (xml.Read())
            {
                if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "si")
                {
                    continue;
                }

                if (strings.Count == limits.MaxSharedStrings)
                {
                    throw new TabularFileException($"The workbook's shared-string table holds more than {limits.MaxSharedStrings:N0} strings; save the sheet as CSV (no such table) or as a new workbook.");
                }

                text.Clear();
                ReadRichText(xml, text, buffer, limits.MaxCellCharacters, () => new TabularFileException($"A text of the shared-string table (number {strings.Count + 1:N0}) is longer than {limits.MaxCellCharacters:N0} characters, Excel's limit for a cell."));
                total += text.Length;
                if (total > limits.MaxSharedStringCharacters)
                {
                    throw new TabularFileException($"The workbook's shared strings hold more than {limits.MaxSharedStringCharacters / 1024 / 1024:N0} Mi characters (after {strings.Count:N0} strings); save the sheet as CSV, which is read as a stream.");
                }

                strings.Add(Unescape(text.ToString()));
            }
        }
        catch (XmlException e) when (e.Message.Contains("MaxCharacters", StringComparison.Ordinal))
        {
            throw new TabularFileException($"The workbook's shared-string table is larger than {limits.MaxSharedStringsBytes / 1024 / 1024:N0} MB once inflated; save the sheet as CSV or as a new workbook.", e);
        }

        return strings;
    }

    /// <summary>Appends the text of the current <c>&lt;si&gt;</c> or <c>&lt;is&gt;</c> (its &lt;t&gt;, or its runs' &lt;t&gt;,
    /// without phonetic guides), reading each text in chunks and stopping past <paramref name="max"/> characters. Leaves
    /// the reader on the element's end.</summary>
    private static void ReadRichText(XmlReader xml, StringBuilder text, char[] buffer, int max, Func<TabularFileException> tooLong)
    {
        if (xml.IsEmptyElement)
        {
            return;
        }

        var depth = xml.Depth;
        xml.Read();
        while (!xml.EOF && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t")
            {
                ReadText(xml, text, buffer, max, tooLong);
            }
            else if (xml.NodeType == XmlNodeType.Element && xml.LocalName != "r")
            {
                xml.Skip(); // phonetic guides (rPh), run properties, extensions: read past, not kept; now on what follows
                continue;
            }

            xml.Read(); // past the text's end tag, or into a run
        }
    }

    /// <summary>Appends the text content of the current element (on it, not empty) in chunks; the reader ends on its end tag.</summary>
    private static void ReadText(XmlReader xml, StringBuilder text, char[] buffer, int max, Func<TabularFileException> tooLong)
    {
        if (xml.IsEmptyElement)
        {
            return;
        }

        var depth = xml.Depth;
        while (xml.Read() && !(xml.NodeType == XmlNodeType.EndElement && xml.Depth == depth))
        {
            if (xml.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace)
            {
                int n;
                while ((n = xml.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
                {
                    if (text.Length + n > max)
                    {
                        throw tooLong();
                    }

                    text.Append(buffer, 0, n);
                }
            }
        }
    }

    /// <summary>Excel writes characters XML cannot hold as <c>_xHHHH_</c> (a carriage return is <c>_x000D_</c>).</summary>
    private static string Unescape(string text)
    {
        if (!text.Contains("_x", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '_' && i + 6 < text.Length && text[i + 1] == 'x' && text[i + 6] == '_'
                && ushort.TryParse(text.AsSpan(i + 2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            {
                result.Append((char)code);
                i += 6;
            }
            else
            {
                result.Append(text[i]);
            }
        }

        return result.ToString();
    }

    /// <summary>For each cell format (a cell's <c>s</c> attribute), whether it shows a date: Excel stores dates as
    /// day numbers, and only the format tells them from numbers.</summary>
    private static bool[] DateStyles(Stylesheet? stylesheet)
    {
        if (stylesheet?.CellFormats is not { } formats)
        {
            return [];
        }

        var custom = new Dictionary<uint, string>();
        foreach (var format in stylesheet.NumberingFormats?.Elements<NumberingFormat>() ?? [])
        {
            if (uint.TryParse(format.NumberFormatId?.InnerText, CultureInfo.InvariantCulture, out var id) && format.FormatCode?.Value is { } code)
            {
                custom[id] = code;
            }
        }

        var result = new List<bool>();
        foreach (var format in formats.Elements<CellFormat>())
        {
            var id = uint.TryParse(format.NumberFormatId?.InnerText, CultureInfo.InvariantCulture, out var n) ? n : 0;
            result.Add(custom.TryGetValue(id, out var code) ? IsDateFormat(code) : id is (>= 14 and <= 22) or (>= 45 and <= 47));
        }

        return [.. result];
    }

    private static bool IsDateFormat(string code)
    {
        // Date and time tokens outside quoted text, [colour]/[condition] sections and escaped characters.
        var quoted = false;
        var bracket = false;
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (quoted)
            {
                quoted = c != '"';
            }
            else if (bracket)
            {
                bracket = c != ']';
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == '[')
            {
                bracket = true;
            }
            else if (c is '\\' or '_' or '*')
            {
                i++;
            }
            else if (c is 'y' or 'Y' or 'm' or 'M' or 'd' or 'D' or 'h' or 'H' or 's' or 'S')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The first row with a non-blank cell is the header.</summary>
    private void ReadHeader()
    {
        while (NextRow())
        {
            if (!IsBlank())
            {
                var last = cellCount - 1;
                while (string.IsNullOrWhiteSpace(cells[last]))
                {
                    last--;
                }

                headers = new string[last + 1];
                for (var i = 0; i <= last; i++)
                {
                    headers[i] = cells[i]?.Trim() ?? string.Empty;
                }

                return;
            }
        }

        throw new TabularFileException("The first worksheet is empty: its first row must hold the column names.");
    }

    public override ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (NextRow())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!IsBlank())
                {
                    return ValueTask.FromResult(true);
                }
            }

            return ValueTask.FromResult(false);
        }
        catch (XmlException e) when (e.Message.Contains("MaxCharacters", StringComparison.Ordinal))
        {
            throw new TabularFileException($"The worksheet is larger than {limits.MaxSheetBytes / 1024 / 1024:N0} MB once inflated; split it or save it as CSV.", lastRowIndex + 1, e);
        }
        catch (Exception e) when (e is not TabularFileException and not OperationCanceledException)
        {
            throw new TabularFileException($"The worksheet cannot be read past here ({e.Message}).", lastRowIndex + 1, e);
        }
    }

    /// <summary>Reads the next &lt;row&gt; into <see cref="cells"/>, a cell at a time: a row is bounded by Excel's last
    /// column and by <see cref="TabularFileOptions.MaxRecordLength"/> characters before it is held.</summary>
    private bool NextRow()
    {
        while (reader.Read())
        {
            if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "row")
            {
                continue;
            }

            lastRowIndex = long.TryParse(reader.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index > lastRowIndex ? index : lastRowIndex + 1;
            Line = lastRowIndex;
            Array.Clear(cells, 0, cellCount);
            Array.Clear(numeric, 0, cellCount);
            cellCount = 0;
            if (reader.IsEmptyElement)
            {
                return true;
            }

            var depth = reader.Depth;
            var column = -1;
            long characters = 0;
            while (reader.Read() && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType != XmlNodeType.Element || reader.LocalName != "c" || reader.Depth != depth + 1)
                {
                    continue;
                }

                column = ColumnOf(reader.GetAttribute("r")) ?? column + 1;
                if (column >= MaxColumns)
                {
                    throw new TabularFileException("The row has a cell past column XFD, Excel's last (16,384 columns).", lastRowIndex);
                }

                if (column >= cells.Length)
                {
                    var size = Math.Min(MaxColumns, Math.Max(column + 1, cells.Length * 2));
                    Array.Resize(ref cells, size);
                    Array.Resize(ref numeric, size);
                }

                var value = ReadCell(out var type, out var style);
                (cells[column], numeric[column]) = ValueOf(type, style, value);
                characters += cells[column]?.Length ?? 0;
                if (characters > maxRowCharacters)
                {
                    throw new TabularFileException($"The row holds more than {maxRowCharacters:N0} characters.", lastRowIndex);
                }

                cellCount = Math.Max(cellCount, column + 1);
            }

            return true;
        }

        return false;
    }

    /// <summary>Reads the current &lt;c&gt;: its type and style attributes, and its value (&lt;v&gt;) or inline string
    /// (&lt;is&gt;), each bounded to <see cref="XlsxLimits.MaxCellCharacters"/>; formulas are read past.</summary>
    private string? ReadCell(out string? type, out string? style)
    {
        type = reader.GetAttribute("t");
        style = reader.GetAttribute("s");
        if (reader.IsEmptyElement)
        {
            return null;
        }

        string? value = null;
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName is "v" or "is")
            {
                text.Clear();
                if (reader.LocalName == "v")
                {
                    ReadText(reader, text, chunk, limits.MaxCellCharacters, TooLong);
                    value = text.ToString();
                }
                else
                {
                    ReadRichText(reader, text, chunk, limits.MaxCellCharacters, TooLong);
                    value = Unescape(text.ToString());
                }
            }
            else if (reader.NodeType == XmlNodeType.Element)
            {
                reader.Skip(); // <f> (the formula: its value is in <v>), extensions; now on what follows
                continue;
            }

            reader.Read();
        }

        return value;
    }

    private TabularFileException TooLong() =>
        new(string.Create(CultureInfo.InvariantCulture, $"A cell is longer than {limits.MaxCellCharacters:N0} characters, Excel's limit."), lastRowIndex);

    private (string? Text, bool Numeric) ValueOf(string? type, string? styleText, string? value)
    {
        switch (type)
        {
            case "s":
                return (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < sharedStrings.Count ? sharedStrings[i] : null, false);
            case "inlineStr":
                return (value, false);
            case "b":
                return (value switch { "1" => "TRUE", "0" => "FALSE", _ => value }, false);
            case null or "n":
                if (value is null || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return (value, false);
                }

                var style = int.TryParse(styleText, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
                if (style < dateStyles.Length && dateStyles[style] && DateOf(number) is { } date)
                {
                    return (date, false);
                }

                return (Invariant(number), true);
            default: // "str" (a formula's text), "e" (an error such as #N/A), "d" (an ISO 8601 date)
                return (value, false);
        }
    }

    /// <summary>Excel keeps 15 significant digits and stores doubles such as 12.199999999999999 for 12.2; the decimal
    /// conversion rounds to those 15 digits, so the text is what Excel shows (without grouping), e.g. "12.2".</summary>
    private static string Invariant(double number)
    {
        if (double.IsFinite(number) && Math.Abs(number) < 7.9e28)
        {
            return ((decimal)number).ToString(CultureInfo.InvariantCulture);
        }

        return number.ToString("R", CultureInfo.InvariantCulture);
    }

    private string? DateOf(double serial)
    {
        if (date1904)
        {
            serial += 1462;
        }

        if (serial is < -657434 or >= 2958466)
        {
            return null;
        }

        var date = DateTime.FromOADate(serial);
        return date.TimeOfDay == TimeSpan.Zero
            ? date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : date.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>The 0-based column of a reference such as "C5"; null when it is not one.</summary>
    private static int? ColumnOf(string? reference)
    {
        if (string.IsNullOrEmpty(reference))
        {
            return null;
        }

        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            var upper = (char)(c & ~0x20);
            if (upper is < 'A' or > 'Z')
            {
                break;
            }

            if (++letters > 3)
            {
                return null;
            }

            column = (column * 26) + (upper - 'A' + 1);
        }

        return letters == 0 ? null : column - 1;
    }

    private bool IsBlank()
    {
        for (var i = 0; i < cellCount; i++)
        {
            if (!string.IsNullOrWhiteSpace(cells[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override ReadOnlySpan<char> Field(int ordinal) => (uint)ordinal < (uint)cellCount ? cells[ordinal] : [];

    public override string? Text(int ordinal) =>
        (uint)ordinal < (uint)cellCount && cells[ordinal]?.Trim() is { Length: > 0 } text ? text : null;

    public override bool IsInvariantNumber(int ordinal) => (uint)ordinal < (uint)cellCount && numeric[ordinal];

    public override ValueTask DisposeAsync()
    {
        reader.Dispose();
        document.Dispose();
        owned?.Dispose();
        return ValueTask.CompletedTask;
    }
}
