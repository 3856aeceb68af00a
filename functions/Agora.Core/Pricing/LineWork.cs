using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>A line while it is being priced.</summary>
internal sealed class LineWork(int line, string sku, string unit, decimal quantity)
{
    private decimal _percentFactor = 1;
    private decimal _amountOff;

    public int Line { get; } = line;

    public string Sku { get; } = sku;

    public string Unit { get; } = unit;

    public decimal Quantity { get; } = quantity;

    public Product? Product { get; set; }

    public SaleUnit? SaleUnit { get; set; }

    public LineStatus Status { get; set; } = LineStatus.Unavailable;

    public decimal List { get; set; }

    public decimal Net { get; set; }

    public bool Fixed { get; private set; }

    public PriceSource? Source { get; set; }

    public PriceEntry? NextTier { get; set; }

    public List<Adjustment> Adjustments { get; } = [];

    public List<string> Issues { get; } = [];

    public List<string> Hints { get; } = [];

    public LineWork Unavailable(string reason)
    {
        Status = LineStatus.Unavailable;
        Issues.Add(reason);
        return this;
    }

    public void Percent(string kind, string id, string description, decimal percent)
    {
        var before = List * _percentFactor;
        _percentFactor *= 1 - (Math.Clamp(percent, 0, 100) / 100);
        Adjustments.Add(new Adjustment(kind, id, description, before - (List * _percentFactor)));
    }

    public void AmountOff(string kind, string id, string description, decimal amount)
    {
        _amountOff += Math.Max(0, amount);
        Adjustments.Add(new Adjustment(kind, id, description, Math.Max(0, amount)));
    }

    public void FixTo(string id, string description, decimal price)
    {
        Fixed = true;
        Adjustments.Add(new Adjustment("promotion", id, description, List - price));
        Net = price;
    }

    /// <summary>Net = list × the product of (1 - percent) - amounts, never below zero.</summary>
    public void SettleAmounts()
    {
        var net = (List * _percentFactor) - _amountOff;
        if (net < 0 && Adjustments.Count > 0)
        {
            var last = Adjustments[^1];
            Adjustments[^1] = last with { AmountPerUnit = last.AmountPerUnit + net, Description = last.Description + " (up to the price)" };
        }

        Net = Math.Max(0, net);
    }

    public QuoteLine ToLine(string currency)
    {
        var priced = Status == LineStatus.Priced;
        var lineTotal = priced ? Currency.Round(Net * Quantity, currency) : 0;
        return new QuoteLine(Line, Sku, Unit, Quantity, Status, Source, priced ? List : null, Adjustments, priced ? decimal.Round(Net, 6) : null,
            priced ? Currency.Round(List * Quantity, currency) : 0, lineTotal, Issues, Hints);
    }
}
