using System.Globalization;
using System.Text;
using Agora.Core.Files;
using BenchmarkDotNet.Attributes;
using Sylvan.Data.Csv;

namespace Agora.Benchmarks;

/// <summary>A 1,000,000-row Brazilian price file (';', decimal comma, UTF-8, one row in ten with a quoted description
/// holding the separator): raw Sylvan parsing against the import path through <see cref="TabularFile"/>.
/// Target: the import path runs at no less than half the raw Sylvan speed.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 15)]
public class PriceFileBenchmarks
{
    private byte[] file = [];

    [Params(1_000_000)]
    public int Rows { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder("codigo;descricao;preco;estoque;unidade\n", Rows * 60);
        for (var i = 0; i < Rows; i++)
        {
            var description = i % 10 == 0 ? $"\"Caixa; {i % 97} unidades\"" : $"Produto {i % 997} caixa com 12";
            text.Append(CultureInfo.InvariantCulture, $"SKU{i:D7};{description};{i % 10_000 / 100m:0.00};{i % 500};CX\n");
        }

        // 1.234,56 style: the invariant text above has no grouping, so only the separator changes.
        file = Encoding.UTF8.GetBytes(text.ToString().Replace(".", ",", StringComparison.Ordinal));
    }

    /// <summary>Sylvan alone: detects the delimiter, reads each record and touches every field (no strings).</summary>
    [Benchmark(Baseline = true)]
    public async Task<long> SylvanRaw()
    {
        using var reader = new StreamReader(new MemoryStream(file), Encoding.UTF8);
        await using var csv = await CsvDataReader.CreateAsync(reader, new CsvDataReaderOptions { BufferSize = 64 * 1024 });
        long sum = 0;
        while (await csv.ReadAsync())
        {
            for (var i = 0; i < csv.RowFieldCount; i++)
            {
                sum += csv.GetFieldSpan(i).Length;
            }
        }

        return sum;
    }

    /// <summary>Sylvan reading what an import needs the naive way: strings for text, parsed numbers.</summary>
    [Benchmark]
    public async Task<decimal> SylvanWithValues()
    {
        using var reader = new StreamReader(new MemoryStream(file), Encoding.UTF8);
        await using var csv = await CsvDataReader.CreateAsync(reader, new CsvDataReaderOptions { BufferSize = 64 * 1024 });
        var brazil = CultureInfo.GetCultureInfo("pt-BR");
        decimal prices = 0;
        long checksum = 0;
        while (await csv.ReadAsync())
        {
            var sku = csv.GetString(0);
            prices += decimal.Parse(csv.GetFieldSpan(2), NumberStyles.Number, brazil);
            checksum += int.Parse(csv.GetFieldSpan(3), NumberStyles.Integer, brazil) + sku.Length + csv.GetString(4).Length;
        }

        return prices + checksum;
    }

    /// <summary>The import path: detection, line numbers, blank-row skipping, SKU and unit as strings, price and stock
    /// parsed in the file's style.</summary>
    [Benchmark]
    public async Task<decimal> TabularFileImportPath()
    {
        await using var table = await TabularFile.OpenAsync(new MemoryStream(file), "precos.csv");
        int sku = table.Ordinal("codigo", "sku"), price = table.Ordinal("preco"), stock = table.Ordinal("estoque"), unit = table.Ordinal("unidade");
        decimal prices = 0;
        long checksum = 0;
        while (await table.ReadAsync())
        {
            var code = table[sku];
            if (table.TryGetDecimal(price, out var p) && table.TryGetInt32(stock, out var s))
            {
                prices += p;
                checksum += s + (code?.Length ?? 0) + (table[unit]?.Length ?? 0) + table.Line;
            }
        }

        return prices + checksum;
    }

    /// <summary>The reader's own cost: rows, line numbers and blank-row skipping, no field taken.</summary>
    [Benchmark]
    public async Task<long> TabularFileRowsOnly()
    {
        await using var table = await TabularFile.OpenAsync(new MemoryStream(file), "precos.csv");
        long sum = 0;
        while (await table.ReadAsync())
        {
            sum += table.Line;
        }

        return sum;
    }

    /// <summary>Rows and the two numbers, no strings.</summary>
    [Benchmark]
    public async Task<decimal> TabularFileNumbersOnly()
    {
        await using var table = await TabularFile.OpenAsync(new MemoryStream(file), "precos.csv");
        decimal prices = 0;
        long stock = 0;
        while (await table.ReadAsync())
        {
            if (table.TryGetDecimal(2, out var p) && table.TryGetInt32(3, out var s))
            {
                prices += p;
                stock += s;
            }
        }

        return prices + stock;
    }
}
