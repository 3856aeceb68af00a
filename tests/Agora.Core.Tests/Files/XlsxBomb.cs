using System.IO.Compression;
using System.Text;

namespace Agora.Core.Tests.Files;

/// <summary>Builds hostile XLSX files in memory: a valid workbook whose shared-string table inflates to
/// <c>inflatedBytes</c> of text from a zip of a few hundred KB (the deflate ratio of repeated characters is ~1,000:1).
/// Shared with the benchmark project (linked there), which measures the memory it takes to refuse one.</summary>
internal static class XlsxBomb
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    /// <summary>A price file whose header is the shared string 0 and whose table holds strings of
    /// <paramref name="stringLength"/> characters until it reaches <paramref name="inflatedBytes"/>.</summary>
    public static byte[] SharedStrings(long inflatedBytes, int stringLength = 1000)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Entry(zip, "[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>
                """);
            Entry(zip, "_rels/.rels", $"""
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{Relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """);
            Entry(zip, "xl/workbook.xml", $"""
                <?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{Main}" xmlns:r="{Relationships}"><sheets><sheet name="Precos" sheetId="1" r:id="rId1"/></sheets></workbook>
                """);
            Entry(zip, "xl/_rels/workbook.xml.rels", $"""
                <?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{Relationships}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{Relationships}/sharedStrings" Target="sharedStrings.xml"/></Relationships>
                """);
            Entry(zip, "xl/worksheets/sheet1.xml", $"""
                <?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{Main}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>1</v></c></row></sheetData></worksheet>
                """);
            using var strings = zip.CreateEntry("xl/sharedStrings.xml", CompressionLevel.SmallestSize).Open();
            var item = Encoding.UTF8.GetBytes($"<si><t>{new string('A', stringLength)}</t></si>");
            strings.Write(Encoding.UTF8.GetBytes($"""<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{Main}">"""));
            for (long written = 0; written < inflatedBytes; written += item.Length)
            {
                strings.Write(item);
            }

            strings.Write("</sst>"u8);
        }

        return output.ToArray();
    }

    private static void Entry(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}
