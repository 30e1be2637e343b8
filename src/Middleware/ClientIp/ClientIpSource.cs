namespace EdgeProxy.Middleware.ClientIp;

/// <summary>Where a request's client IP came from: the client-IP middleware's verdict, for logs and metrics.</summary>
public enum ClientIpSource
{
    /// <summary>A trusted peer stated it in the client-IP header.</summary>
    Header,

    /// <summary>A trusted peer sent no client-IP header: the peer is the client.</summary>
    Peer,

    /// <summary>The peer is outside the trusted networks: the peer is the client, whatever it sent.</summary>
    UntrustedPeer,

    /// <summary>A trusted peer sent an empty, repeated, list-valued or invalid header: the peer is the client.</summary>
    MalformedHeader,

    /// <summary>A trusted peer relayed a Worker of a zone not in <c>WorkerZones</c>: the peer is the client.</summary>
    WorkerRefused,

    /// <summary>A peer inside the trusted networks did not prove itself on its connection (no valid client certificate).</summary>
    UnverifiedPeer,
}
