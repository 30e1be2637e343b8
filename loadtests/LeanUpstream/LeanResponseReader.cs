using System.Text;

namespace LeanUpstream;

/// <summary>
/// Reads a response's status line and headers from the connection (line by line, so a head split across receives is
/// fine), and returns the response with a <see cref="LeanResponseStream"/> body framed as the headers say.
/// </summary>
internal static class LeanResponseReader
{
    public static async ValueTask<HttpResponseMessage> ReadAsync(LeanConnection connection, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var head = new HeadState(new LeanResponseStream(connection));
        // Interim 1xx responses (100 Continue, 103 Early Hints) are skipped: YARP forwards the final one.
        do
        {
            head.Begin(ParseStatusLine(connection.TakeLine(await connection.ReadLineAsync(cancellationToken))), request);
            while (ParseHeaderLine(connection.TakeLine(await connection.ReadLineAsync(cancellationToken)), connection, head))
            {
            }
        }
        while (head.Status < 200);

        var noBody = request.Method == HttpMethod.Head || head.Status is 204 or 304;
        head.Body.Start(!noBody, head.Chunked, head.ContentLength);
        return head.Response!;
    }

    private static (int Status, int Minor, string? Reason) ParseStatusLine(ReadOnlySpan<byte> line)
    {
        // "HTTP/1.x SSS reason"; the reason is kept only when it is not the standard one.
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' ' || (line.Length > 12 && line[12] != (byte)' ')
            || !int.TryParse(line.Slice(9, 3), out var status) || status < 100)
        {
            throw new HttpRequestException(HttpRequestError.InvalidResponse, $"Invalid status line '{Encoding.Latin1.GetString(line)}'.");
        }

        if (status == 101)
        {
            throw new HttpRequestException(HttpRequestError.InvalidResponse, "The prototype does not support protocol upgrades (101 Switching Protocols).");
        }

        var reason = line.Length > 13 ? line[13..] : default;
        var standard = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        return (status, line[7] - '0', reason.IsEmpty || Ascii.Equals(reason, standard) ? null : Encoding.Latin1.GetString(reason));
    }

    /// <summary>Adds one header to the response; false at the empty line that ends the head.</summary>
    private static bool ParseHeaderLine(ReadOnlySpan<byte> line, LeanConnection connection, HeadState head)
    {
        if (line.IsEmpty)
        {
            return false;
        }

        var colon = line.IndexOf((byte)':');
        // No folded lines (obsolete) and no whitespace before the colon (RFC 9112 §5.1: reject).
        if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t' || line[colon - 1] is (byte)' ' or (byte)'\t')
        {
            throw new HttpRequestException(HttpRequestError.InvalidResponse, $"Invalid header line '{Encoding.Latin1.GetString(line)}'.");
        }

        var nameBytes = line[..colon];
        var valueBytes = line[(colon + 1)..].Trim(" \t"u8);
        var known = LeanKnownHeaders.Find(nameBytes);
        switch (known)
        {
            case LeanKnownHeaders.ContentLength:
                if (head.ContentLength >= 0 || !long.TryParse(valueBytes, out head.ContentLength) || head.ContentLength < 0)
                {
                    throw new HttpRequestException(HttpRequestError.InvalidResponse, "Invalid or repeated Content-Length in the response.");
                }

                break;
            case LeanKnownHeaders.TransferEncoding:
                // Chunked must be the last coding; anything else leaves the body to end with the connection.
                head.Chunked = valueBytes.Length >= 7 && Ascii.EqualsIgnoreCase(valueBytes[^7..], "chunked"u8);
                break;
            case LeanKnownHeaders.Connection:
                if (LeanKnownHeaders.HasToken(valueBytes, "close"u8))
                {
                    head.Body.KeepAlive = false;
                }
                else if (LeanKnownHeaders.HasToken(valueBytes, "keep-alive"u8))
                {
                    head.Body.KeepAlive = true;
                }

                break;
        }

        var name = known >= 0 ? LeanKnownHeaders.Names[known] : Encoding.Latin1.GetString(nameBytes);
        var value = LeanKnownHeaders.Value(connection, known, valueBytes);
        var response = head.Response!;
        if ((known >= 0 && LeanKnownHeaders.IsContentHeader[known]) || !response.Headers.TryAddWithoutValidation(name, value))
        {
            response.Content.Headers.TryAddWithoutValidation(name, value);
        }

        return true;
    }

    private sealed class HeadState(LeanResponseStream body)
    {
        public LeanResponseStream Body { get; } = body;

        public HttpResponseMessage? Response { get; private set; }

        public int Status { get; private set; }

        public bool Chunked { get; set; }

        // A field, so the parser can TryParse into it.
        public long ContentLength = -1;

        public void Begin((int Status, int Minor, string? Reason) line, HttpRequestMessage request)
        {
            Status = line.Status;
            Chunked = false;
            ContentLength = -1;
            // HTTP/1.0 closes after the response unless it says keep-alive.
            Body.KeepAlive = line.Minor >= 1;
            Response = new HttpResponseMessage((HttpStatusCode)line.Status)
            {
                Version = line.Minor >= 1 ? HttpVersion.Version11 : HttpVersion.Version10,
                ReasonPhrase = line.Reason,
                RequestMessage = request,
                Content = new LeanResponseContent(Body),
            };
        }
    }
}
