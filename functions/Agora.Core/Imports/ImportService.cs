using System.Diagnostics;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Files;
using Microsoft.Extensions.Logging;

namespace Agora.Core.Imports;

/// <summary>Runs supplier files through their kind's handler: streams the rows, validates each, applies them in batches,
/// reports every rejected row with its line, column and reason, and keeps the job's progress so it can be read while it
/// runs and resumed after a crash. Each version of a file is imported once; a newer version of the same file supersedes
/// an older one still running.</summary>
public sealed partial class ImportService(
    IEnumerable<ImportHandler> handlers,
    IOrganizationStore organizations,
    IImportJobStore jobs,
    IImportReportStore reports,
    IImportFiles files,
    AccessControl access,
    TimeProvider clock,
    ImportOptions options,
    ILogger<ImportService> logger)
{

    /// <summary>Runs of one version before its job fails: the blob trigger's attempts (host.json
    /// <c>extensions.queues.maxDequeueCount</c>, which the host's blob trigger queue uses). The last one fails the job with
    /// its reason instead of letting the message go to a poison queue while the job says "running".</summary>
    public const int MaxAttempts = 5;
    public const long MaxUploadBytes = 100L * 1024 * 1024;
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private readonly Dictionary<ImportKind, ImportHandler> _handlers = handlers.ToDictionary(h => h.Kind);

    /// <summary>Progress is saved about once a second, and at least every this many rows.</summary>
    internal int ProgressEveryRows { get; set; } = 5000;

    private IImportJobStore Jobs => jobs;

    private ImportOptions Options => options;

    private IImportReportStore Reports => reports;

    private TimeProvider Clock => clock;

    private ILogger Logger => logger;

    /// <summary>Who may import what: catalogs and prices are merchandising, stock is the warehouse's, customers are sales'.</summary>
    public static IReadOnlyList<Role> RolesFor(ImportKind kind) => kind switch
    {
        ImportKind.Catalog or ImportKind.Prices => [Role.SupplierAdmin, Role.PricingManager],
        ImportKind.Stock => [Role.SupplierAdmin, Role.Warehouse],
        _ => [Role.SupplierAdmin, Role.SalesManager],
    };

    /// <summary>Stores an uploaded file where a dropped one goes; the blob trigger then imports it. The job exists at once
    /// (queued), so the client can follow it.</summary>
    public async Task<ImportJob> UploadAsync(Caller caller, string supplierId, string? kindName, string? file, Stream content, CancellationToken cancellationToken)
    {
        if (!ImportJob.TryParseKind(kindName, out var kind))
        {
            throw DomainException.Invalid("kind", $"must be one of: {string.Join(", ", Enum.GetValues<ImportKind>().Select(ImportJob.FolderOf))}.");
        }

        _ = await access.SupplierMemberAsync(caller, supplierId, $"import {ImportJob.FolderOf(kind)} files", RolesFor(kind), cancellationToken).ConfigureAwait(false);

        if (file is null || file.Length is 0 or > 200 || file.Any(c => char.IsControl(c) || c is '/' or '\\') || file is "." or "..")
        {
            throw DomainException.Invalid("file", "must be a file name of 1 to 200 characters, without '/' or '\\', such as precos-2026-11.csv.");
        }

        var (version, _) = await files.SaveAsync(supplierId, kind, file, content, caller.UserId, cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var job = new ImportJob
        {
            Id = ImportJob.IdOf(supplierId, kind, file, version),
            SupplierId = supplierId,
            Kind = kind,
            File = file,
            Version = version,
            UploadedBy = caller.UserId,
            Status = ImportStatus.Queued,
            StartedAt = now,
            UpdatedAt = now,
        };
        try
        {
            return (await jobs.SaveAsync(job, ifMatch: null, cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (DomainException e) when (e.Kind == FailureKind.PreconditionFailed)
        {
            // The trigger got to it first (or the same content was uploaded again): its record is the truth.
            return (await jobs.FindAsync(supplierId, job.Id, cancellationToken).ConfigureAwait(false))!.Value;
        }
    }

    public async Task<ImportJob> GetAsync(Caller caller, string supplierId, string id, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, supplierId, cancellationToken).ConfigureAwait(false)).Require("read imports", Roles.SupplierStaff);
        return (await jobs.FindAsync(supplierId, id, cancellationToken).ConfigureAwait(false))?.Value ?? throw DomainException.NotFound("Import", id);
    }

    public async Task<Page<ImportJob>> ListAsync(Caller caller, string supplierId, string? cursor, int? limit, CancellationToken cancellationToken)
    {
        _ = (await access.MemberAsync(caller, supplierId, cancellationToken).ConfigureAwait(false)).Require("read imports", Roles.SupplierStaff);
        return await jobs.ListAsync(supplierId, Cursor.Decode(cursor, "cursor"), Paging.Size(limit, 20, 100), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Imports one version of a file dropped by the supplier's systems. Returns the job as it ended.</summary>
    public Task<ImportJob> RunAsync(string supplierId, string kindName, string file, string version, DateTimeOffset fileTime, CancellationToken cancellationToken) =>
        RunAsync(supplierId, kindName, file, new ImportFileVersion(version, fileTime), cancellationToken);

    /// <summary>Imports one version of a file (the blob trigger calls this with the blob's properties, read before any of
    /// its bytes). A file larger than <see cref="MaxUploadBytes"/> fails unread; a file uploaded by a member is applied
    /// with that member's rights as they are now. Returns the job as it ended.</summary>
    public async Task<ImportJob> RunAsync(string supplierId, string kindName, string file, ImportFileVersion properties, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var (version, fileTime, length, uploadedBy) = properties;
        var now = clock.GetUtcNow();
        var known = ImportJob.TryParseKind(kindName, out var kind);
        var id = ImportJob.IdOf(supplierId, kind, file, version);
        // The upload saves its queued job while the trigger may already be starting on the blob: a lost race on this first
        // save reads the job again rather than failing the run (which the trigger would retry only after its visibility
        // timeout, a minute later).
        var (done, saved) = await Concurrency.RetryAsync<(ImportJob? Done, Versioned<ImportJob>? Saved)>($"Import '{id}'", async _ =>
        {
            var stored = await jobs.FindAsync(supplierId, id, cancellationToken).ConfigureAwait(false);
            if (stored?.Value.Status is ImportStatus.Completed or ImportStatus.Failed or ImportStatus.Superseded)
            {
                LogAlreadyDone(logger, id, stored.Value.Status);
                return (stored.Value, null);
            }

            var job = (stored?.Value ?? new ImportJob
            {
                Id = id,
                SupplierId = supplierId,
                Kind = kind,
                File = file,
                Version = version,
                Status = ImportStatus.Running,
                StartedAt = now,
                UpdatedAt = now,
            }) with { Status = ImportStatus.Running, FileTime = fileTime, UploadedBy = uploadedBy, UpdatedAt = now, Attempts = (stored?.Value.Attempts ?? 0) + 1 };
            return (null, await jobs.SaveAsync(job, stored?.ETag, cancellationToken).ConfigureAwait(false));
        }).ConfigureAwait(false);
        if (done is not null)
        {
            return done;
        }

        var attempt = saved!.Value.Attempts;
        var run = new Run(this, saved);
        try
        {
            return await RunAsync(run, supplierId, kindName, kind, known, file, properties, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (attempt >= MaxAttempts && e is not OperationCanceledException)
        {
            // The trigger would give up on it now: the job says so, rather than "running" forever.
            LogGaveUp(logger, e, id, attempt);
            return await run.FailAsync(
                $"The import failed on our side {attempt} times and was stopped; {run.Job.Applied} rows were applied before that. " +
                $"Send the file again to retry, or quote import {id} to support.",
                CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<ImportJob> RunAsync(Run run, string supplierId, string kindName, ImportKind kind, bool known, string file, ImportFileVersion properties, CancellationToken cancellationToken)
    {
        var (version, fileTime, length, uploadedBy) = properties;
        var supplier = await organizations.FindAsync(supplierId, cancellationToken).ConfigureAwait(false);
        if (!known || !_handlers.TryGetValue(kind, out var handler))
        {
            return await run.FailAsync($"'{kindName}' is not a kind of import; drop files under one of: {string.Join(", ", Enum.GetValues<ImportKind>().Select(ImportJob.FolderOf))}.", cancellationToken).ConfigureAwait(false);
        }

        if (supplier is null || !supplier.Value.IsSupplier)
        {
            return await run.FailAsync($"'{supplierId}' is not a supplier organization on Agora.", cancellationToken).ConfigureAwait(false);
        }

        if (length > MaxUploadBytes)
        {
            return await run.FailAsync($"The file is {length / 1024 / 1024:N0} MB; files up to {MaxUploadBytes / 1024 / 1024} MB are imported (split it, e.g. by category).", cancellationToken).ConfigureAwait(false);
        }

        Member? uploader = null;
        if (uploadedBy is not null && ((uploader = supplier.Value.MemberOf(uploadedBy)) is null || !uploader.HasAny(RolesFor(kind))))
        {
            return await run.FailAsync($"The file was uploaded by '{uploadedBy}', who may not import {ImportJob.FolderOf(kind)} files at '{supplierId}' (now: {(uploader is null ? "not a member" : string.Join(", ", uploader.Roles))}).", cancellationToken).ConfigureAwait(false);
        }

        if (await jobs.ClaimFileAsync(run.Job, fileTime, cancellationToken).ConfigureAwait(false) != version)
        {
            return await run.EndAsync(ImportStatus.Superseded, null, cancellationToken).ConfigureAwait(false);
        }

        var content = await files.OpenAsync(supplierId, kind, file, version, cancellationToken).ConfigureAwait(false);
        if (content is null)
        {
            return await run.EndAsync(ImportStatus.Superseded, null, cancellationToken).ConfigureAwait(false);
        }

        await using (content.ConfigureAwait(false))
        {
            try
            {
                await using var table = await TabularFile.OpenAsync(content, file, cancellationToken: cancellationToken).ConfigureAwait(false);
                run.Job = run.Job with { Format = table.ToString() };
                var row = ImportRow.Bind(table, handler.Columns);
                var context = new ImportContext(supplier.Value, uploader, run.Job) { Options = options };
                row.File = context;
                await handler.StartAsync(context, row, cancellationToken).ConfigureAwait(false);
                return await run.RowsAsync(handler, context, table, row, cancellationToken).ConfigureAwait(false);
            }
            catch (TabularFileException e)
            {
                // The reader's failures and the import's own refusals of a whole file read alike to the supplier.
                return await run.FailAsync(e.Message, cancellationToken).ConfigureAwait(false);
            }
            catch (ImportFileException e)
            {
                return await run.FailAsync(e.Message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {JobId} failed on attempt {Attempt}, its last: the job is failed")]
    private static partial void LogGaveUp(ILogger logger, Exception exception, string jobId, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {JobId} is {Status} already; nothing to do")]
    private static partial void LogAlreadyDone(ILogger logger, string jobId, ImportStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {JobId} ended {Status}: {RowsRead} rows read, {Applied} applied, {Unchanged} unchanged, {Rejected} rejected in {ElapsedMs} ms")]
    private static partial void LogEnded(ILogger logger, string jobId, ImportStatus status, long rowsRead, long applied, long unchanged, long rejected, long elapsedMs);

    /// <summary>One run of one job: its counters, its batch and its saved progress.</summary>
    private sealed class Run(ImportService service, Versioned<ImportJob> saved)
    {
        private readonly Stopwatch _watch = Stopwatch.StartNew();
        private readonly List<ImportRowError> _errors = [.. saved.Value.Errors];
        private string _etag = saved.ETag;
        private TimeSpan _lastSave = TimeSpan.Zero;
        private long _rowsAtLastSave;
        private long _rowsRead;

        public ImportJob Job { get; set; } = saved.Value;

        public async Task<ImportJob> RowsAsync(ImportHandler handler, ImportContext context, TabularFile table, ImportRow row, CancellationToken cancellationToken)
        {
            var resumeAfter = Job.Checkpoint;
            var batch = new List<object>(service.Options.BatchSize);
            var lines = new List<long>(service.Options.BatchSize);
            while (await table.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (table.Row <= resumeAfter)
                {
                    continue; // done before a crash
                }

                // Counted here and added to the job once per batch: a copy of the job record per row was a good share
                // of an import's allocations. Nothing reads the job between two batches.
                _rowsRead++;
                try
                {
                    batch.Add(handler.Parse(row));
                    lines.Add(table.Line);
                }
                catch (DomainException e)
                {
                    Reject(table.Line, RowOutcome.Rejected(e).Errors!, row);
                }

                if (batch.Count == service.Options.BatchSize)
                {
                    await ApplyAsync(handler, context, batch, lines, row, cancellationToken).ConfigureAwait(false);
                    if (!await ProgressAsync(table.Row, cancellationToken).ConfigureAwait(false))
                    {
                        return await EndAsync(ImportStatus.Superseded, null, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            await ApplyAsync(handler, context, batch, lines, row, cancellationToken).ConfigureAwait(false);
            Job = Job with { Checkpoint = table.Row };
            // What the handler does at the end (a snapshot queues its reconciliation) is done before the job says completed,
            // so whoever sees "completed" sees its effects; a failure here leaves the job running, to be resumed.
            context.Job = Job;
            await handler.CompleteAsync(context, cancellationToken).ConfigureAwait(false);
            return await EndAsync(ImportStatus.Completed, null, cancellationToken).ConfigureAwait(false);
        }

        public Task<ImportJob> FailAsync(string reason, CancellationToken cancellationToken) => EndAsync(ImportStatus.Failed, reason, cancellationToken);

        public async Task<ImportJob> EndAsync(ImportStatus status, string? failure, CancellationToken cancellationToken)
        {
            var now = service.Clock.GetUtcNow();
            CountRowsRead();
            Job = Job with { Status = status, Failure = failure, Errors = _errors.ToArray(), UpdatedAt = now, FinishedAt = now };
            await service.Jobs.SaveAsync(Job, _etag, cancellationToken).ConfigureAwait(false);
            await service.Reports.WriteAsync(Job, cancellationToken).ConfigureAwait(false);
            LogEnded(service.Logger, Job.Id, status, Job.RowsRead, Job.Applied, Job.Unchanged, Job.Rejected, _watch.ElapsedMilliseconds);
            return Job;
        }

        private async Task ApplyAsync(ImportHandler handler, ImportContext context, List<object> batch, List<long> lines, ImportRow row, CancellationToken cancellationToken)
        {
            CountRowsRead();
            if (batch.Count == 0)
            {
                return;
            }

            var outcomes = await handler.ApplyAsync(context, batch, cancellationToken).ConfigureAwait(false);
            long applied = 0, unchanged = 0;
            for (var i = 0; i < outcomes.Count; i++)
            {
                switch (outcomes[i].Result)
                {
                    case RowResult.Applied:
                        applied++;
                        break;
                    case RowResult.Unchanged:
                        unchanged++;
                        break;
                    default:
                        Reject(lines[i], outcomes[i].Errors!, row);
                        break;
                }
            }

            Job = Job with { Applied = Job.Applied + applied, Unchanged = Job.Unchanged + unchanged };
            batch.Clear();
            lines.Clear();
        }

        /// <summary>Adds the rows read since the last call to <see cref="Job"/>.</summary>
        private void CountRowsRead()
        {
            if (_rowsRead > 0)
            {
                AgoraMetrics.ImportRows.Add(_rowsRead, new KeyValuePair<string, object?>("agora.import.kind", Job.Kind.ToString()));
                Job = Job with { RowsRead = Job.RowsRead + _rowsRead };
                _rowsRead = 0;
            }
        }

        private void Reject(long line, IReadOnlyDictionary<string, string[]> errors, ImportRow row)
        {
            Job = Job with { Rejected = Job.Rejected + 1 };
            foreach (var (field, reasons) in errors)
            {
                if (_errors.Count < ImportJob.MaxListedErrors)
                {
                    _errors.Add(new ImportRowError(line, field.Length == 0 ? null : row.HeaderOf(field), string.Join(" ", reasons)));
                }
            }
        }

        /// <summary>Saves progress about once a second; false when a newer version of the file has started.</summary>
        private async Task<bool> ProgressAsync(long rowsDone, CancellationToken cancellationToken)
        {
            if (_watch.Elapsed - _lastSave < ProgressInterval && rowsDone - _rowsAtLastSave < service.ProgressEveryRows)
            {
                return true;
            }

            _lastSave = _watch.Elapsed;
            _rowsAtLastSave = rowsDone;
            if (await service.Jobs.CurrentVersionAsync(Job, cancellationToken).ConfigureAwait(false) is { } current && current != Job.Version)
            {
                return false;
            }

            Job = Job with { Checkpoint = rowsDone, Errors = _errors.ToArray(), UpdatedAt = service.Clock.GetUtcNow() };
            _etag = (await service.Jobs.SaveAsync(Job, _etag, cancellationToken).ConfigureAwait(false)).ETag;
            return true;
        }
    }
}
