using System.Globalization;

namespace Agora.Core.Files;

/// <summary>How a file writes its numbers.</summary>
public enum DecimalStyle
{
    /// <summary><c>1,234.56</c>: decimal point, comma thousands separator (English-speaking exports).</summary>
    Point,

    /// <summary><c>1.234,56</c>: decimal comma, point thousands separator (Brazilian and most European exports).</summary>
    Comma,
}

/// <summary>Strict parsing of the numbers found in the files suppliers and buyers send. Accepted: surrounding white space, one leading sign,
/// digits optionally grouped by the style's thousands separator (first group of 1 to 3 digits, then groups of exactly
/// 3), and a fractional part after the style's decimal separator. Anything else is refused rather than guessed:
/// <c>1,2,3</c>, <c>12.34.56</c>, <c>1.5</c> in <see cref="DecimalStyle.Comma"/> (a group of one digit), <c>5.</c>,
/// exponents, currency symbols, empty text.</summary>
public static class Numbers
{
    // Longer text is not a price or a quantity; refusing it keeps the scratch buffer on the stack.
    private const int MaxLength = 96;

    public static bool TryParseDecimal(string? text, DecimalStyle style, out decimal value) =>
        TryParseDecimal(text.AsSpan(), style, out value);

    public static bool TryParseDecimal(ReadOnlySpan<char> text, DecimalStyle style, out decimal value)
    {
        switch (Scan(text, style, out var number))
        {
            case Scanned.Exact:
                value = new decimal((int)(uint)number.Mantissa, (int)(uint)(number.Mantissa >> 32), 0, number.Negative, (byte)number.Scale);
                return true;
            case Scanned.Long:
                return TryParseInvariant(text.Trim(), style, out value);
            default:
                value = 0;
                return false;
        }
    }

    /// <summary>A whole number (a quantity): any text <see cref="TryParseDecimal(ReadOnlySpan{char}, DecimalStyle, out decimal)"/>
    /// accepts whose value is integral and fits, so <c>1.000</c> (Comma) and <c>12,000</c> (Comma, an ERP's three
    /// decimals) are 1000 and 12, and <c>1,5</c> (Comma) is refused.</summary>
    public static bool TryParseLong(ReadOnlySpan<char> text, DecimalStyle style, out long value)
    {
        value = 0;
        switch (Scan(text, style, out var number))
        {
            case Scanned.Exact:
                var mantissa = number.Mantissa;
                if (number.Scale > 0)
                {
                    // Integral only if the fractional digits are zeros: 12,000 is 12; 1,5 is not whole.
                    if (number.Scale >= PowersOf10.Length || mantissa % PowersOf10[number.Scale] != 0)
                    {
                        return false;
                    }

                    mantissa /= PowersOf10[number.Scale];
                }

                if (mantissa > (number.Negative ? 1UL << 63 : long.MaxValue))
                {
                    return false;
                }

                value = number.Negative ? (long)(0 - mantissa) : (long)mantissa;
                return true;
            case Scanned.Long:
                if (!TryParseInvariant(text.Trim(), style, out var d) || d != decimal.Truncate(d) || d < long.MinValue || d > long.MaxValue)
                {
                    return false;
                }

                value = (long)d;
                return true;
            default:
                return false;
        }
    }

    public static bool TryParseLong(string? text, DecimalStyle style, out long value) => TryParseLong(text.AsSpan(), style, out value);

    /// <summary>As <see cref="TryParseLong(ReadOnlySpan{char}, DecimalStyle, out long)"/>, for 32-bit quantities.</summary>
    public static bool TryParseInt(ReadOnlySpan<char> text, DecimalStyle style, out int value)
    {
        value = 0;
        if (!TryParseLong(text, style, out var l) || l < int.MinValue || l > int.MaxValue)
        {
            return false;
        }

        value = (int)l;
        return true;
    }

