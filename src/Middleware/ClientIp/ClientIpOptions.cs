namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// Which headers carry the client IP and what else a trusted peer vouches for. Who is trusted is the
/// <see cref="TrustedNetworkRegistry"/>'s business; the host names the headers of the network in front of it.
/// </summary>
public sealed class ClientIpOptions
{
    /// <summary>The header a trusted peer puts the client IP in (required).</summary>
    public string Header { get; set; } = "";

    /// <summary>Used instead when <see cref="Header"/> holds a Pseudo-IPv4 address (240.0.0.0/4) standing for an IPv6 client; null: none.</summary>
    public string? Ipv6Header { get; set; }

    /// <summary>
    /// The header that names the party (e.g. the zone of an edge Worker) on whose behalf a trusted peer relays a request;
    /// null: none. A request carrying it with a value outside <see cref="WorkerZones"/> is treated as coming from an
    /// untrusted peer: such a party chooses the client IP and the peer's other headers itself.
    /// </summary>
    public string? WorkerHeader { get; set; }

    /// <summary>The <see cref="WorkerHeader"/> values (exact, any case) whose requests are believed.</summary>
    public List<string> WorkerZones { get; set; } = [];

    /// <summary>The prefix of header names only a trusted peer may send (its own headers, e.g. <c>cf-</c>); null: none.</summary>
    public string? TrustedPeerHeaderPrefix { get; set; }
}
