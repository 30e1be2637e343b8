using System.Buffers.Binary;

namespace EdgeProxy.Middleware.ClientIp;

public static class NetworkBounds
{
    /// <summary>First and last address of <paramref name="network"/> as numbers (IPv4 in the low 32 bits), for interval arithmetic.</summary>
    public static (UInt128 First, UInt128 Last) Bounds(this IPNetwork2 network) => (ToUInt128(network.Network), ToUInt128(network.Last));

    private static UInt128 ToUInt128(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        return written == 4 ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}