    public static bool TryParseInt(string? text, DecimalStyle style, out int value) => TryParseInt(text.AsSpan(), style, out value);

    private static readonly ulong[] PowersOf10 =
    [
        1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000,
        100_000_000_000, 1_000_000_000_000, 10_000_000_000_000, 100_000_000_000_000, 1_000_000_000_000_000,
        10_000_000_000_000_000, 100_000_000_000_000_000, 1_000_000_000_000_000_000, 10_000_000_000_000_000_000,
    ];

    private enum Scanned
    {
        Invalid,

        /// <summary>Well-formed, and the value is exactly Mantissa / 10^Scale.</summary>
        Exact,

        /// <summary>Well-formed but more than 18 or 19 digits (leading zeros aside) or 28 decimals: left to decimal.TryParse.</summary>
        Long,
    }

    private struct Number
    {
        public ulong Mantissa;
        public int Scale;
        public bool Negative;
    }

    /// <summary>Checks the grammar and gathers the digits into a 64-bit mantissa (no allocation, one pass).</summary>
    private static Scanned Scan(ReadOnlySpan<char> text, DecimalStyle style, out Number number)
    {
        number = default;
        var s = text;
        if (s.IsEmpty)
        {
            return Scanned.Invalid;
        }

        if (char.IsWhiteSpace(s[0]) || char.IsWhiteSpace(s[^1]))
        {
            s = s.Trim();
            if (s.IsEmpty)
            {
                return Scanned.Invalid;
            }
        }

        if (s.Length > MaxLength)
        {
            return Scanned.Invalid;
        }

        var (separator, group) = style == DecimalStyle.Comma ? (',', '.') : ('.', ',');
        var i = 0;
        if (s[0] is '+' or '-')
        {
            number.Negative = s[0] == '-';
            i++;
        }

        // Digits accumulate while the mantissa stays below 10^18, so it never overflows; past that the text is
        // well-formed but long, and decimal.TryParse takes it.
        const ulong Limit = 1_000_000_000_000_000_000;
        ulong mantissa = 0;
        int digits = 0, scale = 0, run = 0;
        bool grouped = false, overflow = false;
        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d <= 9)
            {
                if (mantissa < Limit)
                {
                    mantissa = (mantissa * 10) + d;
                }
                else
                {
                    overflow = true;
                }

                digits++;
                run++;
            }
            else if (s[i] == group)
            {
                if (grouped ? run != 3 : run is < 1 or > 3)
                {
                    return Scanned.Invalid;
                }

                grouped = true;
                run = 0;
            }
            else
            {
                break;
            }
        }

        if (grouped && run != 3)
        {
            return Scanned.Invalid;
        }

        if (i < s.Length)
        {
            if (s[i] != separator)
            {
                return Scanned.Invalid;
            }

            for (i++; i < s.Length; i++)
            {
                var d = (uint)(s[i] - '0');
                if (d > 9)
                {
                    return Scanned.Invalid;
                }

                if (mantissa < Limit)
                {
                    mantissa = (mantissa * 10) + d;
                }
                else
                {
                    overflow = true;
                }

                scale++;
            }

            if (scale == 0)
            {
                return Scanned.Invalid;
            }
        }
        else if (digits == 0)
        {
            return Scanned.Invalid;
        }

        number.Mantissa = mantissa;
        number.Scale = scale;
        return overflow || scale > 28 ? Scanned.Long : Scanned.Exact;
    }

    private static bool TryParseInvariant(ReadOnlySpan<char> s, DecimalStyle style, out decimal value)
    {
        var (separator, group) = style == DecimalStyle.Comma ? (',', '.') : ('.', ',');
        Span<char> invariant = stackalloc char[MaxLength];
        var n = 0;
        foreach (var c in s)
        {
            if (c != group)
            {
                invariant[n++] = c == separator ? '.' : c;
            }
        }

        return decimal.TryParse(invariant[..n], NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
    }
}
