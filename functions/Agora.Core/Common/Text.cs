using System.Globalization;
using System.Text;

namespace Agora.Core.Common;

/// <summary>Text folded for matching: lower case, accents stripped ("Açúcar Cristal" → "acucar cristal"), so searches,
/// brands and category paths match however suppliers and buyers type them.</summary>
public static class Text
{
    public static string Fold(string text)
    {
        var decomposed = text.Trim().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(c));
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>A folded key of letters and digits joined by '-': "Ferramentas Elétricas" → "ferramentas-eletricas".</summary>
    public static string Slug(string text)
    {
        var folded = Fold(text);
        var builder = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        return builder.ToString().TrimEnd('-');
    }
}
