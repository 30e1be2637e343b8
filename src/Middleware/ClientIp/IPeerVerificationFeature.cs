namespace EdgeProxy.Middleware.ClientIp;

/// <summary>
/// Set on a connection by the host when its peers must prove themselves (e.g. Authenticated Origin Pulls). While it is
/// present and not <see cref="PeerVerification.Verified"/>, no client-IP header on that connection is believed, even
/// from a trusted address. Connections without it are judged on their address alone.
/// </summary>
public interface IPeerVerificationFeature
{
    PeerVerification Verification { get; }
}
