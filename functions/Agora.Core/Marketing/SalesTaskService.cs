using System.Globalization;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Marketing;

public sealed record CompleteTaskInput(string? Note);

public sealed record SnoozeTaskInput(DateTimeOffset? Until, string? Note);

/// <summary>Sales-manager tasks (issue 13; decision 0021c): raised by the signals (<see cref="ISalesTasks"/>), read, done and
/// snoozed by the people they are for. A sales manager works on the tasks assigned to them, a supplier admin on any (and on
/// those of accounts without a sales manager, which are the admins' pool). Every raise, completion and snooze joins the
/// customer's timeline as an entry only the supplier sees, and each raise or snooze asks the morning digest to look at its
/// assignee on the day the task needs attention, so the digest never scans tasks or organizations.</summary>
public sealed class SalesTasks(
    ISalesTaskStore store,
    ICustomerAccountStore accounts,
    IOrganizationStore organizations,
    AccessControl access,
    ITimelineStore timeline,
    IDueIndex due,
    TimeProvider clock) : ISalesTasks
{
    /// <summary>The assignee key of the tasks of accounts without a sales manager: any supplier admin's.</summary>
    public const string AdminsPool = "admins";

    /// <summary>The due-entry kind that tells the digest an assignee has tasks needing attention that day.</summary>
    public const string DigestKind = "managerDigest";

    public const int MaxPage = 100;
    public static readonly TimeSpan MaxSnooze = TimeSpan.FromDays(90);

    private static readonly Role[] Staff = [Role.SupplierAdmin, Role.SalesManager];

    /// <summary>Raises the task unless one is open (or snoozed) for the same kind and subject. The open task of a kind and
    /// subject is named by a binding document, created or moved with its version, so two signals racing raise one task; a
    /// raise that failed between binding and creating is finished by the next one. A buyer that is no customer of the
    /// supplier gets none.</summary>
    public async Task RaiseAsync(SalesTaskRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Title);
        if (!CanName(request.SubjectId) || !Ids.IsWellFormed(request.SupplierId) || !Ids.IsWellFormed(request.BuyerId))
        {
            throw new ArgumentException($"'{request.SubjectId}' cannot name a task's subject.", nameof(request));
        }

        var account = (await accounts.FindAsync(request.SupplierId, request.BuyerId, cancellationToken).ConfigureAwait(false))?.Value;
        if (account is null)
        {
            return;
        }

        var fresh = Ids.New(clock);
        await Concurrency.RetryAsync("The sales task", async _ =>
        {
            var binding = await store.FindBindingAsync(request.SupplierId, request.Kind, request.SubjectId, cancellationToken).ConfigureAwait(false);
            string id;
            if (binding is null)
            {
                id = fresh;
                if (!await store.BindAsync(request.SupplierId, request.Kind, request.SubjectId, id, null, cancellationToken).ConfigureAwait(false))
                {
                    throw DomainException.AlreadyExists("Another signal raised it meanwhile.");
                }
            }
            else
            {
                var bound = await store.FindAsync(request.SupplierId, binding.Value, cancellationToken).ConfigureAwait(false);
                if (bound is not null && bound.Value.Status != SalesTaskStatus.Done)
                {
                    return;
                }

                // Bound to a task that is done: this raise is a new one. Bound to none: the raise that bound it stopped short.
                id = bound is null ? binding.Value : fresh;
                if (bound is not null && !await store.BindAsync(request.SupplierId, request.Kind, request.SubjectId, id, binding.ETag, cancellationToken).ConfigureAwait(false))
                {
                    throw DomainException.AlreadyExists("Another signal raised it meanwhile.");
                }
            }

            await CreateAsync(request, account, id, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public async Task<Page<SalesTask>> ListAsync(Caller caller, string orgId, string? assignee, SalesTaskStatus? status, DateTimeOffset? dueBefore, string? buyerId,
        string? cursor, int? limit, CancellationToken cancellationToken)
    {
        var you = await access.SupplierMemberAsync(caller, orgId, "read sales tasks", Staff, cancellationToken).ConfigureAwait(false);
        var admin = you.Has(Role.SupplierAdmin);
        IReadOnlyList<string> assignees = assignee switch
        {
            null => admin ? [caller.UserId, AdminsPool] : [caller.UserId],
            _ when assignee == caller.UserId || admin => [assignee],
            _ => throw DomainException.Forbidden("A sales manager reads the tasks assigned to them; a supplier admin reads anyone's."),
        };
        var size = Paging.Size(limit, 50, MaxPage);
        return await store.ListAsync(orgId, new SalesTaskFilter(assignees, status, clock.GetUtcNow(), dueBefore, buyerId), Cursor.Decode(cursor, "cursor"), size, cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<Versioned<SalesTask>> GetAsync(Caller caller, string orgId, string taskId, CancellationToken cancellationToken)
    {
        var you = await access.SupplierMemberAsync(caller, orgId, "read sales tasks", Staff, cancellationToken).ConfigureAwait(false);
        return await ReadableAsync(you, caller, orgId, taskId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the task done with what came of it (the note is required: it is the customer's history).</summary>
    public async Task<Versioned<SalesTask>> CompleteAsync(Caller caller, string orgId, string taskId, CompleteTaskInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var v = new Validation();
        var note = v.RequiredText(input.Note, "note", SalesTask.MaxNoteLength);
        v.Check(note is null || !note.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')), "note", "must not hold control characters other than line breaks and tabs.");
        v.ThrowIfInvalid();
        return await ChangeAsync(caller, orgId, taskId, ifMatch, "completed", (task, actor, entryId, now) =>
        {
            var entry = Entry(entryId, task, actor, now, "taskCompleted", $"{actor.Name ?? actor.UserId} did the task: {task.Title}", note);
            return (task with
            {
                Status = SalesTaskStatus.Done,
                SnoozedUntil = null,
                CompletedAt = now,
                CompletedBy = actor,
                Notes = [.. task.Notes, new SalesTaskNote(entryId, now, actor, "completed", note, null)],
                UpdatedAt = now,
            }, entry);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Puts the task off until a later time (at most 90 days ahead), with an optional note; it is open again then,
    /// and in that day's digest.</summary>
    public async Task<Versioned<SalesTask>> SnoozeAsync(Caller caller, string orgId, string taskId, SnoozeTaskInput input, string? ifMatch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = clock.GetUtcNow();
        var v = new Validation();
        var note = v.OptionalText(input.Note, "note", SalesTask.MaxNoteLength);
        v.Check(note is null || !note.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')), "note", "must not hold control characters other than line breaks and tabs.");
        if (input.Until is not { } until)
        {
            v.Add("until", "is required.");
        }
        else
        {
            v.Check(until > now, "until", "must be in the future.");
            v.Check(until <= now + MaxSnooze, "until", "must be within 90 days.");
        }

        v.ThrowIfInvalid();
        var wake = input.Until!.Value.ToUniversalTime();
        var written = await ChangeAsync(caller, orgId, taskId, ifMatch, "snoozed", (task, actor, entryId, at) =>
        {
            var when = wake.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
            var entry = Entry(entryId, task, actor, at, "taskSnoozed", $"{actor.Name ?? actor.UserId} put the task off until {when}: {task.Title}", note);
            return (task with
            {
                Status = SalesTaskStatus.Snoozed,
                SnoozedUntil = wake,
                Notes = [.. task.Notes, new SalesTaskNote(entryId, at, actor, "snoozed", note, wake)],
                UpdatedAt = at,
            }, entry);
        }, cancellationToken).ConfigureAwait(false);
        await ScheduleDigestAsync(written.Value, cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>Asks the digest to look at the task's assignee on the day it needs attention (today when that is past).</summary>
    public async Task ScheduleDigestAsync(SalesTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        var now = clock.GetUtcNow();
        var day = DueEntry.DayOf(task.WakesAt > now ? task.WakesAt : now);
        await ScheduleDigestAsync(due, task.SupplierId, task.AssigneeKey, day, cancellationToken).ConfigureAwait(false);
    }

    public static Task ScheduleDigestAsync(IDueIndex due, string supplierId, string assigneeKey, string day, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var start = DateTimeOffset.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return due.AddAsync(new DueEntry(day, $"{DigestKind}.{supplierId}.{assigneeKey}", DigestKind, supplierId, start), cancellationToken);
    }

    private async Task CreateAsync(SalesTaskRequest request, CustomerAccount account, string id, CancellationToken cancellationToken)
    {
        var supplier = (await organizations.FindAsync(request.SupplierId, cancellationToken).ConfigureAwait(false))?.Value;
        var manager = account.SalesManagerId is { } m && supplier?.MemberOf(m) is { } member && member.HasAny([Role.SalesManager, Role.SupplierAdmin]) ? member : null;
        var now = clock.GetUtcNow();
        var task = new SalesTask
        {
            Id = id,
            SupplierId = request.SupplierId,
            BuyerId = request.BuyerId,
            BuyerName = account.BuyerName,
            Kind = request.Kind,
            SubjectId = request.SubjectId,
            Title = Cut(request.Title.Trim(), SalesTask.MaxTitleLength),
            Details = request.Details is { Length: > 0 } d ? Cut(d, SalesTask.MaxDetailsLength) : null,
            AssigneeId = manager?.UserId,
            DueAt = request.DueAt.ToUniversalTime(),
            Status = SalesTaskStatus.Open,
            CreatedAt = now,
            UpdatedAt = now,
        };
        try
        {
            await store.CreateAsync(task, cancellationToken).ConfigureAwait(false);
        }
        catch (DomainException e) when (e.IsWriteConflict)
        {
            // A concurrent raise finished the same bound task first.
            return;
        }

        var who = manager is null ? "the supplier's admins" : manager.Name ?? manager.Email ?? manager.UserId;
        await timeline.AddAsync(
            [Entry(task.Id, task, Actor.System(task.SupplierId), now, "taskRaised", $"Task for {who}, due {task.DueAt:yyyy-MM-dd}: {task.Title}", task.Details)], cancellationToken)
            .ConfigureAwait(false);
        await ScheduleDigestAsync(task, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Versioned<SalesTask>> ChangeAsync(Caller caller, string orgId, string taskId, string? ifMatch, string verb,
        Func<SalesTask, Actor, string, DateTimeOffset, (SalesTask Task, TimelineEntry Entry)> change, CancellationToken cancellationToken)
    {
        var you = await access.SupplierMemberAsync(caller, orgId, "work on sales tasks", Staff, cancellationToken).ConfigureAwait(false);
        var actor = Actor.Of(caller, orgId);
        var entryId = Ids.New(clock);
        TimelineEntry? entry = null;
        var written = await Concurrency.RetryAsync("The sales task", async _ =>
        {
            var current = await ReadableAsync(you, caller, orgId, taskId, cancellationToken).ConfigureAwait(false);
            if (ifMatch is not null && !string.Equals(ifMatch, current.ETag, StringComparison.Ordinal))
            {
                // The client's own version is its answer: not retried (Concurrency).
                throw new DomainException(FailureKind.PreconditionFailed, "The sales task changed since it was read; read it again and retry with the new ETag.");
            }

            if (current.Value.Status == SalesTaskStatus.Done)
            {
                throw DomainException.Conflict($"The task was done on {current.Value.CompletedAt:yyyy-MM-dd HH:mm} UTC; it cannot be {verb} again.");
            }

            if (current.Value.Notes.Count >= SalesTask.MaxNotes)
            {
                throw DomainException.Unprocessable("note", $"A task keeps at most {SalesTask.MaxNotes} notes; mark it done and raise a new one.");
            }

            (var next, entry) = change(current.Value, actor, entryId, clock.GetUtcNow());
            return await store.ReplaceAsync(next, current.ETag, cancellationToken).ConfigureAwait(false);
        }).ConfigureAwait(false);
        await timeline.AddAsync([entry!], cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>The task if the caller may see it: an admin any of the supplier's, a sales manager those assigned to them
    /// (another's is not found, as a stranger's organization is not).</summary>
    private async Task<Versioned<SalesTask>> ReadableAsync(OrgAccess you, Caller caller, string orgId, string taskId, CancellationToken cancellationToken)
    {
        var found = Ids.IsWellFormed(taskId) ? await store.FindAsync(orgId, taskId, cancellationToken).ConfigureAwait(false) : null;
        if (found is null || (!you.Has(Role.SupplierAdmin) && found.Value.AssigneeId != caller.UserId))
        {
            throw DomainException.NotFound("Task", taskId);
        }

        return found;
    }

    private static TimelineEntry Entry(string id, SalesTask task, Actor actor, DateTimeOffset at, string action, string summary, string? comment) =>
        new(id, task.CustomerSubject, at, actor.UserId, actor.Name, actor.OrgId, action, summary,
            new Dictionary<string, string> { ["taskId"] = task.Id, ["kind"] = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(task.Kind.ToString()) }, comment, Visibility.Supplier);

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max];

    /// <summary>Whether a subject id can name a binding document (what Cosmos DB refuses in ids, and no more than 200 characters).</summary>
    private static bool CanName(string? id) =>
        id is { Length: > 0 and <= 200 } && !id.Any(c => c is '/' or '\\' or '?' or '#' or '%' || char.IsControl(c) || char.IsWhiteSpace(c));
}
