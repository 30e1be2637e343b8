using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeProxy.Tls;

/// <summary>Loads every certificate named under <c>Kestrel</c> (endpoint, SNI and default certificates) so that a missing file, a wrong password or a key that does not match is reported before listening.</summary>
internal static class CertificateFileCheck
{
    public static IReadOnlyList<string> Validate(IConfiguration configuration, string contentRoot)
    {
        var errors = new List<string>();
        foreach (var section in CertificateSections(configuration.GetSection("Kestrel")))
        {
            if (section["Path"] is not { Length: > 0 } path)
            {
                continue;
            }

            try
            {
                using var certificate = Load(Path.GetFullPath(path, contentRoot), section["KeyPath"] is { Length: > 0 } keyPath ? Path.GetFullPath(keyPath, contentRoot) : null, section["Password"]);
                if (!certificate.HasPrivateKey)
                {
                    errors.Add($"{section.Path}: {path} has no private key (set KeyPath for a PEM certificate)");
                }
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                errors.Add($"{section.Path}: cannot load '{path}': {ex.Message}");
            }
        }

        return errors;
    }

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
