using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Tls;

/// <summary>
/// Finds and loads every certificate file named under <c>Kestrel</c> (endpoint, SNI and default certificates), so that a
/// missing file, a wrong password or a missing key is reported before listening, and expiry can be shown.
/// </summary>
internal static class CertificateFileCheck
{
    public static IReadOnlyList<string> Validate(IConfiguration configuration, string contentRoot)
    {
        var errors = new List<string>();
        foreach (var configured in Find(configuration, contentRoot))
        {
            try
            {
                using var certificate = Load(configured);
                if (!certificate.HasPrivateKey)
                {
                    errors.Add($"{configured.Key}: {configured.Path} has no private key (set KeyPath for a PEM certificate)");
                }
            }
            catch (Exception ex) when (IsLoadFailure(ex))
            {
                errors.Add($"{configured.Key}: cannot load '{configured.Path}': {ex.Message}");
            }
        }

        return errors;
    }

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

    public static X509Certificate2 Load(ConfiguredCertificate configured) => Load(configured.Path, configured.KeyPath, configured.Password);

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

    private static X509Certificate2 Load(string path, string? keyPath, string? password)
    {
        if (keyPath is not null)
        {
            return string.IsNullOrEmpty(password)
                ? X509Certificate2.CreateFromPemFile(path, keyPath)
                : X509Certificate2.CreateFromEncryptedPemFile(path, password, keyPath);
        }

        return path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".crt", StringComparison.OrdinalIgnoreCase)
            ? X509Certificate2.CreateFromPemFile(path)
            : X509CertificateLoader.LoadPkcs12FromFile(path, password);
    }
}
