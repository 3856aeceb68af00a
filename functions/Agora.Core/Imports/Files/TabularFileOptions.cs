namespace Agora.Core.Imports.Files;

/// <summary>How <see cref="TabularFile"/> reads a file.</summary>
public sealed class TabularFileOptions
{
    internal static readonly TabularFileOptions Default = new();

    /// <summary>The file's number style. Null (the default) decides per file: <see cref="Files.DecimalStyle.Comma"/> for
    /// a CSV separated by ';' (Brazilian and European exports), <see cref="Files.DecimalStyle.Point"/> otherwise.
    /// Numeric XLSX cells are read right whatever this says (see <see cref="TabularFile.TryGetDecimal"/>).</summary>
    public DecimalStyle? DecimalStyle { get; init; }

    /// <summary>The longest CSV record (one row with all its fields), in characters, default 1 Mi. A longer one makes the
    /// file unreadable: in practice it is a quote left open that swallows the rest of the file, and the limit keeps such
    /// a file from filling memory.</summary>
    public int MaxRecordLength { get; init; } = 1024 * 1024;
}
