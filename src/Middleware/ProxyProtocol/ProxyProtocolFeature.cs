namespace EdgeProxy.Middleware.ProxyProtocol;

public sealed class ProxyProtocolFeature(IPEndPoint loadBalancer, IPEndPoint? source, int version, bool isLocal, string? authority, string? alpn) : IProxyProtocolFeature
{
    public IPEndPoint LoadBalancer { get; } = loadBalancer;

    public IPEndPoint? Source { get; } = source;

    public int Version { get; } = version;

    public bool IsLocal { get; } = isLocal;

    public string? Authority { get; } = authority;

    public string? Alpn { get; } = alpn;
}
