using System.Reflection;
using PdfSharp.Fonts;

namespace Agora.Infrastructure.Documents;

/// <summary>The one typeface of the printed invoices, DejaVu Sans regular and bold, read from this assembly's resources
/// (decision 0018b). PDFsharp's Core build finds no fonts by itself on Linux, where the Functions host runs, and a font
/// looked up in /usr/share/fonts would make the same invoice print differently (or not at all) from one host image to the
/// next; shipped with the code, every host prints the same glyphs and metrics. DejaVu covers Portuguese and the currency
/// signs, and its licence allows it to be redistributed (Fonts/LICENSE-DejaVu.txt).</summary>
internal sealed class InvoiceFonts : IFontResolver
{
    /// <summary>The family name the layout asks for; no system font is called this, so none can stand in for it.</summary>
    public const string Family = "Agora Invoice Sans";

    private const string Regular = "DejaVuSans";
    private const string Bold = "DejaVuSans-Bold";

    private static readonly Lock Gate = new();

    /// <summary>PDFsharp's resolver is process-wide and can be set only before its first font is made, so it is set once,
    /// by the first document printed, and left alone if the process already has one of its own.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            GlobalFontSettings.FontResolver ??= new InvoiceFonts();
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        string.Equals(familyName, Family, StringComparison.OrdinalIgnoreCase)
            ? new FontResolverInfo(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic)
            : null;

    public byte[]? GetFont(string faceName)
    {
        if (faceName is not (Regular or Bold))
        {
            return null;
        }

        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Agora.Infrastructure.Documents.Fonts.{faceName}.ttf")
            ?? throw new InvalidOperationException($"The font {faceName}.ttf is not embedded in Agora.Infrastructure; see its project file.");
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }
}
