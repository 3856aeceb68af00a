using System.Globalization;
using System.Text;
using Sylvan.Data.Csv;

namespace Agora.Core.Files;

/// <summary>CSV rows through Sylvan.Data.Csv in its standard (strict) quoting style, with the delimiter
/// <see cref="TabularFile"/> detected, and the physical line each record starts on.</summary>
internal sealed class CsvRows : RowSource
{
    private readonly TabularFileOptions options;
    private string[] headers = [];
    private CsvDataReader csv = null!;
    private long firstDataLine;
    private bool onRecord;

    // Lines Sylvan skipped as comments since the last record. Its comment character cannot be turned off, so it is set
    // to NUL (never at the start of a real line: files with NULs up front are refused as binary) and skipped lines are
    // still counted, so line numbers stay right.
    private long skippedLines;

    private CsvRows(TabularFileOptions options) => this.options = options;

    public override IReadOnlyList<string> Headers => headers;

    /// <param name="firstLine">The file line the text starts on (2 after a "sep=" line).</param>
    public static async Task<CsvRows> OpenAsync(Stream bytes, Encoding encoding, char delimiter, long firstLine, TabularFileOptions options, CancellationToken cancellationToken)
    {
        var text = new StreamReader(bytes, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024);
        var rows = new CsvRows(options);
        var bufferSize = Math.Clamp(options.MaxRecordLength, 0x80, 64 * 1024);
        var sylvan = new CsvDataReaderOptions
        {
            HasHeaders = true,
            Delimiter = delimiter,
            Comment = '\0',
            CommentHandler = (Action<string>)(_ => rows.skippedLines++),
            BufferSize = bufferSize,
            MaxBufferSize = Math.Max(options.MaxRecordLength, bufferSize),
            OwnsReader = true,
        };

        try
        {
            rows.csv = await CsvDataReader.CreateAsync(text, sylvan, cancellationToken).ConfigureAwait(false);
        }
        catch (CsvFormatException e)
        {
            text.Dispose();
            // Sylvan numbers the header 0 and the first record 1; both are read while opening.
            throw Translate(e, firstLine + rows.TakeSkippedLines() + Math.Min(e.RowNumber, 1), options);
        }

        var names = new string[rows.csv.FieldCount];
        long headerLineBreaks = 0;
        for (var i = 0; i < names.Length; i++)
        {
            var name = rows.csv.GetName(i) ?? string.Empty;
            headerLineBreaks += LineBreaks(name);
            names[i] = name.Trim();
        }

        // Comments before or after the header (counted during CreateAsync) push the first record down alike.
        var headerLine = firstLine + rows.TakeSkippedLines();
        if (Array.TrueForAll(names, n => n.Length == 0))
        {
            await rows.csv.DisposeAsync().ConfigureAwait(false);
            throw new TabularFileException("The first line is empty: it must hold the column names.", headerLine);
        }

        rows.headers = names;
        rows.firstDataLine = headerLine + headerLineBreaks + 1;
        return rows;
    }

    public override ValueTask<bool> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = onRecord ? Line + LineBreaks(csv.GetRawRecordSpan()) : firstDataLine;
            var pending = csv.ReadAsync(cancellationToken);
            if (!pending.IsCompletedSuccessfully)
            {
                return ReadSlowAsync(pending, line, cancellationToken);
            }

            if (!Arrive(pending.Result, line))
            {
                return ValueTask.FromResult(false);
            }

            if (!IsBlank())
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    private async ValueTask<bool> ReadSlowAsync(Task<bool> pending, long line, CancellationToken cancellationToken)
    {
        while (true)
        {
            bool read;
            try
            {
                read = await pending.ConfigureAwait(false);
            }
            catch (CsvFormatException e)
            {
                throw Translate(e, line + TakeSkippedLines(), options);
            }

            if (!Arrive(read, line))
            {
                return false;
            }

            if (!IsBlank())
            {
                return true;
            }

            line = Line + LineBreaks(csv.GetRawRecordSpan());
            pending = csv.ReadAsync(cancellationToken);
        }
    }

    /// <summary>Bookkeeping after Sylvan read a record (or the end): the record's line, counting skipped lines.</summary>
    private bool Arrive(bool read, long line)
    {
        onRecord = read;
        if (read)
        {
            Line = line + TakeSkippedLines();
        }

        return read;
    }

    private long TakeSkippedLines()
    {
        var n = skippedLines;
        skippedLines = 0;
        return n;
    }

    private bool IsBlank()
    {
        for (var i = 0; i < csv.RowFieldCount; i++)
        {
            if (!csv.GetFieldSpan(i).IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    public override ReadOnlySpan<char> Field(int ordinal) =>
        (uint)ordinal < (uint)csv.RowFieldCount ? csv.GetFieldSpan(ordinal) : [];

    public override ValueTask DisposeAsync() => csv.DisposeAsync();

    /// <summary>The line breaks inside one record's raw text, its terminator included: '\n' (or "\r\n"), or '\r' alone
    /// in files with old Mac line ends. One vectorized count per record; fields are not rescanned.</summary>
    private static long LineBreaks(ReadOnlySpan<char> raw)
    {
        var n = raw.Count('\n');
        return n > 0 ? n : raw.Count('\r');
    }

    private static TabularFileException Translate(CsvFormatException e, long line, TabularFileOptions options) => e switch
    {
        CsvRecordTooLargeException => new TabularFileException(
            string.Create(CultureInfo.InvariantCulture, $"A row longer than {options.MaxRecordLength:N0} characters starts here; a quote is probably left open."), line, e),
        CsvMissingHeadersException => new TabularFileException("The file has no header line.", line, e),
        CsvInvalidCharacterException { Message: var m } when m.Contains("without a closing quote", StringComparison.Ordinal) =>
            new TabularFileException("A quoted field in the row starting here is never closed: a quote is left open.", line, e),
        CsvInvalidCharacterException => new TabularFileException(
            $"The row starting here is not valid CSV: {e.Message} (a field that starts with a quote must end with one, and quotes inside it must be doubled).", line, e),
        _ => new TabularFileException($"The row starting here is not valid CSV: {e.Message}", line, e),
    };
}
