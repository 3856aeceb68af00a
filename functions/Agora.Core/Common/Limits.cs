using System.Globalization;

namespace Agora.Core.Common;

/// <summary>The ranges every number and list Agora accepts must fit, whatever the field: what Cosmos DB (which stores
/// numbers as IEEE 754 doubles, in Azure and in the emulator) and every reader of a stored document round-trip exactly.
/// A double holds 15 significant decimal digits exactly, and a decimal reads back only what is below 7.9 × 10^28, so a
/// value like 79228162514264337593543950335 would be stored and then break every read of it. Fields narrow these ranges
/// further (a price above zero, a percentage at most 100); docs/api.md lists them.</summary>
public static class Limits
{
    /// <summary>The largest magnitude of any decimal in a request or a file: 10^12.</summary>
    public const decimal MaxMagnitude = 1_000_000_000_000m;

    /// <summary>Significant digits a decimal may carry (a double keeps 15 exactly).</summary>
    public const int MaxSignificantDigits = 15;

    /// <summary>Items of any list in a request body, unless the field says otherwise with <see cref="MaxItemsAttribute"/>.</summary>
    public const int DefaultMaxItems = 1000;

    /// <summary>Characters of any text in a request body; fields narrow it (a name to 200, a description to 4,000).</summary>
    public const int DefaultMaxText = 10_000;

    /// <summary>The largest magnitude a stored decimal may have: past it the store's double reads back as no decimal at all.</summary>
    public const decimal MaxStoredMagnitude = 1_000_000_000_000_000_000m;

    /// <summary>"a number from -1,000,000,000,000 to 1,000,000,000,000 with at most 15 significant digits".</summary>
    public static readonly string NumberRange =
        $"a number from -{MaxMagnitude.ToString("#,0", CultureInfo.InvariantCulture)} to {MaxMagnitude.ToString("#,0", CultureInfo.InvariantCulture)} with at most {MaxSignificantDigits} significant digits";

    public static readonly string NumberReason = $"must be {NumberRange}.";

    /// <summary>True when <paramref name="value"/> is within <see cref="MaxMagnitude"/> and <see cref="MaxSignificantDigits"/>.</summary>
    public static bool Fits(decimal value) => Math.Abs(value) <= MaxMagnitude && SignificantDigits(value) <= MaxSignificantDigits;

    /// <summary>Digits from the first non-zero one to the last non-zero one: 120.50 has 4, 0.000123 has 3.</summary>
    public static int SignificantDigits(decimal value)
    {
        Span<char> digits = stackalloc char[40];
        if (!Math.Abs(value).TryFormat(digits, out var written, provider: CultureInfo.InvariantCulture))
        {
            return int.MaxValue;
        }

        var text = digits[..written];
        int first = -1, last = -1, count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is >= '1' and <= '9')
            {
                first = first < 0 ? i : first;
                last = i;
            }
        }

        if (first < 0)
        {
            return 0;
        }

        for (var i = first; i <= last; i++)
        {
            count += char.IsAsciiDigit(text[i]) ? 1 : 0;
        }

        return count;
    }
}

/// <summary>The most items a list field of a request body may hold (default <see cref="Limits.DefaultMaxItems"/>).
/// Put it on the property: <c>[property: MaxItems(10)]</c> on a record parameter.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MaxItemsAttribute(int max) : Attribute
{
    public int Max { get; } = max;
}
