using System.Collections.Concurrent;
using System.Net.Security;

namespace EdgeProxy.Acme;

/// <summary>What the CA may ask for right now: HTTP-01 key authorizations by token, TLS-ALPN-01 certificates by name.</summary>
internal sealed class AcmeChallenges
{
    private readonly ConcurrentDictionary<string, string> _httpTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SslStreamCertificateContext> _alpnCertificates = new(StringComparer.OrdinalIgnoreCase);

    public void AddHttpToken(string token, string keyAuthorization) => _httpTokens[token] = keyAuthorization;

    public void RemoveHttpToken(string token) => _httpTokens.TryRemove(token, out _);

    public string? HttpKeyAuthorization(string token) => _httpTokens.TryGetValue(token, out var value) ? value : null;

    public void AddAlpnCertificate(string name, SslStreamCertificateContext context) => _alpnCertificates[name] = context;

    public void RemoveAlpnCertificate(string name) => _alpnCertificates.TryRemove(name, out _);

    public SslStreamCertificateContext? AlpnCertificate(string name) => _alpnCertificates.TryGetValue(name, out var value) ? value : null;

    public bool HasAlpnCertificates => !_alpnCertificates.IsEmpty;
}
