using System.Net.Security;

namespace EdgeProxy.Common;

/// <summary>
/// Certificates a feature serves on the public HTTPS listeners by server name (SNI), consulted in every handshake before
/// the listener's own certificate, which stays the answer for every name no source claims. Register with
/// <see cref="ExtensionPointExtensions.AddServerCertificateSource{T}"/>.
/// </summary>
internal interface IServerCertificateSource
{
    /// <summary>Read when the listeners bind: an inactive source costs the handshakes nothing.</summary>
    bool IsActive { get; }

    /// <summary>
    /// The certificate for this handshake, or null to leave it to the next source and then the listener. Called on the
    /// handshake path: a dictionary lookup, nothing more.
    /// </summary>
    /// <param name="serverName">The client's SNI, or null when it sent none.</param>
    /// <param name="applicationProtocols">The client's ALPN list (empty when it sent none).</param>
    ServerCertificateChoice? Choose(string? serverName, IReadOnlyList<SslApplicationProtocol> applicationProtocols);
}
