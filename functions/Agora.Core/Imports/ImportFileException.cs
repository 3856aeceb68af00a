namespace Agora.Core.Imports;

/// <summary>A supplier file that reads as a table but that an import refuses as a whole: its header lacks a column the
/// import needs or names one twice, a stock snapshot is dated in the future or before the one applied. The import fails
/// and the supplier is told <see cref="Reason"/> and, when known, the <see cref="Line"/>, exactly as for a file that
/// cannot be read at all (<see cref="Files.TabularFileException"/>, the reader's). A single bad row is not this: the rows
/// are read and each use case judges its own fields.</summary>
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
