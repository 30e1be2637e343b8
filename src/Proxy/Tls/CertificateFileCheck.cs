using EdgeProxy.Certificates;

namespace EdgeProxy.Tls;

/// <summary>
/// Loads every certificate file named under <c>Kestrel</c>, so that a missing file, a wrong password or a missing key
/// is reported before listening.
/// </summary>
internal static class CertificateFileCheck
{
    public static IReadOnlyList<string> Validate(IConfiguration configuration, string contentRoot)
    {
        var errors = new List<string>();
        foreach (var configured in CertificateFiles.Find(configuration, contentRoot))
        {
            try
            {
                using var certificate = CertificateFiles.Load(configured);
                if (!certificate.HasPrivateKey)
                {
                    errors.Add($"{configured.Key}: {configured.Path} has no private key (set KeyPath for a PEM certificate)");
                }
            }
            catch (Exception ex) when (CertificateFiles.IsLoadFailure(ex))
            {
                errors.Add($"{configured.Key}: cannot load '{configured.Path}': {ex.Message}");
            }
        }

        return errors;
    }
}
