using System.Buffers.Binary;
using System.Net.Sockets;

namespace EdgeProxy.Middleware.ProxyProtocol;

/// <summary>
/// The PROXY protocol header (HAProxy's specification, versions 1 and 2), parsed from the bytes a connection has sent so
/// far without allocating: the version is told by its signature, every length is checked against the bytes at hand and
/// the protocol's bounds, and anything the specification does not allow is <see cref="ProxyHeaderStatus.Malformed"/>.
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>The longest v1 line the specification allows (<c>PROXY TCP6</c> with the longest addresses and ports, CRLF included).</summary>
    public const int MaxV1Length = 107;

    /// <summary>
    /// The bound on a v2 header's length field (addresses and TLVs after the 16 fixed bytes). The protocol allows 65,535;
    /// balancers send the 36 bytes of two IPv6 addresses and a few small TLVs (AWS: the VPC endpoint id, Azure: the link
    /// id), so more than this is a broken or hostile sender, refused before its bytes are waited for.
    /// </summary>
    public const int MaxV2PayloadLength = 2048;

    public const int V2FixedLength = 16;

    public const byte TypeAlpn = 0x01;
    public const byte TypeAuthority = 0x02;

    private static ReadOnlySpan<byte> V1Signature => "PROXY "u8;

    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static ProxyHeaderStatus Parse(ReadOnlySpan<byte> data, out ProxyHeader header)
    {
        header = default;
        if (data.IsEmpty)
        {
            return ProxyHeaderStatus.Incomplete;
        }

        if (StartsWithPrefixOf(data, V2Signature))
        {
            return data.Length < V2Signature.Length ? ProxyHeaderStatus.Incomplete : ParseV2(data, out header);
        }

        if (StartsWithPrefixOf(data, V1Signature))
        {
            return data.Length < V1Signature.Length ? ProxyHeaderStatus.Incomplete : ParseV1(data, out header);
        }

        return ProxyHeaderStatus.Missing;
    }

    /// <summary>Whether <paramref name="data"/> and <paramref name="signature"/> agree on their common length.</summary>
    private static bool StartsWithPrefixOf(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var common = Math.Min(data.Length, signature.Length);
        return data[..common].SequenceEqual(signature[..common]);
    }

    private static ProxyHeaderStatus ParseV2(ReadOnlySpan<byte> data, out ProxyHeader header)
    {
        header = default;
        if (data.Length < V2FixedLength)
        {
            // The version, command and family bytes can already be wrong.
            return data.Length > 12 && data[12] >> 4 != 2 ? ProxyHeaderStatus.Malformed : ProxyHeaderStatus.Incomplete;
        }

        var versionCommand = data[12];
        if (versionCommand >> 4 != 2)
        {
            return ProxyHeaderStatus.Malformed;
        }

        var command = versionCommand & 0x0F;
        if (command > 1)
        {
            return ProxyHeaderStatus.Malformed;
        }

        var payloadLength = BinaryPrimitives.ReadUInt16BigEndian(data[14..]);
        if (payloadLength > MaxV2PayloadLength)
        {
            return ProxyHeaderStatus.Oversized;
        }

        var length = V2FixedLength + payloadLength;
        if (data.Length < length)
        {
            return ProxyHeaderStatus.Incomplete;
        }

        var payload = data[V2FixedLength..length];
        if (command == 0)
        {
            // LOCAL: the receiver uses the real connection's endpoints and discards the block, whatever its family.
            header = new ProxyHeader(2, length, local: true, AddressFamily.Unspecified, 0, 0, 0, 0, default, default);
            return ProxyHeaderStatus.Complete;
        }

        int addressLength;
        AddressFamily family;
        switch (data[13])
        {
            case 0x00: // AF_UNSPEC: the balancer's own address stands
                addressLength = 0;
                family = AddressFamily.Unspecified;
                break;
            case 0x11: // TCP over IPv4
                addressLength = 12;
                family = AddressFamily.InterNetwork;
                break;
            case 0x21: // TCP over IPv6
                addressLength = 36;
                family = AddressFamily.InterNetworkV6;
                break;
            case 0x31: // a Unix socket on the balancer's side: no address to use
                addressLength = 216;
                family = AddressFamily.Unspecified;
                break;
            default: // datagrams, or values the specification says receivers must reject
                return ProxyHeaderStatus.Malformed;
        }

        if (payload.Length < addressLength)
        {
            return ProxyHeaderStatus.Malformed;
        }

        UInt128 source = 0, destination = 0;
        int sourcePort = 0, destinationPort = 0;
        if (family == AddressFamily.InterNetwork)
        {
            source = BinaryPrimitives.ReadUInt32BigEndian(payload);
            destination = BinaryPrimitives.ReadUInt32BigEndian(payload[4..]);
            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(payload[8..]);
            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(payload[10..]);
        }
        else if (family == AddressFamily.InterNetworkV6)
        {
            source = BinaryPrimitives.ReadUInt128BigEndian(payload);
            destination = BinaryPrimitives.ReadUInt128BigEndian(payload[16..]);
            sourcePort = BinaryPrimitives.ReadUInt16BigEndian(payload[32..]);
            destinationPort = BinaryPrimitives.ReadUInt16BigEndian(payload[34..]);
            family = NormalizeMapped(ref source, ref destination);
        }

        (int, int) authority = default, alpn = default;
        var offset = V2FixedLength + addressLength;
        while (offset < length)
        {
            // Each TLV: type (1), length (2, big-endian), value; the last one must end exactly at the header's end.
            if (length - offset < 3)
            {
                return ProxyHeaderStatus.Malformed;
            }

            var type = data[offset];
            var valueLength = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 1)..]);
            var valueStart = offset + 3;
            if (valueLength > length - valueStart)
            {
                return ProxyHeaderStatus.Malformed;
            }

            switch (type)
            {
                case TypeAlpn:
                case TypeAuthority:
                    // A host name (at most 255 bytes, RFC 1035) or a protocol id (at most 255, RFC 7301): printable ASCII,
                    // as both reach the access log.
                    if (valueLength > 255 || data.Slice(valueStart, valueLength).IndexOfAnyExceptInRange((byte)0x21, (byte)0x7E) >= 0)
                    {
                        return ProxyHeaderStatus.Malformed;
                    }

                    if (type == TypeAlpn)
                    {
                        alpn = (valueStart, valueLength);
                    }
                    else
                    {
                        authority = (valueStart, valueLength);
                    }

                    break;
                default:
                    // CRC32C, NOOP, UNIQUE_ID, SSL, NETNS and vendor TLVs: not needed here, skipped.
                    break;
            }

            offset = valueStart + valueLength;
        }

        header = new ProxyHeader(2, length, local: false, family, source, sourcePort, destination, destinationPort, authority, alpn);
        return ProxyHeaderStatus.Complete;
    }

    /// <summary>
    /// Both addresses IPv4-mapped (<c>::ffff:a.b.c.d</c>): stored as IPv4, as the rest of the client-IP code judges them.
    /// Only one mapped: both stay IPv6 (the header holds one family; the client-IP code reads a mapped source as IPv4).
    /// </summary>
    private static AddressFamily NormalizeMapped(ref UInt128 source, ref UInt128 destination)
    {
        if (IsMapped(source) && IsMapped(destination))
        {
            source = (uint)source;
            destination = (uint)destination;
            return AddressFamily.InterNetwork;
        }

        return AddressFamily.InterNetworkV6;
    }

    private static bool IsMapped(UInt128 address) => address >> 32 == 0xFFFF;

    private static ProxyHeaderStatus ParseV1(ReadOnlySpan<byte> data, out ProxyHeader header)
    {
        header = default;
        var window = data[..Math.Min(data.Length, MaxV1Length)];
        var end = window.IndexOf((byte)'\n');
        if (end < 0)
        {
            // No line end yet: wait, unless the line can no longer fit or holds a byte a header never has.
            if (window.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) is var bad and >= 0 && !(window[bad] == '\r' && bad == window.Length - 1))
            {
                return ProxyHeaderStatus.Malformed;
            }

            return data.Length >= MaxV1Length ? ProxyHeaderStatus.Oversized : ProxyHeaderStatus.Incomplete;
        }

        if (end == 0 || window[end - 1] != '\r')
        {
            return ProxyHeaderStatus.Malformed;
        }

        var line = window[V1Signature.Length..(end - 1)];
        var length = end + 1;
        if (line.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            return ProxyHeaderStatus.Malformed;
        }

        if (line.StartsWith("UNKNOWN"u8) && (line.Length == 7 || line[7] == ' '))
        {
            // The sender does not know the addresses; whatever follows up to CRLF is ignored (the balancer's address stands).
            header = new ProxyHeader(1, length, local: false, AddressFamily.Unspecified, 0, 0, 0, 0, default, default);
            return ProxyHeaderStatus.Complete;
        }

        AddressFamily family;
        if (line.StartsWith("TCP4 "u8))
        {
            family = AddressFamily.InterNetwork;
        }
        else if (line.StartsWith("TCP6 "u8))
        {
            family = AddressFamily.InterNetworkV6;
        }
        else
        {
            return ProxyHeaderStatus.Malformed;
        }

        // Exactly four fields, each separated by one space.
        var fields = line[5..];
        Span<Range> parts = stackalloc Range[4];
        var partStart = 0;
        for (var p = 0; p < 4; p++)
        {
            var space = fields[partStart..].IndexOf((byte)' ');
            if ((space < 0) != (p == 3))
            {
                return ProxyHeaderStatus.Malformed;
            }

            var partEnd = space < 0 ? fields.Length : partStart + space;
            parts[p] = partStart..partEnd;
            partStart = partEnd + 1;
        }

        UInt128 source, destination;
        if (family == AddressFamily.InterNetwork)
        {
            if (!TryParseIPv4(fields[parts[0]], out var s) || !TryParseIPv4(fields[parts[1]], out var d))
            {
                return ProxyHeaderStatus.Malformed;
            }

            (source, destination) = (s, d);
        }
        else
        {
            if (!TryParseIPv6(fields[parts[0]], out source) || !TryParseIPv6(fields[parts[1]], out destination))
            {
                return ProxyHeaderStatus.Malformed;
            }

            family = NormalizeMapped(ref source, ref destination);
        }

        if (!TryParsePort(fields[parts[2]], out var sourcePort) || !TryParsePort(fields[parts[3]], out var destinationPort))
        {
            return ProxyHeaderStatus.Malformed;
        }

        header = new ProxyHeader(1, length, local: false, family, source, sourcePort, destination, destinationPort, default, default);
        return ProxyHeaderStatus.Complete;
    }

    /// <summary>1 to 5 decimal digits up to 65535, without a leading zero (the specification's form).</summary>
    private static bool TryParsePort(ReadOnlySpan<byte> text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5 || (text[0] == '0' && text.Length > 1))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit((char)c))
            {
                return false;
            }

            port = (port * 10) + (c - '0');
        }

        return port <= 65535;
    }

    /// <summary>Dotted decimal, four parts of 0–255 without leading zeros (no octal, hex or short forms).</summary>
    internal static bool TryParseIPv4(ReadOnlySpan<byte> text, out uint address)
    {
        address = 0;
        var parts = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var value = 0;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]) && i - start < 3)
            {
                value = (value * 10) + (text[i] - '0');
                i++;
            }

            var digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text[start] == '0'))
            {
                return false;
            }

            address = (address << 8) | (uint)value;
            parts++;
            if (parts == 4)
            {
                return i == text.Length;
            }

            if (i >= text.Length || text[i] != '.')
            {
                return false;
            }

            i++;
        }
    }

    /// <summary>RFC 4291 text: eight hex groups, one <c>::</c> for a run of zero groups, an optional dotted IPv4 tail; no zone.</summary>
    internal static bool TryParseIPv6(ReadOnlySpan<byte> text, out UInt128 address)
    {
        address = 0;
        Span<ushort> groups = stackalloc ushort[8];
        var count = 0;
        var gap = -1;
        var i = 0;
        if (text.Length < 2)
        {
            return false;
        }

        if (text[0] == ':')
        {
            if (text[1] != ':')
            {
                return false;
            }

            gap = 0;
            i = 2;
        }

        while (i < text.Length)
        {
            var start = i;
            var value = 0;
            while (i < text.Length && char.IsAsciiHexDigit((char)text[i]) && i - start < 5)
            {
                value = (value << 4) | HexValue(text[i]);
                i++;
            }

            if (i < text.Length && text[i] == '.')
            {
                // The last 32 bits as dotted IPv4.
                if (count > 6 || !TryParseIPv4(text[start..], out var v4))
                {
                    return false;
                }

                groups[count++] = (ushort)(v4 >> 16);
                groups[count++] = (ushort)v4;
                i = text.Length;
                break;
            }

            var digits = i - start;
            if (digits is 0 or > 4 || count == 8)
            {
                return false;
            }

            groups[count++] = (ushort)value;
            if (i == text.Length)
            {
                break;
            }

            if (text[i] != ':')
            {
                return false;
            }

            i++;
            if (i < text.Length && text[i] == ':')
            {
                if (gap >= 0)
                {
                    return false;
                }

                gap = count;
                i++;
            }
            else if (i == text.Length)
            {
                return false; // a single trailing colon
            }
        }

        if (gap < 0 ? count != 8 : count > 7)
        {
            return false;
        }

        UInt128 result = 0;
        var zeros = 8 - count;
        for (var g = 0; g < count; g++)
        {
            var position = g < gap || gap < 0 ? g : g + zeros;
            result |= (UInt128)groups[g] << (16 * (7 - position));
        }

        address = result;
        return true;
    }

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
