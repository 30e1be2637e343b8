namespace EdgeProxy.Middleware;

public static class IPAddressExtensions
{
    /// <summary>
    /// The IPv4 address of an IPv4-mapped IPv6 one (<c>::ffff:a.b.c.d</c>, how a dual-stack listener sees an IPv4 peer),
    /// else the address itself: every client-IP judgement, count and log line uses the one form.
    /// </summary>
    public static IPAddress Unmapped(this IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
