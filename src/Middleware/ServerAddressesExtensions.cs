using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace EdgeProxy.Middleware;

public static class ServerAddressesExtensions
{
    /// <summary>The ports the HTTPS listeners are bound to, in listing order; known once the server has started (so port 0 works).</summary>
    public static IReadOnlyList<int> HttpsPorts(this IServer server) =>
    [
        .. (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Where(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            .Select(a => BindingAddress.Parse(a).Port)
            .Where(port => port > 0)
            .Distinct(),
    ];
}
