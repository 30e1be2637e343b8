using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Certificates;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tls;

/// <summary>
/// The certificates the listeners serve, read from their files (so a renewed file shows at once), with expiry for
/// <c>/status</c>, <c>/metrics</c> and the start-up warning.
/// </summary>
internal sealed class CertificateInventory(IConfiguration configuration, IHostEnvironment environment, DataDirectory dataDirectory)
{
    public static readonly TimeSpan WarnBefore = TimeSpan.FromDays(14);

    public sealed record Entry(string Key, string Path, string? Subject, string? Names, DateTimeOffset? NotAfter, string? Error, string? Issuer = null);

    public IReadOnlyList<Entry> Read()
    {
        var entries = new List<Entry>();
        foreach (var configured in CertificateFiles.Find(configuration, environment.ContentRootPath))
        {
            try
            {
                using var certificate = CertificateFiles.Load(configured);
                entries.Add(Describe(configured.Key, configured.Path, certificate));
            }
            catch (Exception ex) when (CertificateFiles.IsLoadFailure(ex))
            {
                entries.Add(new Entry(configured.Key, configured.Path, null, null, null, ex.Message));
            }
        }

        var firstRun = dataDirectory.Resolve(FirstRunCertificate.FileName);
        if (FirstRunCertificate.IsNeeded(configuration) && File.Exists(firstRun))
        {
            using var certificate = X509CertificateLoader.LoadPkcs12FromFile(firstRun, null);
            entries.Add(Describe("first-run (self-signed)", firstRun, certificate));
        }

        return entries;
    }

    private static Entry Describe(string key, string path, X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(e => e.EnumerateDnsNames()).ToList();
        return new Entry(key, path, certificate.Subject, names.Count > 0 ? string.Join(", ", names) : null, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), null, certificate.Issuer);
    }
}
