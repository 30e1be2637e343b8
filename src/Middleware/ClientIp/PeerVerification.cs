namespace EdgeProxy.Middleware.ClientIp;

/// <summary>Whether a connection's peer proved who it is (e.g. with a client certificate), beyond its address.</summary>
public enum PeerVerification
{
    /// <summary>No proof was offered.</summary>
    Missing,

    /// <summary>A proof was offered and did not hold.</summary>
    Refused,

    /// <summary>The peer proved itself.</summary>
    Verified,
}
