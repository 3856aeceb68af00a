namespace Agora.Core.Marketing;

/// <summary>One step of an abandoned-cart or reactivation sequence: sent <see cref="AfterHours"/> after the sequence's
/// start (the cart's last activity, or the moment the customer became inactive), with an offer or without.</summary>
/// <param name="OfferId">A promotion of the pricing engine the step offers (a coupon per recipient when it asks for one); null: a reminder.</param>
public sealed record SequenceStep(int Number, int AfterHours, string? OfferId);

/// <summary>Where one recipient stands in a sequence: the steps already sent.</summary>
public sealed record SequenceProgress(string RecipientId, DateTimeOffset StartedAt, IReadOnlySet<int> Sent);

/// <summary>Why a recipient gets no further step.</summary>
public enum SequenceEnd
{
    None,

    /// <summary>The customer ordered since the sequence started: its purpose is met.</summary>
    Ordered,

    /// <summary>Every step was sent.</summary>
    Finished,
}

/// <summary>Abandoned-cart and reactivation sequences (issue 13), pure: which step is due for a recipient now. Steps are
/// sent in order and each at most once; a run that missed several sends only the latest one due (one email saying the
/// most, not a burst), recording the earlier ones as passed; and nothing is sent once the customer has ordered since the
/// sequence started.</summary>
public static class Sequences
{
    public const int MaxSteps = 5;

    public const int MaxHours = 24 * 90;

    /// <summary>The steps checked: 1 to 5, strictly later one after the other, within 90 days.</summary>
    public static IReadOnlyList<SequenceStep> Checked(IReadOnlyList<SequenceStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var v = new Common.Validation();
        v.Check(steps.Count is >= 1 and <= MaxSteps, "steps", $"must list 1 to {MaxSteps} steps.");
        for (var i = 0; i < steps.Count; i++)
        {
            v.Check(steps[i].AfterHours is >= 1 and <= MaxHours, $"steps[{i}].afterHours", $"must be 1 to {MaxHours} hours after the start.");
            v.Check(i == 0 || steps[i].AfterHours > steps[i - 1].AfterHours, $"steps[{i}].afterHours", "must come after the step before it.");
        }

        v.ThrowIfInvalid();
        return steps.Select((s, i) => s with { Number = i + 1 }).ToArray();
    }

    /// <summary>The step to send now (null: none), the steps it passes over unsent, and why nothing more will come.</summary>
    public static (SequenceStep? Due, IReadOnlyList<int> Passed, SequenceEnd End) Next(IReadOnlyList<SequenceStep> steps, SequenceProgress progress, DateTimeOffset? lastOrderAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(progress);
        if (lastOrderAt is { } ordered && ordered > progress.StartedAt)
        {
            return (null, [], SequenceEnd.Ordered);
        }

        var last = progress.Sent.Count == 0 ? 0 : progress.Sent.Max();
        var due = steps.Where(s => s.Number > last && progress.StartedAt.AddHours(s.AfterHours) <= now).ToArray();
        if (due.Length == 0)
        {
            return (null, [], steps.All(s => s.Number <= last) ? SequenceEnd.Finished : SequenceEnd.None);
        }

        var send = due[^1];
        return (send, due[..^1].Select(s => s.Number).ToArray(), SequenceEnd.None);
    }
}
