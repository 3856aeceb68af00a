namespace Agora.Core.Files;

/// <summary>How <see cref="TabularFile"/> reads a file.</summary>
public sealed class TabularFileOptions
{
    internal static readonly TabularFileOptions Default = new();

    /// <summary>The file's number style. Null (the default) decides per file: <see cref="Files.DecimalStyle.Comma"/> for
    /// a CSV separated by ';' (Brazilian and European exports), <see cref="Files.DecimalStyle.Point"/> otherwise.
    /// Numeric XLSX cells are read right whatever this says (see <see cref="TabularFile.TryGetDecimal"/>).</summary>
    public DecimalStyle? DecimalStyle { get; init; }

    /// <summary>The longest CSV record or XLSX row (one row with all its fields), in characters, default 1 Mi. A longer one
    /// makes the file unreadable: in practice it is a quote left open that swallows the rest of the file (or a hostile
    /// sheet), and the limit keeps such a file from filling memory.</summary>
    public int MaxRecordLength { get; init; } = 1024 * 1024;

    /// <summary>What an XLSX workbook may hold before it is refused as unreadable (a zip bomb, or a sheet no supplier
    /// system writes); see <see cref="XlsxLimits"/>.</summary>
    public XlsxLimits Xlsx { get; init; } = new();
}

/// <summary>Bounds on an XLSX workbook, checked while it is read (a zip's declared sizes are checked first, but they are
/// the file's own word: the characters are counted as they are inflated). An XLSX is a zip, and a 300 KB file can inflate
/// to gigabytes of XML; the workbook is read as a stream, and these keep what it holds in memory bounded. A workbook past
/// one is refused with the limit it broke.</summary>
public sealed class XlsxLimits
{
    /// <summary>Entries in the zip (parts, relationships, media), default 10,000.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>Declared uncompressed size of a worksheet part, default 2 GiB; its characters are also counted as read.</summary>
    public long MaxSheetBytes { get; init; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Declared uncompressed size of the shared-string table, default 512 MiB; counted as read too.</summary>
    public long MaxSharedStringsBytes { get; init; } = 512L * 1024 * 1024;

    /// <summary>Declared uncompressed size of any other entry (workbook, styles, relationships, images), default 32 MiB;
    /// the parts read as a whole (workbook, styles) are also bounded to this many characters.</summary>
    public long MaxOtherPartBytes { get; init; } = 32L * 1024 * 1024;

    /// <summary>Distinct shared strings kept while the sheet is read (cells refer to them by index), default 1,048,576:
    /// one per row of Excel's largest sheet.</summary>
    public int MaxSharedStrings { get; init; } = 1_048_576;

    /// <summary>Characters of all shared strings together, default 32 Mi (64 MB in memory): the bound on what a workbook
    /// keeps in memory while its rows stream.</summary>
    public long MaxSharedStringCharacters { get; init; } = 32L * 1024 * 1024;

    /// <summary>Characters in one cell, default 32,767: Excel's own limit.</summary>
    public int MaxCellCharacters { get; init; } = 32_767;
}
