using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.OriginPulls;

/// <summary>A public connection's verdict on its client certificate: missing until the TLS handshake judges one.</summary>
internal sealed class OriginPullVerification : IPeerVerificationFeature
{
    public PeerVerification Verification { get; set; } = PeerVerification.Missing;
}
