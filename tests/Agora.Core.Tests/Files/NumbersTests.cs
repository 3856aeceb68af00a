using System.Globalization;
using Agora.Core.Files;
using FsCheck;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Files;

public sealed class NumbersTests
{
    [Theory]
    [InlineData("1234.56", "1234.56")]
    [InlineData("1,234.56", "1234.56")]
    [InlineData("  -1,234,567.5 ", "-1234567.5")]
    [InlineData("+3", "3")]
    [InlineData("\u00A012\u00A0", "12")]
    [InlineData("0.5", "0.5")]
    [InlineData(".5", "0.5")]
    [InlineData("007", "7")]
    [InlineData("1,234", "1234")]
    [InlineData("1.234", "1.234")]
    [InlineData("-0", "0")]
    [InlineData("0.000", "0.000")]
    [InlineData("12345678901234567890.5", "12345678901234567890.5")]
    [InlineData("79,228,162,514,264,337,593,543,950,335", "79228162514264337593543950335")]
    public void Point_style_accepts(string text, string expected)
    {
        Assert.True(Numbers.TryParseDecimal(text, DecimalStyle.Point, out var value));
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("1.234,56", "1234.56")]
    [InlineData("1234,56", "1234.56")]
    [InlineData("-1.234.567,5", "-1234567.5")]
    [InlineData("0,5", "0.5")]
    [InlineData(",5", "0.5")]
    [InlineData("1.234", "1234")]
    [InlineData("12,000", "12")]
    [InlineData(" +10 ", "10")]
    public void Comma_style_accepts(string text, string expected)
    {
        Assert.True(Numbers.TryParseDecimal(text, DecimalStyle.Comma, out var value));
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("", DecimalStyle.Point)]
    [InlineData("   ", DecimalStyle.Point)]
    [InlineData("abc", DecimalStyle.Point)]
    [InlineData("1,2,3", DecimalStyle.Point)]
    [InlineData("1,2,3", DecimalStyle.Comma)]
    [InlineData("12.34.56", DecimalStyle.Point)]
    [InlineData("12.34.56", DecimalStyle.Comma)]
    [InlineData("1,23", DecimalStyle.Point)]
    [InlineData("1234,567.5", DecimalStyle.Point)]
    [InlineData("1.5", DecimalStyle.Comma)]
    [InlineData("1,234.56", DecimalStyle.Comma)]
    [InlineData("1.234,56", DecimalStyle.Point)]
    [InlineData("5.", DecimalStyle.Point)]
    [InlineData("5,", DecimalStyle.Comma)]
    [InlineData(",123", DecimalStyle.Point)]
    [InlineData("1,,234", DecimalStyle.Point)]
    [InlineData("1.2e3", DecimalStyle.Point)]
    [InlineData("--1", DecimalStyle.Point)]
    [InlineData("+", DecimalStyle.Point)]
    [InlineData("- 1", DecimalStyle.Point)]
    [InlineData("1 234", DecimalStyle.Point)]
    [InlineData("R$ 5,00", DecimalStyle.Comma)]
    [InlineData("5-", DecimalStyle.Point)]
    [InlineData("99999999999999999999999999999999", DecimalStyle.Point)]
    [InlineData("NaN", DecimalStyle.Point)]
    public void Malformed_or_ambiguous_text_is_refused(string text, DecimalStyle style)
    {
        Assert.False(Numbers.TryParseDecimal(text, style, out var value));
        Assert.Equal(0m, value);
    }

    [Theory]
    [InlineData("1.000", DecimalStyle.Comma, 1000L)]
    [InlineData("12,000", DecimalStyle.Comma, 12L)]
    [InlineData("1,000", DecimalStyle.Point, 1000L)]
    [InlineData("-42", DecimalStyle.Point, -42L)]
    [InlineData("3000000000", DecimalStyle.Point, 3_000_000_000L)]
    public void Whole_quantities_parse_as_long(string text, DecimalStyle style, long expected)
    {
        Assert.True(Numbers.TryParseLong(text, style, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("1,5", DecimalStyle.Comma)]
    [InlineData("0.5", DecimalStyle.Point)]
    [InlineData("3000000000", DecimalStyle.Point)]
    [InlineData("", DecimalStyle.Point)]
    [InlineData("ten", DecimalStyle.Point)]
    public void Fractional_or_out_of_range_quantities_are_refused_as_int(string text, DecimalStyle style) =>
        Assert.False(Numbers.TryParseInt(text, style, out _));

    [Theory]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9.223.372.036.854.775.808", long.MinValue)]
    [InlineData("0000000000000000000000042", 42L)]
    [InlineData("7,00000000000000000000000000", 7L)]
    public void Quantities_at_the_edges_of_long_parse(string text, long expected)
    {
        Assert.True(Numbers.TryParseLong(text, DecimalStyle.Comma, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("123456789012345678901234567")]
    public void Quantities_beyond_long_are_refused(string text) =>
        Assert.False(Numbers.TryParseLong(text, DecimalStyle.Point, out _));

    [Property(MaxTest = 500)]
    public bool A_quantity_parses_exactly_when_its_value_is_whole_and_fits(int lo, int mid, bool negative, byte scale, bool comma)
    {
        var value = new decimal(lo, mid, 0, negative, (byte)(scale % 12));
        var style = comma ? DecimalStyle.Comma : DecimalStyle.Point;
        var parsed = Numbers.TryParseLong(Format(value, comma, grouped: true), style, out var quantity);
        var whole = value == decimal.Truncate(value) && value >= long.MinValue && value <= long.MaxValue;
        return parsed == whole && (!parsed || quantity == value);
    }

    [Property(MaxTest = 500)]
    public bool Any_decimal_formatted_in_either_style_with_or_without_grouping_parses_back(decimal value, bool comma, bool grouped) =>
        RoundTrips(value, comma, grouped);

    [Property(MaxTest = 500)]
    public bool Decimals_over_the_whole_range_and_scale_parse_back(int lo, int mid, int hi, bool negative, byte scale, bool comma, bool grouped) =>
        RoundTrips(new decimal(lo, mid, hi, negative, (byte)(scale % 29)), comma, grouped);

    private static bool RoundTrips(decimal value, bool comma, bool grouped) =>
        Numbers.TryParseDecimal(Format(value, comma, grouped), comma ? DecimalStyle.Comma : DecimalStyle.Point, out var parsed) && parsed == value;

    private static string Format(decimal value, bool comma, bool grouped)
    {
        var format = new NumberFormatInfo
        {
            NumberDecimalSeparator = comma ? "," : ".",
            NumberGroupSeparator = comma ? "." : ",",
            NumberGroupSizes = [3],
            NegativeSign = "-",
        };
        return value.ToString((grouped ? "N" : "F") + value.Scale.ToString(CultureInfo.InvariantCulture), format);
    }
}
