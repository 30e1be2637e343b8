using System.Buffers;
using System.Net.Security;
using System.Text;

namespace EdgeProxy.Tls;

/// <summary>
/// The two things of a ClientHello the server-certificate sources need before the handshake: the server name (SNI,
/// RFC 6066) and the ALPN list (RFC 7301). Parsed from the raw TLS records Kestrel hands over; anything malformed is
/// simply "no name, no protocols" (the handshake itself then judges it).
/// </summary>
internal sealed record TlsClientHello(string? ServerName, IReadOnlyList<SslApplicationProtocol> ApplicationProtocols)
{
    public static readonly TlsClientHello Empty = new(null, []);

    public static TlsClientHello Parse(ReadOnlySequence<byte> records)
    {
        try
        {
            return ParseHandshake(Handshake(records.ToArray()));
        }
        catch (IndexOutOfRangeException)
        {
            return Empty;
        }
        catch (ArgumentException)
        {
            return Empty;
        }
    }

    /// <summary>The handshake bytes, with the 5-byte record headers of each handshake record taken out.</summary>
    private static byte[] Handshake(byte[] data)
    {
        var handshake = new List<byte>(data.Length);
        var at = 0;
        while (at + 5 <= data.Length && data[at] == 22)
        {
            var length = (data[at + 3] << 8) | data[at + 4];
            handshake.AddRange(data.AsSpan(at + 5, Math.Min(length, data.Length - at - 5)).ToArray());
            at += 5 + length;
        }

        return [.. handshake];
    }

    private static TlsClientHello ParseHandshake(byte[] h)
    {
        if (h.Length < 4 || h[0] != 1)
        {
            return Empty;
        }

        var at = 4 + 2 + 32; // handshake header, client_version, random
        at += 1 + h[at]; // session_id
        at += 2 + ((h[at] << 8) | h[at + 1]); // cipher_suites
        at += 1 + h[at]; // compression_methods
        if (at + 2 > h.Length)
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
            var body = h.AsSpan(at + 4, length);
            at += 4 + length;
            if (type == 0 && body.Length >= 5 && body[2] == 0)
            {
                var nameLength = (body[3] << 8) | body[4];
                serverName = Encoding.ASCII.GetString(body.Slice(5, nameLength));
            }
            else if (type == 16 && body.Length >= 2)
            {
                var list = body[2..];
                while (list.Length > 0)
                {
                    var protocolLength = list[0];
                    protocols.Add(new SslApplicationProtocol(list.Slice(1, protocolLength).ToArray()));
                    list = list[(1 + protocolLength)..];
                }
            }
        }

        return new TlsClientHello(serverName, protocols);
    }
}
