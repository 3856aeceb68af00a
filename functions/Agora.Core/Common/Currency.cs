using System.Collections.Frozen;

namespace Agora.Core.Common;

/// <summary>ISO 4217 currencies with their minor units. .NET has no ISO 4217 table (NumberFormatInfo's digits depend on a
/// culture, not a currency), and no well-kept package serves one, so the active codes are listed here by hand.</summary>
public static class Currency
{
    private static readonly FrozenDictionary<string, int> MinorUnits = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["AED"] = 2, ["ARS"] = 2, ["AUD"] = 2, ["BHD"] = 3, ["BOB"] = 2, ["BRL"] = 2, ["CAD"] = 2, ["CHF"] = 2, ["CLP"] = 0,
        ["CNY"] = 2, ["COP"] = 2, ["CZK"] = 2, ["DKK"] = 2, ["EGP"] = 2, ["EUR"] = 2, ["GBP"] = 2, ["HKD"] = 2, ["HUF"] = 2,
        ["IDR"] = 2, ["ILS"] = 2, ["INR"] = 2, ["ISK"] = 0, ["JOD"] = 3, ["JPY"] = 0, ["KRW"] = 0, ["KWD"] = 3, ["MXN"] = 2,
        ["MYR"] = 2, ["NGN"] = 2, ["NOK"] = 2, ["NZD"] = 2, ["OMR"] = 3, ["PEN"] = 2, ["PHP"] = 2, ["PLN"] = 2, ["PYG"] = 0,
        ["QAR"] = 2, ["RON"] = 2, ["SAR"] = 2, ["SEK"] = 2, ["SGD"] = 2, ["THB"] = 2, ["TND"] = 3, ["TRY"] = 2, ["TWD"] = 2,
        ["UAH"] = 2, ["USD"] = 2, ["UYU"] = 2, ["VND"] = 0, ["ZAR"] = 2,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsKnown(string? code) => code is not null && MinorUnits.ContainsKey(code);

    /// <summary>Digits after the decimal point for <paramref name="code"/> (2 for BRL, 0 for JPY, 3 for KWD).</summary>
    public static int MinorUnitsOf(string code) =>
        MinorUnits.TryGetValue(code, out var digits) ? digits : throw new ArgumentException($"'{code}' is not a supported ISO 4217 currency.", nameof(code));

    /// <summary>Rounds to the currency's minor unit, half away from zero (commercial rounding) unless told otherwise.</summary>
    public static decimal Round(decimal amount, string code, MidpointRounding mode = MidpointRounding.AwayFromZero) =>
        Math.Round(amount, MinorUnitsOf(code), mode);

    /// <summary>As <see cref="Round(decimal, string, MidpointRounding)"/>, with the currency's <see cref="MinorUnitsOf"/>
    /// looked up once by a caller that rounds many amounts in it (a quote's adjustments).</summary>
    public static decimal Round(decimal amount, int minorUnits, MidpointRounding mode) => Math.Round(amount, minorUnits, mode);
}

/// <summary>An amount in one currency. Amounts are decimals, rounded to the currency's minor unit on creation.</summary>
public readonly record struct Money(decimal Amount, string Currency)
{
    public static Money Of(decimal amount, string currency) => new(Common.Currency.Round(amount, currency), currency);

    public override string ToString() => $"{Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Currency}";
}
