using System.Net.Security;

namespace EdgeProxy.Common;

/// <summary>A certificate for one handshake; <paramref name="ApplicationProtocols"/> replaces the listener's ALPN list when set.</summary>
internal sealed record ServerCertificateChoice(SslStreamCertificateContext Context, List<SslApplicationProtocol>? ApplicationProtocols = null);
