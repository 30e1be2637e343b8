using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Tls;

namespace EdgeProxy.Ocsp;

/// <summary>The served certificates with what OCSP needs: the leaf, its issuer from the same file, its responder URL.</summary>
internal static class OcspCertificateDiscovery
{
    public static IReadOnlyList<OcspCertificate> Find(IConfiguration configuration, string contentRoot, bool enabled)
    {
        var found = new List<OcspCertificate>();
        foreach (var configured in CertificateFileCheck.Find(configuration, contentRoot))
        {
            X509Certificate2Collection chain;
            try
            {
                chain = LoadChain(configured);
            }
            catch (Exception ex) when (CertificateFileCheck.IsLoadFailure(ex))
            {
                continue; // reported by the certificate checks
            }

            var leaf = chain[0];
            var issuer = chain.Skip(1).FirstOrDefault(c => c.SubjectName.RawData.AsSpan().SequenceEqual(leaf.IssuerName.RawData));
            var certificate = new OcspCertificate(configured.Key, leaf, issuer, new OcspState(OcspStateKind.Pending));
            certificate.State = !enabled ? new OcspState(OcspStateKind.Disabled)
                : certificate.ResponderUrl is null ? new OcspState(OcspStateKind.NoOcspUrl, Reason: "the certificate names no OCSP responder: nothing to staple")
                : issuer is null ? new OcspState(OcspStateKind.ChainIncomplete, Reason: $"{configured.Path} holds no issuer certificate, so no OCSP request can be made; use the full chain (leaf first, then intermediates)")
                : certificate.State;
            found.Add(certificate);
        }

        return found;
    }

    private static X509Certificate2Collection LoadChain(ConfiguredCertificate configured)
    {
        var chain = new X509Certificate2Collection();
        if (configured.KeyPath is not null || configured.Path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || configured.Path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase))
        {
            chain.ImportFromPemFile(configured.Path);
        }
        else
        {
            chain = X509CertificateLoader.LoadPkcs12CollectionFromFile(configured.Path, configured.Password);
            // A PFX lists the leaf (the one with the key) anywhere; put it first.
            var leaf = chain.First(c => c.HasPrivateKey);
            chain.Remove(leaf);
            chain.Insert(0, leaf);
        }

        return chain;
    }
}
