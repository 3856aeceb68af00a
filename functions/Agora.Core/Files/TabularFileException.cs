namespace Agora.Core.Files;

/// <summary>A file that cannot be read as a table at all: not CSV or XLSX, empty, no header, a quote left open, a corrupt
/// or oversized workbook. Whoever sent it is told <see cref="Reason"/> and, when known, the <see cref="Line"/>, and the
/// file is refused as a whole. A single bad row is not this: the rows are read and each feature judges its own fields.
/// It belongs to the reader, not to any feature that reads tables: each one catches this type and words nothing again.</summary>
public sealed class TabularFileException : Exception
{
    public TabularFileException()
        : this("The file could not be read.")
    {
    }

    public TabularFileException(string reason)
        : this(reason, line: null, innerException: null)
    {
    }

    public TabularFileException(string reason, Exception? innerException)
        : this(reason, line: null, innerException)
    {
    }

    public TabularFileException(string reason, long? line, Exception? innerException = null)
        : base(line is { } l ? $"Line {l}: {reason}" : reason, innerException)
    {
        Reason = reason;
        Line = line;
    }

    /// <summary>Why the file cannot be read, in words for the person who sent it.</summary>
    public string Reason { get; }

    /// <summary>The 1-based physical line (CSV) or sheet row (XLSX) where reading stopped, when known.</summary>
    public long? Line { get; }
}
