using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>The supplier's exchange-rate table, as the engine uses it for prices and for money-valued rules alike.</summary>
internal static class Exchange
{
    /// <summary>The first rate from <paramref name="from"/> to <paramref name="to"/>, if any.</summary>
    public static decimal? RateOf(IReadOnlyList<ExchangeRate> rates, string from, string to)
    {
        for (var i = 0; i < rates.Count; i++)
        {
            if (rates[i].From == from && rates[i].To == to)
            {
                return rates[i].Rate;
            }
        }

        return null;
    }

    /// <summary>Converted prices are rounded to the target currency's minor unit, like a converted price list would be.</summary>
    public static decimal Convert(decimal price, decimal? rate, string currency) => rate is { } r ? Currency.Round(price * r, currency, MidpointRounding.AwayFromZero) : price;
}
