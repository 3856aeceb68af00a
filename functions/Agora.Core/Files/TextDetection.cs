using System.Text;
using System.Text.Unicode;

namespace Agora.Core.Files;

/// <summary>Decides the encoding of a text file from its first bytes (a bounded prefix, never the whole file).</summary>
internal static class TextDetection
{
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)
        ?? throw new InvalidOperationException("The Windows-1252 code page is not available.");

    /// <summary>UTF-8 whose invalid bytes decode as Windows-1252 (see <see cref="Windows1252Fallback"/>).</summary>
    private static readonly Encoding Utf8OrWindows1252 = Encoding.GetEncoding("utf-8", EncoderFallback.ReplacementFallback, new Windows1252Fallback());

    /// <summary>The encoding of the text, the length of its byte order mark, and the name reported to the user.</summary>
    public static (Encoding Encoding, int BomLength, string Name) Detect(ReadOnlySpan<byte> prefix, bool wholeFile)
    {
        if (prefix.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return (new UTF8Encoding(false), 3, "utf-8");
        }

        if (prefix.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]))
        {
            return (new UTF32Encoding(bigEndian: false, byteOrderMark: false), 4, "utf-32");
        }

        if (prefix.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return (new UnicodeEncoding(bigEndian: false, byteOrderMark: false), 2, "utf-16");
        }

        if (prefix.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return (new UnicodeEncoding(bigEndian: true, byteOrderMark: false), 2, "utf-16BE");
        }

        // No BOM: UTF-8 when the prefix is valid UTF-8 (a sequence cut by the end of the prefix does not count), else
        // Windows-1252, what Excel and most Brazilian ERPs write. A file whose prefix is plain ASCII may still carry
        // Windows-1252 bytes further on: the UTF-8 decoder reads those as Windows-1252 instead of replacing them.
        return Utf8.IsValid(wholeFile ? prefix : prefix[..CompleteUtf8Length(prefix)])
            ? (Utf8OrWindows1252, 0, "utf-8")
            : (Windows1252, 0, "windows-1252");
    }

    /// <summary>The length of the prefix without a trailing UTF-8 sequence that the prefix's end cuts.</summary>
    private static int CompleteUtf8Length(ReadOnlySpan<byte> prefix)
    {
        for (var back = 1; back <= Math.Min(3, prefix.Length); back++)
        {
            var b = prefix[^back];
            if (b < 0x80)
            {
                return prefix.Length; // ASCII: nothing is cut
            }

            if (b >= 0xC0)
            {
                var needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return needed > back ? prefix.Length - back : prefix.Length;
            }
        }

        return prefix.Length;
    }

    /// <summary>Decodes each byte that is not valid UTF-8 as the Windows-1252 character it would be.</summary>
    private sealed class Windows1252Fallback : DecoderFallback
    {
        // The UTF-8 decoder hands over at most the 3 bytes of one ill-formed sequence; each is one character here.
        public override int MaxCharCount => 4;

        public override DecoderFallbackBuffer CreateFallbackBuffer() => new Buffer();

        private sealed class Buffer : DecoderFallbackBuffer
        {
            private char[] chars = new char[4];
            private int count;
            private int next;

            public override int Remaining => count - next;

            public override bool Fallback(byte[] bytesUnknown, int index)
            {
                if (bytesUnknown.Length > chars.Length)
                {
                    chars = new char[bytesUnknown.Length];
                }

                count = Windows1252.GetChars(bytesUnknown, 0, bytesUnknown.Length, chars, 0);
                next = 0;
                return count > 0;
            }

            public override char GetNextChar() => next < count ? chars[next++] : '\0';

            public override bool MovePrevious()
            {
                if (next == 0)
                {
                    return false;
                }

                next--;
                return true;
            }

            public override void Reset() => count = next = 0;
        }
    }
}

/// <summary>Replays the bytes already read for detection, then reads on from the source. Does not own the source.</summary>
internal sealed class PrefixedStream(byte[] prefix, int start, int length, Stream source) : Stream
{
    private int offset = start;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (offset < length)
        {
            var n = Math.Min(buffer.Length, length - offset);
            prefix.AsSpan(offset, n).CopyTo(buffer);
            offset += n;
            return n;
        }

        return source.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (offset < length)
        {
            return ValueTask.FromResult(Read(buffer.Span));
        }

        return source.ReadAsync(buffer, cancellationToken);
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
