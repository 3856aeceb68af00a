using System.Globalization;
using System.Text;

namespace Agora.Core.Files;

/// <summary>A table sent as a file (a supplier's price list, catalog or stock snapshot; a buyer's order) read as a header
/// and rows, whatever its format: CSV (',' ';' tab or '|', UTF-8 with or without BOM, UTF-16/32 with BOM, or
/// Windows-1252) or XLSX (first worksheet).
/// The content is streamed: only a bounded prefix is looked at to detect the format, encoding and delimiter.</summary>
/// <remarks>Rows whose fields are all blank are skipped (their lines still count). Rows may have more or fewer fields
/// than the header: missing ones read as null. A file that cannot be read at all fails with
/// <see cref="TabularFileException"/>, from <see cref="OpenAsync"/> or, when the damage is further on, from
/// <see cref="ReadAsync"/> (rows before it have then been read). Errors of the source stream itself (network, disk)
/// are not the file's fault and pass through unchanged. Not thread-safe; one reader at a time.</remarks>
public sealed class TabularFile : IAsyncDisposable
{
    /// <summary>How much of the file is looked at to detect its format, encoding and delimiter.</summary>
    public const int DetectionPrefixBytes = 64 * 1024;

    private static readonly byte[] ZipMagic = [0x50, 0x4B, 0x03, 0x04];
    private static readonly byte[] OleMagic = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    private readonly RowSource rows;
    private readonly string[] normalizedHeaders;

    private TabularFile(RowSource rows, string format, string? encodingName, char? delimiter, DecimalStyle decimalStyle)
    {
        this.rows = rows;
        Format = format;
        EncodingName = encodingName;
        Delimiter = delimiter;
        DecimalStyle = decimalStyle;
        normalizedHeaders = [.. rows.Headers.Select(Normalize)];
    }

    /// <summary>"csv" or "xlsx", from the content (an XLSX is a zip: it starts with PK\x03\x04), not the name.</summary>
    public string Format { get; }

    /// <summary>The encoding a CSV was read with ("utf-8", "utf-16", "utf-16BE", "utf-32", "windows-1252"); null for XLSX.</summary>
    public string? EncodingName { get; }

    /// <summary>The separator of a CSV, detected from its header line; null for XLSX.</summary>
    public char? Delimiter { get; }

    /// <summary>How the file writes numbers; see <see cref="TabularFileOptions.DecimalStyle"/>.</summary>
    public DecimalStyle DecimalStyle { get; }

    /// <summary>The column names as written, trimmed. Compare them through <see cref="Ordinal"/>.</summary>
    public IReadOnlyList<string> Headers => rows.Headers;

    /// <summary>The 1-based physical line where the current row starts (the header is line 1; a quoted field spanning
    /// lines pushes later rows down); for XLSX, the sheet row number.</summary>
    public long Line => rows.Line;

    /// <summary>The 1-based number of the current data row (blank rows are not counted).</summary>
    public long Row { get; private set; }

    /// <summary>The current row's field, trimmed; null when empty or missing (also for ordinal -1, an absent column).</summary>
    public string? this[int ordinal] => rows.Text(ordinal);

