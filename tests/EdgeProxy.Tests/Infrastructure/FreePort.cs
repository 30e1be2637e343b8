using System.Net;
using System.Net.Sockets;

namespace EdgeProxy.Tests.Infrastructure;

public static class FreePort
{
    // Below the kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768–60999 by default), from which it hands
    // out every port-0 listener and every outgoing connection's port: a port picked there can be taken by some other
    // socket between this check and the proxy process binding it (CI once saw a proxy come up ready, then refuse on
    // its picked HTTP port). Picked from a counter, two calls in this test process never collide. Where the range
    // leaves no room below it, the kernel picks (as before).
    private const int Count = 12000;
    private static readonly int? First = EphemeralRangeStart() is { } start && start - Count >= 10000 ? start - Count : null;
    private static int s_next = Random.Shared.Next(Count);

    /// <summary>A loopback port that was free a moment ago (for the few configs that must name a port before start).</summary>
    public static int Next()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = First is { } first ? first + (int)((uint)Interlocked.Increment(ref s_next) % Count) : 0;
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            catch (SocketException) when (attempt < Count)
            {
                // Taken (a fixed port of some service on this machine): try the next one.
            }
        }
    }

    private static int? EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
