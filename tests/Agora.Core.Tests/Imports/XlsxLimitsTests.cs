using System.Text;
using Agora.Core.Imports;
using Agora.Core.Imports.Files;
using static Agora.Core.Tests.Imports.Files;

namespace Agora.Core.Tests.Imports;

/// <summary>Hostile workbooks: small zips that inflate to far more than any supplier sheet, or rows no sheet has. Each is
/// refused with the limit it broke, before it holds more than the limit (the memory it takes is measured in
/// benchmarks/Agora.Benchmarks, mode xlsx-bomb, and written in docs/performance.md).</summary>
public sealed class XlsxLimitsTests
{
    private static readonly byte[] Bomb = XlsxBomb.SharedStrings(300L * 1024 * 1024);

    [Fact]
    public async Task A_price_file_whose_shared_strings_inflate_to_300_MB_fails_its_import_with_the_limit_it_broke()
    {
        var given = await new Given().MarketplaceAsync();

        var job = await given.ImportAsync("supplier", ImportKind.Prices, "precos.xlsx", Bomb);

        Assert.True(Bomb.Length < 1024 * 1024, $"the bomb is {Bomb.Length:N0} bytes");
        Assert.Equal(ImportStatus.Failed, job.Status);
        Assert.Contains("shared strings hold more than 32 Mi characters", job.Failure, StringComparison.Ordinal);
        Assert.Equal(0, job.RowsRead);
    }

    [Fact]
    public async Task A_zip_that_declares_a_part_larger_than_its_limit_is_refused_before_it_is_inflated()
    {
        var e = await Assert.ThrowsAsync<ImportFileException>(() => OpenAsync(Bomb, "precos.xlsx", new TabularFileOptions { Xlsx = new XlsxLimits { MaxSharedStringsBytes = 1024 * 1024 } }));

        Assert.Contains("shared-string table inflates to 300 MB", e.Reason, StringComparison.Ordinal);
        Assert.Contains("at most 1 MB", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_shared_strings_a_cell_longer_than_excel_allows_and_a_cell_past_its_last_column_are_refused()
    {
        var many = await Assert.ThrowsAsync<ImportFileException>(() => OpenAsync(XlsxBomb.SharedStrings(64 * 1024, stringLength: 1), "a.xlsx",
            new TabularFileOptions { Xlsx = new XlsxLimits { MaxSharedStrings = 1000 } }));
        var longCell = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(Xlsx.Create((1, ["sku"]), (2, [new InlineText(new string('x', 40_000))])), "a.xlsx"));
        var wide = Xlsx.Rezip(Xlsx.Create((1, ["sku"]), (2, [1.0])), (name, content) =>
            name.EndsWith("sheet.xml", StringComparison.Ordinal) || name.Contains("worksheets/", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace("\"A2\"", "\"XFE2\"", StringComparison.Ordinal)) : content);
        var past = await Assert.ThrowsAsync<ImportFileException>(() => ReadAsync(wide, "a.xlsx"));

        Assert.Contains("more than 1,000 strings", many.Reason, StringComparison.Ordinal);
        Assert.Contains("longer than 32,767 characters", longCell.Reason, StringComparison.Ordinal);
        Assert.Equal(2, longCell.Line);
        Assert.Contains("past column XFD", past.Reason, StringComparison.Ordinal);
        Assert.Equal(2, past.Line);
    }
}
