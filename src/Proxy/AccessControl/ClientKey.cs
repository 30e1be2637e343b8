using System.Buffers.Binary;

namespace EdgeProxy.AccessControl;

/// <summary>
/// A client as the brute-force lockout and the rate limits count it: its IP as one 128-bit number (IPv4 as
/// <c>::ffff:a.b.c.d</c>), cut to <c>EdgeProxy:AccessControl:IPv6Prefix</c> or <c>IPv4Prefix</c>, for allocation-free
/// per-client tables. With the defaults an IPv6 client is its /64 (wrong passwords from every address of one end site
/// add up) and an IPv4 client its address.
/// </summary>
internal sealed class ClientKey
{
    private const ulong MappedIPv4 = 0xFFFF_0000_0000UL;
    private readonly UInt128 _ipv6Mask;
    private readonly uint _ipv4Mask;

    public ClientKey(AccessControlOptions options)
    {
        // Validated at start (AccessControlOptionsValidator); a shift out of range would silently mask nothing.
        if (options.IPv6Prefix is < 1 or > 128 || options.IPv4Prefix is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"prefixes /{options.IPv6Prefix} and /{options.IPv4Prefix} are out of range");
        }

        _ipv6Mask = UInt128.MaxValue << (128 - options.IPv6Prefix);
        _ipv4Mask = uint.MaxValue << (32 - options.IPv4Prefix);
    }

    public UInt128 From(IPAddress? address)
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

        var value = written == 4
            ? new UInt128(0, MappedIPv4 | BinaryPrimitives.ReadUInt32BigEndian(bytes))
            : BinaryPrimitives.ReadUInt128BigEndian(bytes);

        // An IPv4-mapped IPv6 address is the IPv4 client it maps.
        return value >> 32 == MappedIPv4 >> 32
            ? new UInt128(0, MappedIPv4 | ((uint)value & _ipv4Mask))
            : value & _ipv6Mask;
    }
}
