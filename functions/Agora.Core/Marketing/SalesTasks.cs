using Agora.Core.Common;
using Agora.Core.Ordering;

namespace Agora.Core.Marketing;

public enum SalesTaskStatus
{
    /// <summary>To do, from its due time on.</summary>
    Open,

    /// <summary>Put off until <see cref="SalesTask.SnoozedUntil"/>; it is open again from then on, without a write.</summary>
    Snoozed,

    /// <summary>Done, with the note of what came of it.</summary>
    Done,
}

/// <summary>What was said or decided about a task: its completion or a snooze, with who, when and the note. The same text
/// joins the customer's timeline (<see cref="TimelineEntryId"/>), where the rest of the history is.</summary>
public sealed record SalesTaskNote(string TimelineEntryId, DateTimeOffset At, Actor By, string Action, string? Text, DateTimeOffset? Until);

/// <summary>A reminder for a sales manager to call or write a customer (decision 0021c): raised by a signal about one
/// subject (the buyer, a cart, an installment, a quote), assigned to the customer account's sales manager — or, when the
/// account has none, to the supplier's admins as a pool (<see cref="AssigneeId"/> null) — kept in the supplier's partition.
/// One open task per kind and subject: a signal that fires again while one is open changes nothing.</summary>
public sealed record SalesTask
{
    public const int MaxNotes = 100;
    public const int MaxTitleLength = 300;
    public const int MaxDetailsLength = 4000;
    public const int MaxNoteLength = 4000;

    public required string Id { get; init; }

    public required string SupplierId { get; init; }

    public required string BuyerId { get; init; }

    public string? BuyerName { get; init; }

    public required SalesTaskKind Kind { get; init; }

    public required string SubjectId { get; init; }

    public required string Title { get; init; }

    public string? Details { get; init; }

    /// <summary>The sales manager it is for; null when it is for any of the supplier's admins.</summary>
    public string? AssigneeId { get; init; }

    public required DateTimeOffset DueAt { get; init; }

    public required SalesTaskStatus Status { get; init; }

    public DateTimeOffset? SnoozedUntil { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public Actor? CompletedBy { get; init; }

    public IReadOnlyList<SalesTaskNote> Notes { get; init; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>When it needs attention: its due time, or the end of its snooze.</summary>
    public DateTimeOffset WakesAt => Status == SalesTaskStatus.Snoozed && SnoozedUntil is { } until ? until : DueAt;

    /// <summary>The status as of <paramref name="now"/>: a snooze that ended is open again.</summary>
    public SalesTaskStatus StatusAt(DateTimeOffset now) => Status == SalesTaskStatus.Snoozed && WakesAt <= now ? SalesTaskStatus.Open : Status;

    /// <summary>The key of its assignee in listings and digests: the user id, or <see cref="SalesTasks.AdminsPool"/>.</summary>
    public string AssigneeKey => AssigneeId ?? SalesTasks.AdminsPool;

    public string CustomerSubject => CustomerTimeline.Subject(SupplierId, BuyerId);
}

/// <summary>What a listing of tasks asks for. <paramref name="Assignees"/>: assignee keys (user ids,
/// <see cref="SalesTasks.AdminsPool"/>). <paramref name="Status"/> null: every task not done. <paramref name="WakesBefore"/>:
/// those that need attention before then (due, or waking from a snooze).</summary>
public sealed record SalesTaskFilter(IReadOnlyList<string> Assignees, SalesTaskStatus? Status, DateTimeOffset Now, DateTimeOffset? WakesBefore, string? BuyerId);

/// <summary>The tasks of each supplier, in its partition, and which task is open for each kind and subject.</summary>
public interface ISalesTaskStore
{
    Task<Versioned<SalesTask>?> FindAsync(string supplierId, string taskId, CancellationToken cancellationToken);

    /// <summary>Fails with <see cref="DomainException.AlreadyExists"/> when the id is taken.</summary>
    Task<Versioned<SalesTask>> CreateAsync(SalesTask task, CancellationToken cancellationToken);

    /// <summary>Fails with PreconditionFailed when the stored version is not <paramref name="ifMatch"/>.</summary>
    Task<Versioned<SalesTask>> ReplaceAsync(SalesTask task, string ifMatch, CancellationToken cancellationToken);

    /// <summary>Tasks in the order they need attention (<see cref="SalesTask.WakesAt"/>, soonest first).</summary>
    Task<Page<SalesTask>> ListAsync(string supplierId, SalesTaskFilter filter, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The task last bound to <paramref name="kind"/> and <paramref name="subjectId"/>, with the binding's version.</summary>
    Task<Versioned<string>?> FindBindingAsync(string supplierId, SalesTaskKind kind, string subjectId, CancellationToken cancellationToken);

    /// <summary>Binds <paramref name="taskId"/> to the kind and subject: creates the binding when <paramref name="ifMatch"/> is
    /// null, else replaces that version. False when another raise bound first or changed it meanwhile.</summary>
    Task<bool> BindAsync(string supplierId, SalesTaskKind kind, string subjectId, string taskId, string? ifMatch, CancellationToken cancellationToken);
}