    /// <summary>Opens <paramref name="content"/> (which stays the caller's to dispose) and reads its header.</summary>
    /// <param name="fileName">The file's name, used only to explain failures (an ".xlsx" that is not a workbook).</param>
    /// <exception cref="TabularFileException">The file cannot be read as a table.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static async Task<TabularFile> OpenAsync(Stream content, string fileName, TabularFileOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(fileName);
        options ??= TabularFileOptions.Default;
        var start = content.CanSeek ? content.Position : -1;
        var prefix = new byte[DetectionPrefixBytes];
        var length = 0;
        int n;
        while (length < prefix.Length && (n = await content.ReadAsync(prefix.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
        {
            length += n;
        }

        var head = prefix.AsSpan(0, length);
        if (length == 0)
        {
            throw new TabularFileException("The file is empty.");
        }

        if (head.StartsWith(ZipMagic))
        {
            return await OpenXlsxAsync(content, start, prefix, length, options, cancellationToken).ConfigureAwait(false);
        }

        if (head.StartsWith(OleMagic))
        {
            throw new TabularFileException("The file is an Excel 97-2003 workbook (.xls), which is not supported: save it as .xlsx or CSV.");
        }

        if (fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            throw new TabularFileException($"'{fileName}' is named as an Excel workbook but is not one (an .xlsx file is a zip archive).");
        }

        return await OpenCsvAsync(content, prefix, length, options, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<TabularFile> OpenCsvAsync(Stream content, byte[] prefix, int length, TabularFileOptions options, CancellationToken cancellationToken)
    {
        var wholeFile = length < prefix.Length;
        var (encoding, bom, name) = TextDetection.Detect(prefix.AsSpan(0, length), wholeFile);
        var text = encoding.GetString(prefix, bom, length - bom);
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new TabularFileException("The file is not text (it contains NUL bytes): upload a CSV or XLSX file.");
        }

        // Excel writes (and honours) a first line "sep=;" naming the delimiter: use it, and the header is the next line.
        var start = bom;
        var firstLine = 1;
        char delimiter;
        if (SeparatorLine(text) is var (named, lineLength))
        {
            delimiter = named;
            start += encoding.GetByteCount(text.AsSpan(0, lineLength));
            firstLine = 2;
        }
        else
        {
            delimiter = DetectDelimiter(text);
        }

        var rows = await CsvRows.OpenAsync(new PrefixedStream(prefix, start, length, content), encoding, delimiter, firstLine, options, cancellationToken).ConfigureAwait(false);
        var style = options.DecimalStyle ?? (delimiter == ';' ? DecimalStyle.Comma : DecimalStyle.Point);
        return new TabularFile(rows, "csv", name, delimiter, style);
    }

    private static async Task<TabularFile> OpenXlsxAsync(Stream content, long start, byte[] prefix, int length, TabularFileOptions options, CancellationToken cancellationToken)
    {
        Stream package;
        Stream? owned = null;
        if (start == 0 && content is MemoryStream or FileStream)
        {
            // Random access is cheap here: read the caller's stream in place (it stays the caller's).
            content.Position = 0;
            package = content;
        }
        else
        {
            // The zip's directory is at its end: spool the rest to a temporary file, deleted when closed.
            owned = new FileStream(Path.Combine(Path.GetTempPath(), Path.GetRandomFileName()), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            try
            {
                await owned.WriteAsync(prefix.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
                await content.CopyToAsync(owned, cancellationToken).ConfigureAwait(false);
                owned.Position = 0;
            }
            catch
            {
                await owned.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            package = owned;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var rows = XlsxRows.Open(package, owned, options);
        return new TabularFile(rows, "xlsx", null, null, options.DecimalStyle ?? DecimalStyle.Point);
    }

    /// <summary>A first line "sep=X" (X one of , ; tab |): X and the line's length with its line break.</summary>
    private static (char Delimiter, int Length)? SeparatorLine(string text)
    {
        if (text.Length < 5 || !text.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) || text[4] is not (',' or ';' or '\t' or '|'))
        {
            return null;
        }

        var rest = text.AsSpan(5);
        var lineBreak = rest.StartsWith("\r\n") ? 2 : rest.Length == 0 || rest[0] is '\n' or '\r' ? Math.Min(1, rest.Length) : -1;
        return lineBreak < 0 ? null : (text[4], 5 + lineBreak);
    }

    /// <summary>The separator of the first line that has one: the most frequent of ',' ';' tab '|' outside quotes
    /// (ties in that order). Sylvan detects delimiters the same way but does not say which it chose, and the file's
    /// <see cref="DecimalStyle"/> depends on it, so it is decided here and handed to Sylvan.</summary>
    internal static char DetectDelimiter(ReadOnlySpan<char> text)
    {
        ReadOnlySpan<char> candidates = [',', ';', '\t', '|'];
        Span<int> counts = stackalloc int[candidates.Length];
        var quoted = false;
        foreach (var c in text)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c is '\n' or '\r')
            {
                if (counts.ContainsAnyExcept(0))
                {
                    break;
                }
            }
            else if (!quoted && candidates.IndexOf(c) is >= 0 and var i)
            {
                counts[i]++;
            }
        }

        var best = 0;
        for (var i = 1; i < counts.Length; i++)
        {
            if (counts[i] > counts[best])
            {
                best = i;
            }
        }

        return candidates[best];
    }

    /// <summary>The column of the first accepted name found, trying them in order; -1 when none is in the header.
    /// Names are compared <see cref="Normalize"/>d: "Preço Unitário", "PRECO_UNITARIO" and "preco unitario" match.</summary>
    public int Ordinal(params ReadOnlySpan<string> acceptedNames) => OrdinalOf(normalizedHeaders, acceptedNames);

    /// <summary>As <see cref="Ordinal(ReadOnlySpan{string})"/>, over any row of cells taken as a header: a header found
    /// below a title row, or the first line of pasted text. Null cells match nothing.</summary>
    public static int Ordinal(IReadOnlyList<string?> cells, params ReadOnlySpan<string> acceptedNames)
    {
        ArgumentNullException.ThrowIfNull(cells);
        return OrdinalOf([.. cells.Select(c => c is null ? string.Empty : Normalize(c))], acceptedNames);
    }

    private static int OrdinalOf(string[] normalizedHeaders, ReadOnlySpan<string> acceptedNames)
    {
        foreach (var name in acceptedNames)
        {
            var wanted = Normalize(name);
            if (wanted.Length > 0 && Array.IndexOf(normalizedHeaders, wanted) is >= 0 and var i)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A header name reduced for comparison: lower case, accents removed, only letters and digits kept
    /// ("Preço Unitário" → "precounitario", " SKU " → "sku", "Código" → "codigo").</summary>
    public static string Normalize(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var decomposed = header.Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (char.IsLetterOrDigit(c))
            {
                result.Append(char.ToLowerInvariant(c));
            }
        }

        return result.ToString();
    }

    /// <summary>Moves to the next non-blank row; false at the end of the file.</summary>
    /// <exception cref="TabularFileException">The file is damaged from here on (a quote left open, a corrupt sheet).</exception>
    public ValueTask<bool> ReadAsync(CancellationToken cancellationToken = default)
    {
        var pending = rows.ReadAsync(cancellationToken);
        if (pending.IsCompletedSuccessfully)
        {
            return ValueTask.FromResult(Counted(pending.Result));
        }

        return Await(pending);

        async ValueTask<bool> Await(ValueTask<bool> read) => Counted(await read.ConfigureAwait(false));
    }

    private bool Counted(bool read)
    {
        if (read)
        {
            Row++;
        }

        return read;
    }

    /// <summary>The current row's field, trimmed, without allocating; empty when missing. Valid until the next call.</summary>
    public ReadOnlySpan<char> GetSpan(int ordinal) => rows.Field(ordinal).Trim();

    /// <summary>The field as a number in the file's <see cref="DecimalStyle"/> (numeric XLSX cells in any style); false
    /// when empty or not a number (see <see cref="Numbers"/> for what is accepted).</summary>
    public bool TryGetDecimal(int ordinal, out decimal value) =>
        Numbers.TryParseDecimal(rows.Field(ordinal), StyleOf(ordinal), out value);

    /// <summary>The field as a whole number (a quantity); see <see cref="Numbers.TryParseLong(ReadOnlySpan{char}, DecimalStyle, out long)"/>.</summary>
    public bool TryGetInt64(int ordinal, out long value) =>
        Numbers.TryParseLong(rows.Field(ordinal), StyleOf(ordinal), out value);

    /// <summary>As <see cref="TryGetInt64"/>, for 32-bit quantities.</summary>
    public bool TryGetInt32(int ordinal, out int value) =>
        Numbers.TryParseInt(rows.Field(ordinal), StyleOf(ordinal), out value);

    /// <summary>True when the field is a number the format itself stores (an XLSX numeric cell), written in invariant
    /// form (<c>1234.5</c>) whatever the file's <see cref="DecimalStyle"/>; false for any text, a CSV field included.</summary>
    public bool IsStoredNumber(int ordinal) => rows.IsInvariantNumber(ordinal);

    private DecimalStyle StyleOf(int ordinal) => IsStoredNumber(ordinal) ? DecimalStyle.Point : DecimalStyle;

    public ValueTask DisposeAsync() => rows.DisposeAsync();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Format} ({EncodingName ?? "-"}, '{Delimiter}'), {Headers.Count} columns");
}
