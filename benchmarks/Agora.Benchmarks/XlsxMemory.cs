using System.Globalization;
using Agora.Core.Files;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Agora.Benchmarks;

/// <summary>Whether reading an XLSX keeps memory flat: the managed heap's peak while reading sheets of growing length.
/// Text cells are inline strings here, so the shared-string table (kept whole, by design) does not grow with the rows.</summary>
internal static class XlsxMemory
{
    public static async Task RunAsync()
    {
        foreach (var rows in new[] { 50_000, 200_000, 800_000 })
        {
            var path = Path.Combine(Path.GetTempPath(), $"agora-bench-{rows}.xlsx");
            Write(path, rows);
            GC.Collect();
            var baseline = GC.GetTotalMemory(forceFullCollection: true);
            long peak = 0, live = 0, count = 0;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            await using (var stream = File.OpenRead(path))
            await using (var file = await TabularFile.OpenAsync(stream, "bench.xlsx"))
            {
                while (await file.ReadAsync())
                {
                    _ = file[0];
                    _ = file.TryGetDecimal(1, out _);
                    if (++count % 10_000 == 0)
                    {
                        peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false) - baseline);
                    }

                    if (count % 100_000 == 0)
                    {
                        // What is still referenced (garbage collected first): the heap above counts gen0 garbage too,
                        // whose budget the GC sizes as it likes.
                        live = Math.Max(live, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                    }
                }
            }

            Console.WriteLine($"{rows,9:N0} rows, {new FileInfo(path).Length / 1024.0 / 1024:F1} MiB xlsx: read in {watch.Elapsed.TotalSeconds:F2} s, managed heap above baseline at most {peak / 1024.0 / 1024:F1} MiB, live after a collection at most {live / 1024.0 / 1024:F1} MiB");
            File.Delete(path);
        }
    }

    private static void Write(string path, int rows)
    {
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        workbookPart.Workbook = new Workbook();
        var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(worksheetPart))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            for (var r = 1; r <= rows; r++)
            {
                writer.WriteStartElement(new Row { RowIndex = (uint)r });
                writer.WriteElement(new Cell { CellReference = $"A{r}", DataType = CellValues.InlineString, InlineString = new InlineString(new Text(r == 1 ? "sku" : $"SKU{r:D7}")) });
                writer.WriteElement(r == 1
                    ? new Cell { CellReference = $"B{r}", DataType = CellValues.InlineString, InlineString = new InlineString(new Text("price")) }
                    : new Cell { CellReference = $"B{r}", CellValue = new CellValue((r % 10_000 / 100.0).ToString(CultureInfo.InvariantCulture)) });
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        workbookPart.Workbook.AppendChild(new Sheets(new Sheet { Id = workbookPart.GetIdOfPart(worksheetPart), SheetId = 1, Name = "Sheet1" }));
    }
}
