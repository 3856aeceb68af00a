using System.Globalization;
using System.Text;

namespace Agora.Benchmarks;

/// <summary>A generated price-list file as a supplier drops it: <c>sku;unidade;preco;moeda;apartirde;tabela</c>, ';'-separated,
/// decimal comma, UTF-8 without BOM, '\n' line ends. Row <c>k</c> prices product <c>k % Products</c> in UN or CX, from one
/// of five minimum quantities, in price list <c>k / (10 × Products)</c>, so every row has its own key and the first 100
/// rows name 100 different products (each batch reads 100 products and 100 prices). One row in ten has its price quoted
/// and written with a thousands separator (<c>"1.234,56"</c>), one in five leaves the currency empty (BRL). Three rows in a
/// hundred are invalid: an SKU not in the catalog (rejected when the batch is applied), a unit the product is not sold in
/// or that is not a unit code, and a price that is not a number, zero, or has three decimals (rejected when parsed).</summary>
internal sealed record PriceListFile(string Path, int Rows, int Valid, int RejectedWhenParsed, int RejectedWhenApplied)
{
    public const string Header = "sku;unidade;preco;moeda;apartirde;tabela";
    public const int Products = 10_000;
    private static readonly int[] Tiers = [1, 10, 50, 100, 500];

    public int Rejected => RejectedWhenParsed + RejectedWhenApplied;

    public long Bytes => new FileInfo(Path).Length;

    public static string Sku(int product) => string.Create(CultureInfo.InvariantCulture, $"SKU{product:D5}");

    public static PriceListFile Write(string path, int rows)
    {
        int parseRejects = 0, applyRejects = 0;
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
        writer.WriteLine(Header);
        var line = new StringBuilder(64);
        for (var k = 0; k < rows; k++)
        {
            var product = k % Products;
            var sku = Sku(product);
            var unit = (k / Products % 2) == 0 ? "UN" : "CX";
            var min = Tiers[k / (2 * Products) % Tiers.Length];
            var list = k / (10 * Products) is var n && n == 0 ? "base" : string.Create(CultureInfo.InvariantCulture, $"regiao-{n:D2}");
            var cents = 100 + (k * 7919L % 499_900);
            var quoted = k % 10 == 3;
            var price = Price(cents, grouped: quoted);
            switch (k % 100)
            {
                case 7:
                    sku = string.Create(CultureInfo.InvariantCulture, $"SKX{product:D5}");
                    applyRejects++;
                    break;
                case 37 when k % 200 < 100:
                    unit = "KG";
                    applyRejects++;
                    break;
                case 37:
                    unit = "C-X";
                    parseRejects++;
                    break;
                case 67:
                    price = (k / 100 % 3) switch { 0 => "abc", 1 => "0,00", _ => "12,345" };
                    parseRejects++;
                    break;
            }

            line.Clear()
                .Append(sku).Append(';')
                .Append(unit).Append(';')
                .Append(quoted ? "\"" : string.Empty).Append(price).Append(quoted ? "\"" : string.Empty).Append(';')
                .Append(k % 5 == 4 ? string.Empty : "BRL").Append(';')
                .Append(min).Append(';')
                .Append(list);
            writer.WriteLine(line);
        }

        return new PriceListFile(path, rows, rows - parseRejects - applyRejects, parseRejects, applyRejects);
    }

    private static string Price(long cents, bool grouped)
    {
        var value = cents / 100m;
        var text = value.ToString(grouped ? "#,##0.00" : "0.00", CultureInfo.InvariantCulture);
        // Invariant "1,234.56" to Brazilian "1.234,56".
        return string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = source[i] switch { ',' => '.', '.' => ',', var c => c };
            }
        });
    }
}
