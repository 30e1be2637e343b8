using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Certificates;

namespace EdgeProxy.Ocsp;

/// <summary>The served certificates with what OCSP needs: the leaf, its issuer from the same file, its responder URL.</summary>
internal static class OcspCertificateDiscovery
{
    public static IReadOnlyList<OcspCertificate> Find(IConfiguration configuration, string contentRoot, bool enabled)
    {
        var found = new List<OcspCertificate>();
        foreach (var configured in CertificateFiles.Find(configuration, contentRoot))
        {
            X509Certificate2Collection chain;
            try
            {
                chain = CertificateFiles.LoadChain(configured);
            }
            catch (Exception ex) when (CertificateFiles.IsLoadFailure(ex))
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
}
