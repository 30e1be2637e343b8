using System.Text;

namespace LeanUpstream;

/// <summary>
/// The response headers seen on almost every response, recognised from their bytes so their names need no new string,
/// and their values reused from the connection's previous response when unchanged (Server, Content-Type, even Date
/// within the same second), which is how a proxy in front of one backend avoids most header strings.
/// </summary>
internal static class LeanKnownHeaders
{
    public const int ContentLength = 0;
    public const int TransferEncoding = 1;
    public const int Connection = 2;

    public static readonly string[] Names =
    [
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Server", "Date", "Content-Type", "Cache-Control",
        "ETag", "Last-Modified", "Vary", "Expires", "Accept-Ranges", "Content-Encoding", "Location", "Set-Cookie",
    ];

    // Content headers go straight to the content's collection, without a failed attempt on the response's first.
    public static readonly bool[] IsContentHeader =
        [true, false, false, false, false, false, true, false, false, true, false, true, false, true, false, false];

    private static readonly byte[][] NameBytes = Array.ConvertAll(Names, Encoding.ASCII.GetBytes);

    /// <summary>The index of the header named by <paramref name="name"/> (any case), or -1.</summary>
    public static int Find(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < NameBytes.Length; i++)
        {
            if (NameBytes[i].Length == name.Length && Ascii.EqualsIgnoreCase(NameBytes[i], name))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The value as a string: the connection's last value of this known header if the bytes are the same.</summary>
    public static string Value(LeanConnection connection, int known, ReadOnlySpan<byte> value)
    {
        if (known < 0)
        {
            return Encoding.Latin1.GetString(value);
        }

        var last = connection.LastHeaderValues[known];
        if (last is not null && Ascii.Equals(value, last))
        {
            return last;
        }

        return connection.LastHeaderValues[known] = Encoding.Latin1.GetString(value);
    }

    /// <summary>Whether a comma-separated header value holds <paramref name="token"/> (any case).</summary>
    public static bool HasToken(ReadOnlySpan<byte> value, ReadOnlySpan<byte> token)
    {
        foreach (var range in value.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(value[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }
}
