namespace Agora.Core.Imports;

public enum ImportStatus
{
    Running,

    /// <summary>Every row was read; valid rows were applied, invalid ones are listed.</summary>
    Completed,

    /// <summary>The file could not be read at all (wrong format, missing columns).</summary>
    Failed,
}

/// <summary>One rejected row: where (line in the file, column) and why.</summary>
public sealed record ImportRowError(long Line, string? Column, string Reason);

/// <summary>The outcome of one supplier file, written next to it (imports-results/...) for the supplier to read.</summary>
public sealed record ImportReport(
    string SupplierId,
    string Kind,
    string File,
    string Version,
    ImportStatus Status,
    long RowsRead,
    long Applied,
    long Unchanged,
    long Rejected,
    IReadOnlyList<ImportRowError> Errors,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>Rejected rows listed in full; past this only the count grows, so a broken file cannot make a huge report.</summary>
    public const int MaxListedErrors = 1000;
}

/// <summary>Where import reports are kept.</summary>
public interface IImportReportStore
{
    Task WriteAsync(ImportReport report, CancellationToken cancellationToken);
}
