namespace EdgeProxy.ProxyProtocol;

/// <summary><c>EdgeProxy:ProxyProtocol</c>: which public listeners sit behind a TCP load balancer that sends a PROXY header.</summary>
internal sealed class ProxyProtocolOptions
{
    public const string SectionName = "EdgeProxy:ProxyProtocol";

    /// <summary>Names of <c>Kestrel:Endpoints</c> entries on which every connection must start with a PROXY header (v1 or v2).</summary>
    public List<string> Endpoints { get; set; } = [];

    /// <summary>
    /// The balancers' addresses (CIDR). Required with <see cref="Endpoints"/>: a header is believed only from them, since
    /// anyone else reaching the port could name any source address.
    /// </summary>
    public List<string> TrustedSenders { get; set; } = [];

    /// <summary>How long a connection may take to send its whole header; then it is closed.</summary>
    public TimeSpan HeaderTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
