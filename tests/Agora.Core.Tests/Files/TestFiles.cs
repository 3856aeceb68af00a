using System.IO.Compression;
using System.Text;
using Agora.Core.Files;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Agora.Core.Tests.Files;

/// <summary>One row as the reader gave it.</summary>
internal sealed record ReadRow(long Line, long Row, string?[] Fields);

/// <summary>Builds supplier files and reads them back.</summary>
internal static class TestFiles
{
    public static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    public static byte[] Utf8(string text, bool bom = false) => [.. (bom ? Encoding.UTF8.Preamble : []), .. Encoding.UTF8.GetBytes(text)];

    public static async Task<TabularFile> OpenAsync(byte[] bytes, string name = "file.csv", TabularFileOptions? options = null) =>
        await TabularFile.OpenAsync(new MemoryStream(bytes), name, options);

    public static async Task<List<ReadRow>> ReadAllAsync(TabularFile file, CancellationToken cancellationToken = default)
    {
        var rows = new List<ReadRow>();
        while (await file.ReadAsync(cancellationToken))
        {
            rows.Add(new ReadRow(file.Line, file.Row, [.. Enumerable.Range(0, file.Headers.Count).Select(i => file[i])]));
        }

        return rows;
    }

    public static async Task<(TabularFile File, List<ReadRow> Rows)> ReadAsync(byte[] bytes, string name = "file.csv", TabularFileOptions? options = null)
    {
        var file = await OpenAsync(bytes, name, options);
        return (file, await ReadAllAsync(file));
    }

    /// <summary>A stream that cannot seek, as a blob download is.</summary>
    public sealed class ForwardOnly(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override long Seek(long offset, SeekOrigin loc) => throw new NotSupportedException();
    }
}

/// <summary>A number cell stored exactly as written in the sheet XML.</summary>
internal sealed record RawNumber(string Value);

/// <summary>An inline-string cell (t="inlineStr"), as some exporters write instead of shared strings.</summary>
internal sealed record InlineText(string Value);

/// <summary>Builds XLSX workbooks with the Open XML SDK: strings go to the shared-string table, numbers are numeric
/// cells, DateTimes are day numbers with a date format, null leaves the cell out.</summary>
internal static class Xlsx
{
    public static byte[] Create(params (uint Row, object?[] Cells)[] rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = new Stylesheet(
                new Fonts(new Font()),
                new Fills(new Fill()),
                new Borders(new Border()),
                new CellFormats(new CellFormat(), new CellFormat { NumberFormatId = 14, ApplyNumberFormat = true }));
            var sharedStrings = workbookPart.AddNewPart<SharedStringTablePart>();
            sharedStrings.SharedStringTable = new SharedStringTable();
            var strings = new List<string>();
            var worksheetPart = workbookPart.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            worksheetPart.Worksheet = new Worksheet(data);
            workbookPart.Workbook.AppendChild(new Sheets(new Sheet { Id = workbookPart.GetIdOfPart(worksheetPart), SheetId = 1, Name = "Preços" }));

            foreach (var (index, values) in rows)
            {
                var row = new Row { RowIndex = index };
                for (var c = 0; c < values.Length; c++)
                {
                    if (values[c] is not { } value)
                    {
                        continue;
                    }

                    var cell = new Cell { CellReference = $"{(char)('A' + c)}{index}" };
                    switch (value)
                    {
                        case string s:
                            var i = strings.IndexOf(s);
                            if (i < 0)
                            {
                                strings.Add(s);
                                sharedStrings.SharedStringTable.AppendChild(new SharedStringItem(new Text(s) { Space = SpaceProcessingModeValues.Preserve }));
                                i = strings.Count - 1;
                            }

                            cell.DataType = CellValues.SharedString;
                            cell.CellValue = new CellValue(i);
                            break;
                        case InlineText t:
                            cell.DataType = CellValues.InlineString;
                            cell.InlineString = new InlineString(new Text(t.Value));
                            break;
                        case RawNumber n:
                            cell.CellValue = new CellValue(n.Value);
                            break;
                        case DateTime d:
                            cell.StyleIndex = 1;
                            cell.CellValue = new CellValue(d.ToOADate());
                            break;
                        case double d:
                            cell.CellValue = new CellValue(d);
                            break;
                        default:
                            throw new ArgumentException($"No cell for {value.GetType()}.");
                    }

                    row.AppendChild(cell);
                }

                data.AppendChild(row);
            }
        }

        return stream.ToArray();
    }

    /// <summary>The same package with every entry stored uncompressed, so byte mutations reach the XML.</summary>
    public static byte[] Stored(byte[] xlsx) => Rezip(xlsx, (_, content) => content, CompressionLevel.NoCompression);

    /// <summary>Rewrites each entry's content through <paramref name="change"/> (entry name, bytes) and zips it again.</summary>
    public static byte[] Rezip(byte[] xlsx, Func<string, byte[], byte[]> change, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(xlsx), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var read = entry.Open();
                using var buffer = new MemoryStream();
                read.CopyTo(buffer);
                using var write = target.CreateEntry(entry.FullName, level).Open();
                write.Write(change(entry.FullName, buffer.ToArray()));
            }
        }

        return output.ToArray();
    }
}
