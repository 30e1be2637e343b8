namespace EdgeProxy.Middleware.ClientIp;

internal sealed class ClientIpFeature(IPAddress peer, ClientIpSource source) : IClientIpFeature
{
    public IPAddress Peer { get; } = peer;

    public ClientIpSource Source { get; } = source;
}
