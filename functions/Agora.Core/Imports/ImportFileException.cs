namespace Agora.Core.Imports;

/// <summary>A supplier file that cannot be read at all: not CSV or XLSX, empty, no header, a quote left open, a corrupt
/// workbook. The import fails as a whole and the supplier is told <see cref="Reason"/> and, when known, the
/// <see cref="Line"/>. A single bad row is not this: the rows are read and each use case judges its own fields.</summary>
public sealed class ImportFileException : Exception
{
    public ImportFileException()
        : this("The file could not be read.")
    {
    }

    public ImportFileException(string reason)
        : this(reason, line: null, innerException: null)
    {
    }

    public ImportFileException(string reason, Exception? innerException)
        : this(reason, line: null, innerException)
    {
    }

    public ImportFileException(string reason, long? line, Exception? innerException = null)
        : base(line is { } l ? $"Line {l}: {reason}" : reason, innerException)
    {
        Reason = reason;
        Line = line;
    }

    /// <summary>Why the file cannot be read, in words for the supplier who sent it.</summary>
    public string Reason { get; }

    /// <summary>The 1-based physical line (CSV) or sheet row (XLSX) where reading stopped, when known.</summary>
    public long? Line { get; }
}
