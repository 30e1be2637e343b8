using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace EdgeProxy.Tests.Middleware.ProxyProtocol;

/// <summary>PROXY headers as a balancer sends them, built byte by byte from the specification (HAProxy's proxy-protocol.txt).</summary>
internal static class ProxyHeaderBytes
{
    public static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    public static byte[] V1(string line) => Encoding.ASCII.GetBytes(line);

    /// <summary>Signature, version/command, family/transport, length, then <paramref name="payload"/> (addresses and TLVs).</summary>
    public static byte[] V2(byte versionCommand, byte familyTransport, byte[] payload, int? declaredLength = null)
    {
        var bytes = new byte[16 + payload.Length];
        V2Signature.CopyTo(bytes, 0);
        bytes[12] = versionCommand;
        bytes[13] = familyTransport;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(14), (ushort)(declaredLength ?? payload.Length));
        payload.CopyTo(bytes, 16);
        return bytes;
    }

    public static byte[] Tlv(byte type, byte[] value)
    {
        var bytes = new byte[3 + value.Length];
        bytes[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), (ushort)value.Length);
        value.CopyTo(bytes, 3);
        return bytes;
    }

    /// <summary>A v2 <c>PROXY</c> header for TCP from <paramref name="source"/> to <paramref name="destination"/> (IPv4 or IPv6 by the addresses' family).</summary>
    public static byte[] V2Tcp(IPEndPoint source, IPEndPoint destination, params byte[][] tlvs)
    {
        var v6 = source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        var payload = new List<byte>();
        payload.AddRange(source.Address.GetAddressBytes());
        payload.AddRange(destination.Address.GetAddressBytes());
        payload.AddRange(Port(source.Port));
        payload.AddRange(Port(destination.Port));
        foreach (var tlv in tlvs)
        {
            payload.AddRange(tlv);
        }

        return V2(0x21, v6 ? (byte)0x21 : (byte)0x11, [.. payload]);
    }

    /// <summary>v2 <c>LOCAL</c> as HAProxy sends it for its health checks: family AF_UNSPEC, no addresses.</summary>
    public static byte[] V2Local() => V2(0x20, 0x00, []);

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Port(int port) => [(byte)(port >> 8), (byte)port];
}
