using System.Text;
using Agora.Core.Files;
using static Agora.Core.Tests.Files.TestFiles;

namespace Agora.Core.Tests.Files;

/// <summary>Hostile workbooks: small zips that inflate to far more than any supplier sheet, or rows no sheet has. Each is
/// refused with the limit it broke, before it holds more than the limit (the memory it takes is measured in
/// benchmarks/Agora.Benchmarks, mode xlsx-bomb, and written in docs/performance.md).</summary>
public sealed class XlsxLimitsTests
{
    private static readonly byte[] Bomb = XlsxBomb.SharedStrings(300L * 1024 * 1024);

    // The same bomb failing a price import is in ImportServiceTests: here the reader alone.
    [Fact]
    public async Task A_zip_that_declares_a_part_larger_than_its_limit_is_refused_before_it_is_inflated()
    {
        var e = await Assert.ThrowsAsync<TabularFileException>(() => OpenAsync(Bomb, "precos.xlsx", new TabularFileOptions { Xlsx = new XlsxLimits { MaxSharedStringsBytes = 1024 * 1024 } }));

        Assert.Contains("shared-string table inflates to 300 MB", e.Reason, StringComparison.Ordinal);
        Assert.Contains("at most 1 MB", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_shared_strings_a_cell_longer_than_excel_allows_and_a_cell_past_its_last_column_are_refused()
    {
        var many = await Assert.ThrowsAsync<TabularFileException>(() => OpenAsync(XlsxBomb.SharedStrings(64 * 1024, stringLength: 1), "a.xlsx",
            new TabularFileOptions { Xlsx = new XlsxLimits { MaxSharedStrings = 1000 } }));
        var longCell = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(Xlsx.Create((1, ["sku"]), (2, [new InlineText(new string('x', 40_000))])), "a.xlsx"));
        var wide = Xlsx.Rezip(Xlsx.Create((1, ["sku"]), (2, [1.0])), (name, content) =>
            name.EndsWith("sheet.xml", StringComparison.Ordinal) || name.Contains("worksheets/", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(content).Replace("\"A2\"", "\"XFE2\"", StringComparison.Ordinal)) : content);
        var past = await Assert.ThrowsAsync<TabularFileException>(() => ReadAsync(wide, "a.xlsx"));

        Assert.Contains("more than 1,000 strings", many.Reason, StringComparison.Ordinal);
        Assert.Contains("longer than 32,767 characters", longCell.Reason, StringComparison.Ordinal);
        Assert.Equal(2, longCell.Line);
        Assert.Contains("past column XFD", past.Reason, StringComparison.Ordinal);
        Assert.Equal(2, past.Line);
    }
}
