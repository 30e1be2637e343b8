using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>Real certificates made by the test with <see cref="CertificateRequest"/>, written as PEM files Kestrel loads.</summary>
public static class TestCertificates
{
    public sealed record PemFiles(string CertificatePath, string KeyPath, X509Certificate2 Certificate);

    /// <summary>A self-signed RSA certificate (so that ECDHE-RSA suites are negotiable and a refused one proves the policy).</summary>
    public static PemFiles WriteRsa(string directory, string name, string dnsName = "localhost", TimeSpan? validFor = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return Write(directory, name, dnsName, validFor, request, key.ExportPkcs8PrivateKeyPem());
    }

    public static PemFiles WriteEcdsa(string directory, string name, string dnsName = "localhost", TimeSpan? validFor = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        return Write(directory, name, dnsName, validFor, request, key.ExportPkcs8PrivateKeyPem());
    }

    private static PemFiles Write(string directory, string name, string dnsName, TimeSpan? validFor, CertificateRequest request, string keyPem)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddDays(-1), now + (validFor ?? TimeSpan.FromDays(90)));
        var certificatePath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem());
        File.WriteAllText(keyPath, keyPem);
        return new PemFiles(certificatePath, keyPath, X509CertificateLoader.LoadCertificate(certificate.RawData));
    }
}
