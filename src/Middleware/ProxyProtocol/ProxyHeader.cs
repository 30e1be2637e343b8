using System.Buffers.Binary;
using System.Net.Sockets;

namespace EdgeProxy.Middleware.ProxyProtocol;

/// <summary>
/// A parsed PROXY header, as a value that holds no reference (parsing allocates nothing): addresses as numbers (IPv4 in
/// the low 32 bits; an IPv4-mapped IPv6 address is stored as the IPv4 address it maps), TLVs as offsets into the header's
/// bytes. <see cref="Source"/> and <see cref="Destination"/> make the objects the connection then keeps.
/// </summary>
public readonly struct ProxyHeader
{
    internal ProxyHeader(int version, int length, bool local, AddressFamily family, UInt128 source, int sourcePort, UInt128 destination, int destinationPort, (int Start, int Length) authority, (int Start, int Length) alpn)
    {
        Version = version;
        Length = length;
        IsLocal = local;
        Family = family;
        SourceAddress = source;
        SourcePort = sourcePort;
        DestinationAddress = destination;
        DestinationPort = destinationPort;
        AuthorityRange = authority;
        AlpnRange = alpn;
    }

    /// <summary>1 (text) or 2 (binary).</summary>
    public int Version { get; }

    /// <summary>The header's own bytes, signature included; what follows belongs to the client (TLS, HTTP).</summary>
    public int Length { get; }

    /// <summary>v2 <c>LOCAL</c>: the balancer speaking for itself (health checks); no addresses.</summary>
    public bool IsLocal { get; }

    /// <summary>
    /// <see cref="AddressFamily.InterNetwork"/> or <see cref="AddressFamily.InterNetworkV6"/> when the header carries
    /// addresses; <see cref="AddressFamily.Unspecified"/> for <c>LOCAL</c>, v1 <c>UNKNOWN</c>, v2 <c>AF_UNSPEC</c> and
    /// <c>AF_UNIX</c> (the connection keeps the balancer's address).
    /// </summary>
    public AddressFamily Family { get; }

    public UInt128 SourceAddress { get; }

    public int SourcePort { get; }

    public UInt128 DestinationAddress { get; }

    public int DestinationPort { get; }

    /// <summary>Offset and length of the <c>PP2_TYPE_AUTHORITY</c> value within the header's bytes (length 0: none).</summary>
    public (int Start, int Length) AuthorityRange { get; }

    /// <summary>Offset and length of the <c>PP2_TYPE_ALPN</c> value within the header's bytes (length 0: none).</summary>
    public (int Start, int Length) AlpnRange { get; }

    public bool HasAddresses => Family != AddressFamily.Unspecified;

    public IPEndPoint? Source => HasAddresses ? new IPEndPoint(ToAddress(Family, SourceAddress), SourcePort) : null;

    public IPEndPoint? Destination => HasAddresses ? new IPEndPoint(ToAddress(Family, DestinationAddress), DestinationPort) : null;

    private static IPAddress ToAddress(AddressFamily family, UInt128 value)
    {
        if (family == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(v4, (uint)value);
            return new IPAddress(v4);
        }

        Span<byte> v6 = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(v6, value);
        return new IPAddress(v6);
    }
}
