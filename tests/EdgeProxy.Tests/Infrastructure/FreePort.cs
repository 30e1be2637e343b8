using System.Net;
using System.Net.Sockets;

namespace EdgeProxy.Tests.Infrastructure;

public static class FreePort
{
    // Below Linux's ephemeral range (32768–60999 by default), from which the kernel hands out every port-0 listener
    // and every outgoing connection's port: a port picked there can be taken by some other socket between this check
    // and the proxy process binding it (CI once saw a proxy come up ready, then refuse on its picked HTTP port).
    // Picked from a counter, two calls in this test process never collide.
    private const int First = 20000;
    private const int Count = 12000;
    private static int s_next = Random.Shared.Next(Count);

    /// <summary>A loopback port that was free a moment ago (for the few configs that must name a port before start).</summary>
    public static int Next()
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = First + (int)((uint)Interlocked.Increment(ref s_next) % Count);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException) when (attempt < Count)
            {
                // Taken (a fixed port of some service on this machine): try the next one.
            }
        }
    }
}
