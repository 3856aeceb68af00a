using System.Buffers.Text;
using System.Text;

namespace Agora.Core.Common;

/// <summary>Opaque keyset-paging cursors: the sort key of the last item, base64url-encoded so clients do not build them.</summary>
public static class Cursor
{
    public static string? Encode(string? lastKey) => lastKey is null ? null : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastKey));

    public static string? Decode(string? cursor, string field)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        }
        catch (FormatException)
        {
            throw DomainException.Invalid(field, "is not a cursor this API returned.");
        }
    }
}
