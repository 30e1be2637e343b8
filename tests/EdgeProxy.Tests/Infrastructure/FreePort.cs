using System.Net;
using System.Net.Sockets;

namespace EdgeProxy.Tests.Infrastructure;

public static class FreePort
{
    /// <summary>A loopback port that was free a moment ago (for the few configs that must name a port before start).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
