using System.Collections.Frozen;
using Agora.Core.Accounts;
using Agora.Core.Common;
using Agora.Core.Files;

namespace Agora.Core.Imports;

/// <summary>A column an import reads: its field name (as in API errors) and the header names accepted for it, English and
/// Portuguese (compared without case, accents or punctuation).</summary>
public sealed record Column(string Field, bool Required, params string[] Names);

/// <summary>How one kind of supplier file is applied: which columns it reads, how a row becomes a change, and how a batch
/// of changes is written. Batches let a handler read the stored state of 100 rows in one query and write only what
/// differs.</summary>
public abstract class ImportHandler
{
    public abstract ImportKind Kind { get; }

    public abstract IReadOnlyList<Column> Columns { get; }

    /// <summary>Runs once the header is bound, before any row: a file that must not be applied at all (a stock snapshot
    /// older than the one already applied) throws <see cref="ImportFileException"/> here, and the job fails with its reason.</summary>
    public virtual Task StartAsync(ImportContext file, ImportRow row, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Reads one row; a row that breaks a rule throws <see cref="DomainException"/> naming the fields.</summary>
    public abstract object Parse(ImportRow row);

    /// <summary>Applies parsed rows; says for each whether it was written, unchanged, or rejected and why.</summary>
    public abstract Task<IReadOnlyList<RowOutcome>> ApplyAsync(ImportContext file, IReadOnlyList<object> rows, CancellationToken cancellationToken);

    /// <summary>Runs once the whole file was read (a stock snapshot records itself for reconciliation here).</summary>
    public virtual Task CompleteAsync(ImportContext file, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>One version of one file being imported: whose it is, who uploaded it, its job, and what a handler remembers
/// between its rows (<see cref="StateOf{T}"/>).</summary>
public sealed class ImportContext(Organization supplier, Member? uploader, ImportJob job)
{
    private readonly Dictionary<Type, object> _state = [];

    public Organization Supplier { get; } = supplier;

    /// <summary>The member who uploaded the file over the API, as the organization knows them now; null for a file dropped
    /// in storage by the supplier's systems, whose rights on the container are its authorization.</summary>
    public Member? Uploader { get; } = uploader;

    public ImportJob Job { get; internal set; } = job;

    /// <summary>How many writes a handler may have in flight (<see cref="ImportOptions.WritesInFlight"/>). A handler groups a
    /// batch's changes by the item they write, so two rows of one item are applied in file order, one write per item.</summary>
    public ImportOptions Options { get; init; } = new();

    /// <inheritdoc cref="ImportOptions.ForEachAsync"/>
    public Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, ValueTask> write, CancellationToken cancellationToken) =>
        Options.ForEachAsync(items, write, cancellationToken);

    /// <summary>The handler's memory of this file (created on first use, dropped with the run). Rows skipped when a run
    /// resumes after a crash were not seen by it.</summary>
    public T StateOf<T>()
        where T : class, new()
    {
        if (!_state.TryGetValue(typeof(T), out var state))
        {
            _state[typeof(T)] = state = new T();
        }

        return (T)state;
    }
}

/// <summary>The outcome of one row.</summary>
public readonly record struct RowOutcome(RowResult Result, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static readonly RowOutcome Applied = new(RowResult.Applied);
    public static readonly RowOutcome Unchanged = new(RowResult.Unchanged);

    public static RowOutcome Rejected(DomainException e) =>
        new(RowResult.Rejected, e.Errors.Count > 0 ? e.Errors : new Dictionary<string, string[]> { [string.Empty] = [e.Message] });
}

public enum RowResult
{
    Applied,
    Unchanged,
    Rejected,
}

/// <summary>The current row of a file, read through a handler's columns, with the file's number style.</summary>
public sealed class ImportRow
{
    private readonly TabularFile _file;

    // Looked up several times per row of every file: frozen, which is faster for a few short names.
    private readonly FrozenDictionary<string, int> _ordinals;

    internal ImportRow(TabularFile file, Dictionary<string, int> ordinals)
    {
        File = null!;
        _file = file;
        _ordinals = ordinals.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public DecimalStyle DecimalStyle => _file.DecimalStyle;

    /// <summary>The import this row belongs to.</summary>
    public ImportContext File { get; internal set; }

    public bool Has(string field) => _ordinals.ContainsKey(field);

    /// <summary>The field's text, trimmed; null when the column is absent or the cell empty.</summary>
    public string? Text(string field) => _ordinals.TryGetValue(field, out var i) ? _file[i] : null;

    /// <summary>The field's text, trimmed, without allocating; empty when the column is absent or the cell empty. Valid
    /// until the next row.</summary>
    public ReadOnlySpan<char> Span(string field) => _ordinals.TryGetValue(field, out var i) ? _file.GetSpan(i) : [];

    /// <summary>The field as a number in the file's style; null when empty; a row error when not a number.</summary>
    public decimal? Number(string field)
    {
        if (!_ordinals.TryGetValue(field, out var i) || _file.GetSpan(i).IsEmpty)
        {
            return null;
        }

        return _file.TryGetDecimal(i, out var value)
            ? value
            : throw DomainException.Invalid(field, $"'{_file[i]}' is not a number{(DecimalStyle == DecimalStyle.Comma ? " such as 1.234,56" : " such as 1,234.56")}.");
    }

    /// <summary>The 1-based line where the row starts (see <see cref="TabularFile.Line"/>).</summary>
    public long Line => _file.Line;

    /// <summary>Columns whose header starts with <paramref name="prefix"/> ("attr.cor" → "cor"), with their non-empty values
    /// (with <paramref name="includeEmpty"/>, empty ones too, as "").</summary>
    public IEnumerable<KeyValuePair<string, string>> Prefixed(string prefix, bool includeEmpty = false)
    {
        for (var i = 0; i < _file.Headers.Count; i++)
        {
            var header = _file.Headers[i].Trim();
            if (IsPrefixed(header, prefix) && (_file[i] ?? (includeEmpty ? string.Empty : null)) is { } value)
            {
                yield return new(header[prefix.Length..].Trim(), value);
            }
        }
    }

    /// <summary>Whether the header has a column starting with <paramref name="prefix"/>.</summary>
    public bool HasPrefixed(string prefix) => _file.Headers.Any(h => IsPrefixed(h.Trim(), prefix));

    private static bool IsPrefixed(string header, string prefix) => header.Length > prefix.Length && header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Binds <paramref name="columns"/> to the file's header; a missing required column, or two columns with the
    /// same name, fails the whole file.</summary>
    internal static ImportRow Bind(TabularFile file, IReadOnlyList<Column> columns)
    {
        RequireDistinctHeaders(file);
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var column in columns)
        {
            var ordinal = file.Ordinal(column.Names);
            if (ordinal >= 0)
            {
                ordinals[column.Field] = ordinal;
            }
            else if (column.Required)
            {
                missing.Add($"'{column.Field}' (accepted: {string.Join(", ", column.Names)})");
            }
        }

        if (missing.Count > 0)
        {
            throw new ImportFileException($"The header lacks the column{(missing.Count > 1 ? "s" : string.Empty)} {string.Join("; ", missing)}.", line: 1);
        }

        return new ImportRow(file, ordinals);
    }

    /// <summary>Two headers that name the same thing (compared as columns are: without case, accents or punctuation, so
    /// "attr.Cor" and "ATTR.Cor", or "Preço" and "preco") leave it unknown which cell is meant: the file is refused, saying
    /// which columns, rather than one of them silently winning.</summary>
    private static void RequireDistinctHeaders(TabularFile file)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < file.Headers.Count; i++)
        {
            var name = TabularFile.Normalize(file.Headers[i]);
            if (name.Length == 0)
            {
                continue;
            }

            if (seen.TryGetValue(name, out var first))
            {
                throw new ImportFileException(
                    $"Columns {first + 1} ('{file.Headers[first]}') and {i + 1} ('{file.Headers[i]}') have the same name; name each column once.", line: 1);
            }

            seen[name] = i;
        }
    }

    internal string HeaderOf(string field) => _ordinals.TryGetValue(field, out var i) ? _file.Headers[i] : field;
}
