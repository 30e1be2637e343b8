using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Acme;

/// <summary>
/// TLS-ALPN-01 (RFC 8737): a self-signed certificate for the name carrying the key authorization's SHA-256 in the
/// critical id-pe-acmeIdentifier extension, shown only to a handshake that offers <c>acme-tls/1</c>.
/// </summary>
internal sealed class TlsAlpn01Responder(AcmeChallenges challenges) : IAcmeChallengeResponder
{
    public const string AcmeIdentifierOid = "1.3.6.1.5.5.7.1.31";

    public string Type => "tls-alpn-01";

    public Task PrepareAsync(string name, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        challenges.AddAlpnCertificate(name, SslStreamCertificateContext.Create(CreateCertificate(name, keyAuthorization), null, offline: true));
        return Task.CompletedTask;
    }

    public Task CleanupAsync(string name, string token, string keyAuthorization, CancellationToken cancellationToken)
    {
        challenges.RemoveAlpnCertificate(name);
        return Task.CompletedTask;
    }

    internal static X509Certificate2 CreateCertificate(string name, string keyAuthorization)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        var alternativeNames = new SubjectAlternativeNameBuilder();
        alternativeNames.AddDnsName(name);
        request.CertificateExtensions.Add(alternativeNames.Build());
        // The extension's value is the DER OCTET STRING of the digest (RFC 8737 §3).
        byte[] value = [0x04, 0x20, .. SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(keyAuthorization))];
        request.CertificateExtensions.Add(new X509Extension(new Oid(AcmeIdentifierOid), value, critical: true));
        // Real time, not the renewal clock: the CA looks at it now.
        var now = DateTimeOffset.UtcNow;
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(7));
    }
}
