using System.Buffers;
using System.Net.Security;
using System.Text;

namespace EdgeProxy.Tls;

/// <summary>
/// The two things of a ClientHello the server-certificate sources need before the handshake: the server name (SNI,
/// RFC 6066) and the ALPN list (RFC 7301). Read from the first TLS records, across as many records as the client split
/// the hello into; anything malformed keeps what was read before it (the handshake itself then judges the bytes).
/// </summary>
internal sealed record TlsClientHello(string? ServerName, IReadOnlyList<SslApplicationProtocol> ApplicationProtocols)
{
    public static readonly TlsClientHello Empty = new(null, []);

    /// <summary>A TLS record's plaintext is at most 2^14 bytes (RFC 8446 5.1); a longer one is no ClientHello.</summary>
    internal const int MaxRecordLength = 16384;

    /// <summary>ALPN names read from a hello, at most (the ones after are not looked at).</summary>
    internal const int MaxApplicationProtocols = 16;

    /// <summary>How much is read before giving up on a hello: two full records, far beyond any real (even post-quantum) hello.</summary>
    internal const int MaxBytes = 2 * (5 + MaxRecordLength);

    /// <summary>
    /// Whether <paramref name="buffer"/> holds all that will be read of the hello: the whole first handshake message, or
    /// bytes that are no hello (then <see cref="Empty"/>, or what was read before them). False: read more. For bytes
    /// arriving in pieces, <see cref="TlsClientHelloReader"/> takes each piece once.
    /// </summary>
    public static bool TryRead(ReadOnlySequence<byte> buffer, out TlsClientHello hello) => new TlsClientHelloReader().TryRead(buffer, out hello);

    /// <summary>The name and protocols of a ClientHello handshake message (bounds-checked: what a cut or bad field leaves is kept).</summary>
    internal static TlsClientHello Parse(ReadOnlySpan<byte> h)
    {
        if (h.Length < 4 || h[0] != 1)
        {
            return Empty;
        }

        var at = 4 + 2 + 32; // handshake header, client_version, random
        if (!Skip(h, ref at, 1) || !Skip(h, ref at, 2) || !Skip(h, ref at, 1) || at + 2 > h.Length) // session_id, cipher_suites, compression_methods
        {
            return Empty;
        }

        var end = Math.Min(h.Length, at + 2 + ((h[at] << 8) | h[at + 1]));
        at += 2;
        string? serverName = null;
        var protocols = new List<SslApplicationProtocol>();
        while (at + 4 <= end)
        {
            var type = (h[at] << 8) | h[at + 1];
            var length = (h[at + 2] << 8) | h[at + 3];
            if (at + 4 + length > end)
            {
                break;
            }

            var body = h.Slice(at + 4, length);
            at += 4 + length;
            if (type == 0 && body.Length >= 5 && body[2] == 0)
            {
                var nameLength = (body[3] << 8) | body[4];
                if (5 + nameLength <= body.Length)
                {
                    // One trailing dot (an absolute name) is the same host.
                    serverName = Encoding.ASCII.GetString(body.Slice(5, nameLength)).TrimEnd('.');
                }
            }
            else if (type == 16 && body.Length >= 2)
            {
                var list = body[2..];
                // Kept to the first few: real clients offer two or three, and a hello of a thousand one-byte names
                // would otherwise cost a thousand objects per handshake.
                while (list.Length > 0 && 1 + list[0] <= list.Length && protocols.Count < MaxApplicationProtocols)
                {
                    if (list[0] > 0)
                    {
                        protocols.Add(new SslApplicationProtocol(list.Slice(1, list[0]).ToArray()));
                    }

                    list = list[(1 + list[0])..];
                }
            }
        }

        return new TlsClientHello(serverName, protocols);
    }

    /// <summary>Moves past a field that starts with its length in <paramref name="lengthBytes"/> bytes.</summary>
    private static bool Skip(ReadOnlySpan<byte> h, ref int at, int lengthBytes)
    {
        if (at + lengthBytes > h.Length)
        {
            return false;
        }

        var length = lengthBytes == 1 ? h[at] : (h[at] << 8) | h[at + 1];
        at += lengthBytes + length;
        return at <= h.Length;
    }
}
