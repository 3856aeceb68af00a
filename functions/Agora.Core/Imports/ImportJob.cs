using System.Security.Cryptography;
using System.Text;
using Agora.Core.Common;

namespace Agora.Core.Imports;

/// <summary>What a supplier file holds; the folder it is dropped in (<c>imports/{supplierId}/{kind}/...</c>).</summary>
public enum ImportKind
{
    Catalog,
    Prices,
    Stock,
    Customers,
}

public enum ImportStatus
{
    /// <summary>Uploaded; the blob trigger has not started on it yet.</summary>
    Queued,

    Running,

    /// <summary>Every row was read; valid rows were applied, invalid ones are listed.</summary>
    Completed,

    /// <summary>The file could not be read at all (format, missing or repeated columns, unknown supplier): nothing was
    /// applied; or its import kept failing on our side and stopped after its last attempt (rows applied until then stay).</summary>
    Failed,

    /// <summary>A newer version of the same file arrived while this one ran; the newer one wins and this one stopped.</summary>
    Superseded,
}

/// <summary>One rejected row: where (line in the file, column) and why.</summary>
public sealed record ImportRowError(long Line, string? Column, string Reason);

/// <summary>One import of one version of one supplier file, with its progress while it runs and its outcome after.</summary>
public sealed record ImportJob
{
    /// <summary>Rejected rows listed in full; past this only the count grows, so a broken file cannot make a huge record.</summary>
    public const int MaxListedErrors = 1000;

    public required string Id { get; init; }

    public required string SupplierId { get; init; }

    public required ImportKind Kind { get; init; }

    /// <summary>The file's name under <c>imports/{supplierId}/{kind}/</c>.</summary>
    public required string File { get; init; }

    /// <summary>The blob version (ETag) this job imports.</summary>
    public required string Version { get; init; }

    /// <summary>When this version of the file was written (blob last-modified): a stock snapshot's "as of".</summary>
    public DateTimeOffset? FileTime { get; init; }

    /// <summary>The member who uploaded it over the API (its rows are applied with their rights); null when dropped in storage.</summary>
    public string? UploadedBy { get; init; }

    public required ImportStatus Status { get; init; }

    public string? Format { get; init; }

    public long RowsRead { get; init; }

    public long Applied { get; init; }

    public long Unchanged { get; init; }

    public long Rejected { get; init; }

    public IReadOnlyList<ImportRowError> Errors { get; init; } = [];

    /// <summary>Why the whole file failed, when it did.</summary>
    public string? Failure { get; init; }

    /// <summary>How many times the import of this version started (the blob trigger retries a run that failed, and runs
    /// again after a crash); the run that fails at <see cref="ImportService.MaxAttempts"/> fails the job.</summary>
    public int Attempts { get; init; }

    /// <summary>Every data row up to this one is done: a run that restarts after a crash resumes after it.</summary>
    public long Checkpoint { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>The same supplier, kind, file and version always give the same id, so a version is imported once.</summary>
    public static string IdOf(string supplierId, ImportKind kind, string file, string version) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{supplierId}\n{kind}\n{file}\n{version.Trim('"')}")))[..24];

    public static bool TryParseKind(string? text, out ImportKind kind) =>
        Enum.TryParse(text, ignoreCase: true, out kind) && !int.TryParse(text, out _) && Enum.IsDefined(kind);

    public static string FolderOf(ImportKind kind) => kind.ToString().ToLowerInvariant();
}

/// <summary>Import jobs, kept with their supplier.</summary>
public interface IImportJobStore
{
    Task<Versioned<ImportJob>?> FindAsync(string supplierId, string id, CancellationToken cancellationToken);

    /// <summary>Creates or replaces the job; with <paramref name="ifMatch"/>, only over that version.</summary>
    Task<Versioned<ImportJob>> SaveAsync(ImportJob job, string? ifMatch, CancellationToken cancellationToken);

    /// <summary>The supplier's jobs, newest first.</summary>
    Task<Page<ImportJob>> ListAsync(string supplierId, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="job"/> is the newest version of its file to start, unless a newer one (by
    /// <paramref name="fileTime"/>) already did; returns the version that is current.</summary>
    Task<string> ClaimFileAsync(ImportJob job, DateTimeOffset fileTime, CancellationToken cancellationToken);

    /// <summary>The version currently claimed for the job's file.</summary>
    Task<string?> CurrentVersionAsync(ImportJob job, CancellationToken cancellationToken);
}

/// <summary>Where finished jobs are written for the supplier to read next to its files (imports-results/...).</summary>
public interface IImportReportStore
{
    Task WriteAsync(ImportJob job, CancellationToken cancellationToken);
}

/// <summary>One version of a supplier file as its storage describes it before it is read: its version (ETag), when it was
/// written, its size in bytes and who uploaded it (null when it was dropped by the supplier's systems).</summary>
public sealed record ImportFileVersion(string Version, DateTimeOffset LastModified, long? Length = null, string? UploadedBy = null);

/// <summary>The supplier files themselves.</summary>
public interface IImportFiles
{
    /// <summary>Stores an uploaded file where a dropped one would be, recording who uploaded it with the content (in the
    /// same write, so the import cannot see the file without it); returns its version (ETag).</summary>
    Task<(string Version, DateTimeOffset LastModified)> SaveAsync(string supplierId, ImportKind kind, string file, Stream content, string uploadedBy, CancellationToken cancellationToken);

    /// <summary>Opens the file at <paramref name="version"/>; null when it is gone or has changed since.</summary>
    Task<Stream?> OpenAsync(string supplierId, ImportKind kind, string file, string version, CancellationToken cancellationToken);
}
