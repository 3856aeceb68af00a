using System.Globalization;

namespace Agora.Core.Imports.Files;

/// <summary>How a file writes its numbers.</summary>
public enum DecimalStyle
{
    /// <summary><c>1,234.56</c>: decimal point, comma thousands separator (English-speaking exports).</summary>
    Point,

    /// <summary><c>1.234,56</c>: decimal comma, point thousands separator (Brazilian and most European exports).</summary>
    Comma,
}

/// <summary>Strict parsing of the numbers found in supplier files. Accepted: surrounding white space, one leading sign,
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
        value = 0;
        var s = text.Trim();
        if (s.IsEmpty || s.Length > MaxLength)
        {
            return false;
        }

        var (separator, group) = style == DecimalStyle.Comma ? (',', '.') : ('.', ',');
        var i = 0;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i++;
        }

        // Significant digits go to a 64-bit mantissa while they fit (the common case, no allocation, no re-parse);
        // longer numbers are rebuilt in invariant form and left to decimal.TryParse.
        ulong mantissa = 0;
        int digits = 0, significant = 0, scale = 0, run = 0;
        var grouped = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c))
            {
                Accumulate(c, ref mantissa, ref significant);
                digits++;
                run++;
            }
            else if (c == group)
            {
                if (grouped ? run != 3 : run is < 1 or > 3)
                {
                    return false;
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
            return false;
        }

        if (i < s.Length)
        {
            if (s[i] != separator)
            {
                return false;
            }

            for (i++; i < s.Length; i++)
            {
                var c = s[i];
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                Accumulate(c, ref mantissa, ref significant);
                scale++;
            }

            if (scale == 0)
            {
                return false;
            }
        }
        else if (digits == 0)
        {
            return false;
        }

        if (significant <= 19 && scale <= 28)
        {
            value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), 0, negative, (byte)scale);
            return true;
        }

        return TryParseInvariant(s, separator, group, out value);
    }

    /// <summary>A whole number (a quantity): any text <see cref="TryParseDecimal(ReadOnlySpan{char}, DecimalStyle, out decimal)"/>
    /// accepts whose value is integral and fits, so <c>1.000</c> (Comma) and <c>12,000</c> (Comma, an ERP's three
    /// decimals) are 1000 and 12, and <c>1,5</c> (Comma) is refused.</summary>
    public static bool TryParseLong(ReadOnlySpan<char> text, DecimalStyle style, out long value)
    {
        value = 0;
        if (!TryParseDecimal(text, style, out var d) || d != decimal.Truncate(d) || d < long.MinValue || d > long.MaxValue)
        {
            return false;
        }

        value = (long)d;
        return true;
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

    private static void Accumulate(char c, ref ulong mantissa, ref int significant)
    {
        if (significant == 0 && c == '0')
        {
            return; // leading zeros carry no digits
        }

        if (++significant <= 19)
        {
            mantissa = (mantissa * 10) + (ulong)(c - '0');
        }
    }

    private static bool TryParseInvariant(ReadOnlySpan<char> s, char separator, char group, out decimal value)
    {
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
