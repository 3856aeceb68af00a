using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Agora.Core.Imports.Files;

/// <summary>The first worksheet of an XLSX workbook, row by row.</summary>
/// <remarks>Library: Microsoft's Open XML SDK (DocumentFormat.OpenXml 3.3.0), the reference implementation of the
/// format, maintained by Microsoft under the .NET Foundation, MIT-licensed and released several times a year. Its
/// <see cref="OpenXmlReader"/> reads the worksheet part forward, one <c>&lt;row&gt;</c> at a time, so memory stays flat
/// however long the sheet (the shared-string table, which cells index at random, is kept as a list of strings). The
/// alternatives served here are weaker fits: MiniExcel 1.46.0 streams too but hands rows out as dynamic dictionaries and
/// converts values its own way; ExcelDataReader 3.6.0 dates from 2019. The package is read from a seekable stream
/// (zip central directory at the end), so <see cref="TabularFile"/> spools other streams to a temporary file.</remarks>
internal sealed class XlsxRows : RowSource
{
    private const int MaxColumns = 16_384; // XFD, Excel's last column

    private readonly Stream? owned;
    private readonly SpreadsheetDocument document;
    private readonly OpenXmlReader reader;
    private readonly List<string> sharedStrings;
    private readonly bool[] dateStyles;
    private readonly bool date1904;
    private string[] headers = [];
    private string?[] cells = new string?[16];
    private bool[] numeric = new bool[16];
    private int cellCount;
    private long lastRowIndex;

    private XlsxRows(Stream? owned, SpreadsheetDocument document, OpenXmlReader reader, List<string> sharedStrings, bool[] dateStyles, bool date1904)
    {
        this.owned = owned;
        this.document = document;
        this.reader = reader;
        this.sharedStrings = sharedStrings;
        this.dateStyles = dateStyles;
        this.date1904 = date1904;
    }

    public override IReadOnlyList<string> Headers => headers;

    /// <summary>Opens the workbook in <paramref name="package"/> (seekable, positioned at the zip's start) and reads its
    /// header row. Disposes <paramref name="owned"/> with itself. Every failure is an <see cref="ImportFileException"/>.</summary>
    public static XlsxRows Open(Stream package, Stream? owned)
    {
        SpreadsheetDocument? document = null;
        OpenXmlReader? reader = null;
        try
        {
            document = SpreadsheetDocument.Open(package, isEditable: false);
            var workbookPart = document.WorkbookPart ?? throw new ImportFileException("The zip archive is not an Excel workbook (it has no workbook part).");
            var workbook = workbookPart.Workbook;
            var worksheet = FirstWorksheet(workbookPart, workbook) ?? throw new ImportFileException("The workbook has no worksheet.");
            var sharedStrings = ReadSharedStrings(workbookPart.SharedStringTablePart);
            var dateStyles = DateStyles(workbookPart.WorkbookStylesPart?.Stylesheet);
            var date1904 = workbook.WorkbookProperties?.Date1904?.InnerText is "1" or "true";
            reader = OpenXmlReader.Create(worksheet);
            var rows = new XlsxRows(owned, document, reader, sharedStrings, dateStyles, date1904);
            rows.ReadHeader();
            return rows;
        }
        catch (Exception e) when (e is not ImportFileException and not OperationCanceledException)
        {
            reader?.Dispose();
            document?.Dispose();
            owned?.Dispose();
            throw new ImportFileException($"The workbook cannot be read ({e.Message}).", e);
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

    private static List<string> ReadSharedStrings(SharedStringTablePart? part)
    {
        var strings = new List<string>();
        if (part is null)
        {
            return strings;
        }

        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.IsStartElement && reader.ElementType == typeof(SharedStringItem))
            {
                strings.Add(RichText(reader.LoadCurrentElement()));
            }
        }

        return strings;
    }

    /// <summary>The text of a shared or inline string: its &lt;t&gt;, or its runs, without phonetic guides.</summary>
    private static string RichText(OpenXmlElement? item)
    {
        if (item is null)
        {
            return string.Empty;
        }

        string? single = null;
        StringBuilder? many = null;
        foreach (var child in item.ChildElements)
        {
            var text = child switch
            {
                Text t => t.Text,
                Run r => r.Text?.Text,
                _ => null,
            };
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            if (single is null)
            {
                single = text;
            }
            else
            {
                (many ??= new StringBuilder(single)).Append(text);
            }
        }

        return Unescape(many?.ToString() ?? single ?? string.Empty);
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

        throw new ImportFileException("The first worksheet is empty: its first row must hold the column names.");
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
        catch (Exception e) when (e is not ImportFileException and not OperationCanceledException)
        {
            throw new ImportFileException($"The worksheet cannot be read past here ({e.Message}).", lastRowIndex + 1, e);
        }
    }

    /// <summary>Loads the next &lt;row&gt; element (one row's DOM, never the sheet's) into <see cref="cells"/>.</summary>
    private bool NextRow()
    {
        while (reader.Read())
        {
            if (!reader.IsStartElement || reader.ElementType != typeof(Row))
            {
                continue;
            }

            var row = (Row)reader.LoadCurrentElement()!;
            lastRowIndex = long.TryParse(row.RowIndex?.InnerText, CultureInfo.InvariantCulture, out var index) && index > lastRowIndex ? index : lastRowIndex + 1;
            Line = lastRowIndex;
            Array.Clear(cells, 0, cellCount);
            Array.Clear(numeric, 0, cellCount);
            cellCount = 0;
            var column = -1;
            foreach (var cell in row.Elements<Cell>())
            {
                column = ColumnOf(cell.CellReference?.Value) ?? column + 1;
                if (column >= MaxColumns)
                {
                    continue;
                }

                if (column >= cells.Length)
                {
                    var size = Math.Min(MaxColumns, Math.Max(column + 1, cells.Length * 2));
                    Array.Resize(ref cells, size);
                    Array.Resize(ref numeric, size);
                }

                (cells[column], numeric[column]) = ValueOf(cell);
                cellCount = Math.Max(cellCount, column + 1);
            }

            return true;
        }

        return false;
    }

    private (string? Text, bool Numeric) ValueOf(Cell cell)
    {
        var value = cell.CellValue?.Text;
        switch (cell.DataType?.InnerText)
        {
            case "s":
                return (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < sharedStrings.Count ? sharedStrings[i] : null, false);
            case "inlineStr":
                return (RichText(cell.InlineString), false);
            case "b":
                return (value switch { "1" => "TRUE", "0" => "FALSE", _ => value }, false);
            case null or "n":
                if (value is null || !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return (value, false);
                }

                var style = int.TryParse(cell.StyleIndex?.InnerText, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
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
