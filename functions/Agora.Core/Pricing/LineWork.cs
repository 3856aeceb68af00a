using Agora.Core.Catalog;
using Agora.Core.Common;

namespace Agora.Core.Pricing;

/// <summary>A line while it is being priced. Every adjustment amount is rounded to the quote currency's minor unit (half
/// away from zero), and the net price is the list price less the adjustments, so a line's explanation adds up.</summary>
internal sealed class LineWork(int line, string sku, string unit, decimal quantity, int minorUnits)
{
    private decimal _percentFactor = 1;
    private decimal? _percentPrice; // the list price after the percentages so far, rounded
    private decimal _lineRulesOff;

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

    /// <summary>Percentages multiply: each one's amount is what it takes off the running price, rounded as the difference
    /// of the rounded prices before and after it, so the amounts add up to the list price less the rounded result.</summary>
    public void Percent(string kind, string id, string description, decimal percent)
    {
        var before = _percentPrice ?? Round(List);
        _percentFactor *= 1 - (Math.Clamp(percent, 0, 100) / 100);
        _percentPrice = Round(List * _percentFactor);
        AddLineRule(kind, id, description, before - _percentPrice.Value);
    }

    public void AmountOff(string kind, string id, string description, decimal amount) =>
        AddLineRule(kind, id, description, Round(Math.Max(0, amount)));

    public void FixTo(string id, string description, decimal price)
    {
        Fixed = true;
        var amount = Round(List - price);
        Adjustments.Add(new Adjustment("promotion", id, description, amount));
        Net = List - amount;
    }

    /// <summary>Net = list - the line rules' amounts (percentages first, then amounts off), never below zero: the last
    /// amount is cut to what is left.</summary>
    public void SettleAmounts()
    {
        var net = List - _lineRulesOff;
        if (net < 0 && Adjustments.Count > 0)
        {
            var last = Adjustments[^1];
            Adjustments[^1] = last with { AmountPerUnit = last.AmountPerUnit + net, Description = last.Description + " (up to the price)" };
        }

        Net = Math.Max(0, net);
    }

    /// <summary>An order rule's change to the net unit price (bundle, volume discount, cap), rounded; negative raises it.</summary>
    public void Take(string kind, string id, string description, decimal amount)
    {
        var rounded = Round(amount);
        Adjustments.Add(new Adjustment(kind, id, description, rounded));
        Net -= rounded;
    }

    public QuoteLine ToLine()
    {
        var priced = Status == LineStatus.Priced;
        var lineTotal = priced ? Round(Net * Quantity) : 0;
        return new QuoteLine(Line, Sku, Unit, Quantity, Status, Source, priced ? List : null, Adjustments, priced ? decimal.Round(Net, 6) : null,
            priced ? Round(List * Quantity) : 0, lineTotal, Issues, Hints);
    }

    private void AddLineRule(string kind, string id, string description, decimal amount)
    {
        _lineRulesOff += amount;
        Adjustments.Add(new Adjustment(kind, id, description, amount));
    }

    private decimal Round(decimal amount) => Currency.Round(amount, minorUnits, MidpointRounding.AwayFromZero);
}