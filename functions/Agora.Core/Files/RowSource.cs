namespace Agora.Core.Files;

/// <summary>One file format's rows, behind <see cref="TabularFile"/>.</summary>
internal abstract class RowSource : IAsyncDisposable
{
    public abstract IReadOnlyList<string> Headers { get; }

    /// <summary>The 1-based line (CSV) or sheet row (XLSX) where the current row starts.</summary>
    public long Line { get; protected set; }

    /// <summary>Moves to the next row that has a non-blank field; false at the end.</summary>
    public abstract ValueTask<bool> ReadAsync(CancellationToken cancellationToken);

    /// <summary>The field's text, untrimmed, empty when missing; valid until the next call.</summary>
    public abstract ReadOnlySpan<char> Field(int ordinal);

    /// <summary>The field as a string (allocates only what is not already a string).</summary>
    public virtual string? Text(int ordinal)
    {
        var span = Field(ordinal).Trim();
        return span.IsEmpty ? null : span.ToString();
    }

    /// <summary>True when the field holds a number written in invariant form by the format itself (an XLSX numeric
    /// cell), whatever the file's <see cref="DecimalStyle"/>.</summary>
    public virtual bool IsInvariantNumber(int ordinal) => false;

    public abstract ValueTask DisposeAsync();
}
