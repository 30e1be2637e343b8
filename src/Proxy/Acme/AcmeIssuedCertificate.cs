using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Acme;

/// <summary>An issued certificate ready to serve: the leaf with its key, the chain the CA sent, and the TLS context built once.</summary>
internal sealed class AcmeIssuedCertificate
{
    private AcmeIssuedCertificate(X509Certificate2 leaf, X509Certificate2Collection intermediates)
    {
        Leaf = leaf;
        Intermediates = intermediates;
        // offline: false lets .NET fetch and staple OCSP for a certificate that names a responder (as for configured ones).
        Context = SslStreamCertificateContext.Create(leaf, intermediates, offline: false);
        DnsNames = [.. leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames())];
    }

    public X509Certificate2 Leaf { get; }

    public X509Certificate2Collection Intermediates { get; }

    public SslStreamCertificateContext Context { get; }

    public IReadOnlyList<string> DnsNames { get; }

    public DateTimeOffset NotBefore => Leaf.NotBefore.ToUniversalTime();

    public DateTimeOffset NotAfter => Leaf.NotAfter.ToUniversalTime();

    public TimeSpan Lifetime => NotAfter - NotBefore;

    /// <summary>Does it carry exactly the configured names (any order, any case)?</summary>
    public bool Covers(IReadOnlyCollection<string> names) =>
        names.Count == DnsNames.Count && names.All(n => DnsNames.Contains(n, StringComparer.OrdinalIgnoreCase));

    public static AcmeIssuedCertificate FromPem(string chainPem, string keyPem)
    {
        var chain = new X509Certificate2Collection();
        chain.ImportFromPem(chainPem);
        if (chain.Count == 0)
        {
            throw new CryptographicException("the chain holds no certificate");
        }

        var leaf = X509Certificate2.CreateFromPem(chain[0].ExportCertificatePem(), keyPem);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        chain[0].Dispose();
        return new AcmeIssuedCertificate(leaf, intermediates);
    }
}
