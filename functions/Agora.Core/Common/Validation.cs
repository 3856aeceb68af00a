namespace Agora.Core.Common;

/// <summary>Collects field-level problems and throws them together, so a client sees every problem in one answer.</summary>
public sealed class Validation
{
    // Created at the first problem: imports validate every row, and most rows have none.
    private Dictionary<string, List<string>>? _errors;

    public bool IsValid => _errors is null;

    public Validation Add(string field, string reason)
    {
        _errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!_errors.TryGetValue(field, out var reasons))
        {
            reasons = [];
            _errors[field] = reasons;
        }

        reasons.Add(reason);
        return this;
    }

    /// <summary>Adds <paramref name="reason"/> when <paramref name="condition"/> is false.</summary>
    public Validation Check(bool condition, string field, string reason) => condition ? this : Add(field, reason);

    public string? RequiredText(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "is required.");
            return null;
        }

        var trimmed = value.Trim();
        Check(trimmed.Length <= maxLength, field, $"must be at most {maxLength} characters.");
        return trimmed;
    }

    public string? OptionalText(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        Check(trimmed.Length <= maxLength, field, $"must be at most {maxLength} characters.");
        return trimmed;
    }

    public void ThrowIfInvalid()
    {
        if (_errors is not null)
        {
            throw new DomainException(
                FailureKind.Validation,
                "One or more fields are not valid.",
                _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
