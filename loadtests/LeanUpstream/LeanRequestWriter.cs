using System.Text;

namespace LeanUpstream;

/// <summary>
/// Writes a request's head (request line, Host, headers) straight into the connection's write buffer as Latin-1 bytes,
/// with no intermediate strings, and says how the body is framed.
/// </summary>
internal static class LeanRequestWriter
{
    /// <summary>No body at all (no Content-Length, no Transfer-Encoding).</summary>
    public const long NoBody = -2;

    /// <summary>A body of unknown length, sent chunked.</summary>
    public const long Chunked = -1;

    /// <summary>Returns the head's length in <see cref="LeanConnection.WriteBuffer"/>; <paramref name="bodyLength"/> is the
    /// body's Content-Length, <see cref="Chunked"/> or <see cref="NoBody"/>.</summary>
    public static int WriteHead(LeanConnection connection, HttpRequestMessage request, Uri uri, out long bodyLength)
    {
        var position = 0;
        Append(connection, ref position, request.Method.Method);
        Append(connection, ref position, " ");
        Append(connection, ref position, uri.PathAndQuery);
        Append(connection, ref position, " HTTP/1.1\r\n");

        if (!request.Headers.NonValidated.Contains("Host"))
        {
            // YARP leaves Host unset unless a transform keeps the client's: the destination's authority then.
            Append(connection, ref position, "Host: ");
            Append(connection, ref position, uri.Host);
            if (!uri.IsDefaultPort)
            {
                Append(connection, ref position, ":");
                var buffer = connection.GrowWriteBuffer(position, position + 11);
                uri.Port.TryFormat(buffer.AsSpan(position), out var written, provider: null);
                position += written;
            }

            Append(connection, ref position, "\r\n");
        }

        foreach (var header in request.Headers.NonValidated)
        {
            if (!IsHopByHop(header.Key))
            {
                AppendHeader(connection, ref position, header.Key, header.Value);
            }
        }

        bodyLength = NoBody;
        if (request.Content is { } content)
        {
            bodyLength = Chunked;
            foreach (var header in content.Headers.NonValidated)
            {
                if (string.Equals(header.Key, "Content-Length", StringComparison.OrdinalIgnoreCase))
                {
                    // Malformed or repeated lengths are refused, not guessed at.
                    if (header.Value.Count != 1 || !long.TryParse(header.Value.ToString(), out bodyLength) || bodyLength < 0)
                    {
                        throw new HttpRequestException("The request's Content-Length is not a single non-negative number.");
                    }
                }

                if (!IsHopByHop(header.Key))
                {
                    AppendHeader(connection, ref position, header.Key, header.Value);
                }
            }

            if (bodyLength == Chunked)
            {
                Append(connection, ref position, "Transfer-Encoding: chunked\r\n");
            }
        }
        else if (request.Method == HttpMethod.Post || request.Method == HttpMethod.Put || request.Method == HttpMethod.Patch)
        {
            // YARP sends no content for an empty body; these methods still need a length, or servers answer 411.
            Append(connection, ref position, "Content-Length: 0\r\n");
        }

        Append(connection, ref position, "\r\n");
        return position;
    }

    // YARP drops hop-by-hop headers already; should a transform add one, the connection and framing stay this handler's.
    private static bool IsHopByHop(string name) =>
        string.Equals(name, "Connection", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "Keep-Alive", StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase);

    private static void AppendHeader(LeanConnection connection, ref int position, string name, HeaderStringValues values)
    {
        Append(connection, ref position, name);
        Append(connection, ref position, ": ");
        // Several values of one header go on one line; cookies are joined the way a Cookie header is written.
        var separator = string.Equals(name, "Cookie", StringComparison.OrdinalIgnoreCase) ? "; " : ", ";
        var first = true;
        foreach (var value in values)
        {
            // A CR or LF in a value would let it inject headers or a second request.
            if (value.AsSpan().ContainsAny('\r', '\n'))
            {
                throw new HttpRequestException($"The request header '{name}' contains a line break.");
            }

            if (!first)
            {
                Append(connection, ref position, separator);
            }

            Append(connection, ref position, value);
            first = false;
        }

        Append(connection, ref position, "\r\n");
    }

    private static void Append(LeanConnection connection, ref int position, string text)
    {
        // Latin-1 is one byte per char, so the length is known before encoding; characters above U+00FF become '?'.
        var buffer = connection.GrowWriteBuffer(position, position + text.Length);
        position += Encoding.Latin1.GetBytes(text, buffer.AsSpan(position));
    }
}
