using System.Globalization;
using Agora.Core.Files;
using BenchmarkDotNet.Attributes;

namespace Agora.Benchmarks;

/// <summary>One price and one quantity in the Brazilian style, against the framework's culture-aware parsing.</summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class NumbersBenchmarks
{
    private static readonly CultureInfo Brazil = CultureInfo.GetCultureInfo("pt-BR");

    [Params("1.234,56", "12")]
    public string Text { get; set; } = string.Empty;

    [Benchmark(Baseline = true)]
    public decimal FrameworkDecimal() => decimal.Parse(Text, NumberStyles.Number, Brazil);

    [Benchmark]
    public decimal TryParseDecimal() => Numbers.TryParseDecimal(Text.AsSpan(), DecimalStyle.Comma, out var value) ? value : -1;

    [Benchmark]
    public int TryParseInt() => Numbers.TryParseInt(Text.AsSpan(), DecimalStyle.Comma, out var value) ? value : -1;
}
