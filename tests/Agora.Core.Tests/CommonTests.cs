using Agora.Core.Common;
using FsCheck;
using FsCheck.Xunit;

namespace Agora.Core.Tests;

public sealed class CommonTests
{
    [Theory]
    [InlineData(10.005, "BRL", 10.01)]
    [InlineData(-10.005, "BRL", -10.01)]
    [InlineData(1234.5, "JPY", 1235)]
    [InlineData(1.2345, "KWD", 1.235)]
    public void Amounts_round_half_away_from_zero_to_the_currencys_minor_unit(decimal amount, string currency, decimal expected) =>
        Assert.Equal(expected, Currency.Round(amount, currency));

    [Fact]
    public void An_unknown_currency_is_refused() => Assert.Throws<ArgumentException>(() => Currency.MinorUnitsOf("XYZ"));

    [Property]
    public bool Rounding_is_idempotent_and_moves_less_than_half_a_minor_unit(decimal amount)
    {
        var rounded = Currency.Round(amount, "BRL");
        return Currency.Round(rounded, "BRL") == rounded && Math.Abs(rounded - amount) <= 0.005m;
    }

    [Property]
    public bool A_cursor_decodes_to_the_key_it_encodes(NonEmptyString key) => Cursor.Decode(Cursor.Encode(key.Get), "cursor") == key.Get;

    [Fact]
    public void Ids_are_time_ordered()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var first = Ids.New(clock);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var second = Ids.New(clock);

        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.True(Ids.IsWellFormed(first));
    }
}
