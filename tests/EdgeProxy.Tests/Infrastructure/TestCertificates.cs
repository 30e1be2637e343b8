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

    /// <summary>
    /// A private CA and an RSA leaf it signed for localhost/127.0.0.1, with a CRL distribution point (as public
    /// certificates have). The leaf file is the full chain (leaf, then the CA), as Kestrel's PEM schema takes it.
    /// </summary>
    public static (PemFiles Leaf, string RootPath) WriteChain(string directory, string name)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest($"CN={name} Test Root", rootKey, HashAlgorithmName.SHA256);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(365));

        using var leafKey = RSA.Create(2048);
        var leafRequest = IssuedLeafRequest("localhost", leafKey, root);
        leafRequest.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(["http://127.0.0.1:9/root.crl"]));
        using var leaf = leafRequest.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), now.AddDays(-1), now.AddDays(90), [1, 2, 3, 4, 5, 6, 7, 8]);

        var rootPath = Path.Combine(directory, name + "-root.crt");
        var chainPath = Path.Combine(directory, name + ".crt");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(rootPath, root.ExportCertificatePem());
        File.WriteAllText(chainPath, leaf.ExportCertificatePem() + "\n" + root.ExportCertificatePem());
        File.WriteAllText(keyPath, leafKey.ExportPkcs8PrivateKeyPem());
        return (new PemFiles(chainPath, keyPath, X509CertificateLoader.LoadCertificate(leaf.RawData)), rootPath);
    }

    /// <summary>A CA-issued TLS server leaf for <paramref name="dnsName"/> and 127.0.0.1 (RSA, so ECDHE-RSA suites apply), to be signed by <paramref name="issuer"/>.</summary>
    public static CertificateRequest IssuedLeafRequest(string dnsName, RSA key, X509Certificate2 issuer)
    {
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return request;
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
