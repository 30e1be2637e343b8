using System.Buffers.Binary;

namespace EdgeProxy.AccessControl;

/// <summary>A client IP as one 128-bit number (IPv4 as <c>::ffff:a.b.c.d</c>), for allocation-free per-client tables.</summary>
internal static class ClientKey
{
    public static UInt128 From(IPAddress? address)
    {
        if (address is null)
        {
            return UInt128.Zero;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
        {
            return UInt128.Zero;
        }

        return written == 4
            ? new UInt128(0, 0xFFFF_0000_0000UL | BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
