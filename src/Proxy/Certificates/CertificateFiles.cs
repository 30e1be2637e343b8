using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Certificates;

/// <summary>
/// The certificate files named under <c>Kestrel</c> (endpoint, SNI and default certificates) and how to load them.
/// Shared by the TLS checks and OCSP stapling, which both look at what the listeners serve.
/// </summary>
internal static class CertificateFiles
{
    /// <summary>The certificate files the configuration names, with absolute paths.</summary>
    public static IEnumerable<ConfiguredCertificate> Find(IConfiguration configuration, string contentRoot) =>
        CertificateSections(configuration.GetSection("Kestrel"))
            .Where(section => section["Path"] is { Length: > 0 })
            .Select(section => new ConfiguredCertificate(
                section.Path,
                Path.GetFullPath(section["Path"]!, contentRoot),
                section["KeyPath"] is { Length: > 0 } keyPath ? Path.GetFullPath(keyPath, contentRoot) : null,
                section["Password"]));

    public static bool IsLoadFailure(Exception ex) => ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException;

    /// <summary>The served certificate, with its private key when the files hold one.</summary>
    public static X509Certificate2 Load(ConfiguredCertificate configured)
    {
        if (configured.KeyPath is not null)
        {
            return string.IsNullOrEmpty(configured.Password)
                ? X509Certificate2.CreateFromPemFile(configured.Path, configured.KeyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(configured.Path, configured.Password, configured.KeyPath);
        }

        return IsPem(configured) ? X509Certificate2.CreateFromPemFile(configured.Path) : X509CertificateLoader.LoadPkcs12FromFile(configured.Path, configured.Password);
    }

    /// <summary>Every certificate in the file, the served (leaf) one first; no private keys needed.</summary>
    public static X509Certificate2Collection LoadChain(ConfiguredCertificate configured)
    {
        if (IsPem(configured))
        {
            var pem = new X509Certificate2Collection();
            pem.ImportFromPemFile(configured.Path);
            return pem;
        }

        var chain = X509CertificateLoader.LoadPkcs12CollectionFromFile(configured.Path, configured.Password);
        // A PFX lists the leaf (the one with the key) anywhere; put it first.
        var leaf = chain.First(c => c.HasPrivateKey);
        chain.Remove(leaf);
        chain.Insert(0, leaf);
        return chain;
    }

    /// <summary>Kestrel's rule: a separate key file, or a .pem/.crt name, means PEM; anything else is PKCS#12.</summary>
    private static bool IsPem(ConfiguredCertificate configured) =>
        configured.KeyPath is not null ||
        configured.Path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) ||
        configured.Path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<IConfigurationSection> CertificateSections(IConfigurationSection kestrel)
    {
        foreach (var certificate in kestrel.GetSection("Certificates").GetChildren())
        {
            yield return certificate;
        }

        foreach (var endpoint in kestrel.GetSection("Endpoints").GetChildren())
        {
            yield return endpoint.GetSection("Certificate");
            foreach (var sni in endpoint.GetSection("Sni").GetChildren())
            {
                yield return sni.GetSection("Certificate");
            }
        }
    }
}
