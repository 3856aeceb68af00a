using System.Text;
using Agora.Core.Files;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Agora.Core.Tests.Files;

/// <summary>Whatever bytes arrive, opening and reading all rows ends, either normally or with TabularFileException.
/// Each case runs under a deadline, so a hang fails the test instead of blocking the run.</summary>
public sealed class TabularFileFuzzTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private static readonly byte[] ValidCsv = Encoding.UTF8.GetBytes(
        "sku;descrição;preço;estoque\r\nA1;\"Açúcar; \"\"refinado\"\"\";1.234,56;10\r\nA2;\"duas\nlinhas\";2,5;3\r\nA3;x;;\r\n");

    private static readonly byte[] ValidXlsx = Xlsx.Create(
        (1, ["sku", "descrição", "preço"]),
        (2, ["A1", "Açúcar", 1234.56]),
        (3, ["A2", new InlineText("inline"), new DateTime(2025, 1, 2)]),
        (5, [null, "só descrição", new RawNumber("0.1")]));

    private static readonly byte[] StoredXlsx = Xlsx.Stored(ValidXlsx);

    private static readonly byte[] Inserts = "\"\";,\t|\r\n\0<>&_x"u8.ToArray();

    /// <summary>Reads everything; true when it ended normally or with TabularFileException. Anything else (another
    /// exception type, or the deadline passing) fails.</summary>
    private static bool ReadsOrFailsCleanly(byte[] bytes, string name)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        var work = Task.Run(async () =>
        {
            try
            {
                await using var file = await TabularFile.OpenAsync(new MemoryStream(bytes), name, cancellationToken: deadline.Token);
                while (await file.ReadAsync(deadline.Token))
                {
                    for (var i = -1; i <= file.Headers.Count; i++)
                    {
                        _ = file[i];
                        _ = file.TryGetDecimal(i, out _);
                    }

                    Assert.True(file.Line >= file.Row);
                }
            }
            catch (TabularFileException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Reason));
            }
        });

        // A hang that ignores the token still fails here, after the deadline plus a grace period.
        work.WaitAsync(Deadline + TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
        return true;
    }

    private static Gen<byte[]> Mutated(byte[] seed) =>
        Gen.ListOf(Mutation(), 4).Select(ms => ms.Aggregate(seed, (bytes, m) => m(bytes)))
            .Where(b => b.Length > 0);

    private static Gen<Func<byte[], byte[]>> Mutation() => Gen.OneOf(
        // flip a byte
        from at in Gen.Choose(0, int.MaxValue)
        from value in Gen.Choose(0, 255)
        select (Func<byte[], byte[]>)(b => b.Length == 0 ? b : Replace(b, at % b.Length, (byte)value)),
        // truncate
        from at in Gen.Choose(0, int.MaxValue)
        select (Func<byte[], byte[]>)(b => b[..(b.Length == 0 ? 0 : at % b.Length)]),
        // insert a quote, separator, line break, NUL or markup character
        from at in Gen.Choose(0, int.MaxValue)
        from which in Gen.Elements(Inserts)
        select (Func<byte[], byte[]>)(b => [.. b[..(at % (b.Length + 1))], which, .. b[(at % (b.Length + 1))..]]),
        // delete a byte
        from at in Gen.Choose(0, int.MaxValue)
        select (Func<byte[], byte[]>)(b => b.Length == 0 ? b : [.. b[..(at % b.Length)], .. b[(at % b.Length + 1)..]]));

    private static byte[] Replace(byte[] bytes, int at, byte value)
    {
        var copy = (byte[])bytes.Clone();
        copy[at] = value;
        return copy;
    }

    [Property(MaxTest = 300)]
    public bool Arbitrary_bytes_read_or_fail_cleanly(byte[] bytes) => ReadsOrFailsCleanly(bytes, "file.csv");

    [Property(MaxTest = 100)]
    public bool Arbitrary_bytes_behind_a_zip_signature_fail_cleanly(byte[] bytes) =>
        ReadsOrFailsCleanly([0x50, 0x4B, 0x03, 0x04, .. bytes], "file.xlsx");

    [Property(MaxTest = 300)]
    public Property Mutations_of_a_valid_csv_read_or_fail_cleanly() =>
        Prop.ForAll(Mutated(ValidCsv).ToArbitrary(), bytes => ReadsOrFailsCleanly(bytes, "file.csv"));

    [Property(MaxTest = 100)]
    public Property Mutations_of_a_valid_csv_in_Windows_1252_and_UTF_16_read_or_fail_cleanly() =>
        Prop.ForAll(
            Gen.Elements(
                TestFiles.Windows1252.GetBytes(Encoding.UTF8.GetString(ValidCsv)),
                (byte[])[.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(ValidCsv))])
            .SelectMany(Mutated).ToArbitrary(),
            bytes => ReadsOrFailsCleanly(bytes, "file.csv"));

    [Property(MaxTest = 150)]
    public Property Mutations_of_a_valid_xlsx_read_or_fail_cleanly() =>
        Prop.ForAll(Gen.Elements(ValidXlsx, StoredXlsx).SelectMany(Mutated).ToArbitrary(), bytes => ReadsOrFailsCleanly(bytes, "file.xlsx"));

    [Property(MaxTest = 150)]
    public Property Xlsx_files_whose_xml_parts_are_mutated_read_or_fail_cleanly() =>
        Prop.ForAll(
            (from part in Gen.Elements("xl/worksheets/", "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml", "[Content_Types].xml", "_rels/", "xl/_rels/")
             from mutations in Gen.ListOf(Mutation(), 3)
             select Xlsx.Rezip(ValidXlsx, (name, content) => name.StartsWith(part, StringComparison.Ordinal)
                 ? mutations.Aggregate(content, (b, m) => m(b))
                 : content)).ToArbitrary(),
            bytes => ReadsOrFailsCleanly(bytes, "file.xlsx"));

    [Fact]
    public async Task The_valid_seeds_read_without_error()
    {
        var (csv, csvRows) = await TestFiles.ReadAsync(ValidCsv);
        var (xlsx, xlsxRows) = await TestFiles.ReadAsync(StoredXlsx, "x.xlsx");

        Assert.Equal((4, 3), (csv.Headers.Count, csvRows.Count));
        Assert.Equal((3, 3), (xlsx.Headers.Count, xlsxRows.Count));
    }
}
