using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Common;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tls;

/// <summary>
/// So that a first run works on a fresh machine: when an HTTPS listener has no certificate, a self-signed
/// <c>localhost</c> certificate is made once, kept in the data folder for later runs, and announced with a warning.
/// </summary>
internal sealed partial class FirstRunCertificate(
    IConfiguration configuration,
    DataDirectory dataDirectory,
    TimeProvider timeProvider,
    ILogger<FirstRunCertificate> logger) : IConfigureOptions<KestrelServerOptions>
{
    public const string FileName = "first-run-localhost.pfx";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(14);

    public void Configure(KestrelServerOptions kestrel)
    {
        if (!IsNeeded(configuration))
        {
            return;
        }

        foreach (var url in ExposedUrls(configuration))
        {
            LogExposed(url);
        }

        // Made when Kestrel binds an HTTPS listener, not when the application is built, so --check creates nothing.
        var certificate = new Lazy<X509Certificate2>(() =>
            LoadOrCreate(dataDirectory.Resolve(FileName)));
        kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate ??= certificate.Value);
    }

    /// <summary>An HTTPS listener without a certificate of its own and no <c>Kestrel:Certificates:Default</c>.</summary>
    internal static bool IsNeeded(IConfiguration configuration)
    {
        if (configuration.GetSection("Kestrel:Certificates:Default").Exists())
        {
            return false;
        }

        return configuration.GetSection(PublicEndpoints.SectionName).GetChildren().Any(e =>
            e["Url"]?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true &&
            !e.GetSection("Certificate").Exists() && !e.GetSection("Sni").Exists());
    }

    /// <summary>HTTPS listeners served with the first-run certificate on an address other than loopback.</summary>
    internal static IEnumerable<string> ExposedUrls(IConfiguration configuration) =>
        configuration.GetSection(PublicEndpoints.SectionName).GetChildren()
            .Where(e => e["Url"]?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true && !e.GetSection("Certificate").Exists() && !e.GetSection("Sni").Exists())
            .Select(e => e["Url"]!)
            .Where(url => !Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || !uri.IsLoopback);

    private X509Certificate2 LoadOrCreate(string path)
    {
        var now = timeProvider.GetUtcNow();
        if (File.Exists(path))
        {
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
            if (existing.NotAfter.ToUniversalTime() - RenewBefore > now.UtcDateTime)
            {
                LogUsing(path, existing.NotAfter);
                return existing;
            }

            existing.Dispose();
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(Lifetime));

        // The file holds the private key: readable by the proxy's user only.
        AtomicFile.WriteAllBytes(path, created.Export(X509ContentType.Pkcs12), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        LogCreated(path);
        return X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
    }

    [LoggerMessage(EventId = EventIds.TlsFirstRunCertificateCreated, EventName = "TlsFirstRunCertificateCreated", Level = LogLevel.Warning, Message = "No TLS certificate is configured: serving HTTPS with a self-signed certificate for localhost, created now and kept in {Path}. Browsers will warn; configure Kestrel:Endpoints:<name>:Certificate for real use.")]
    private partial void LogCreated(string path);

    [LoggerMessage(EventId = EventIds.FirstRunCertificateExposed, EventName = "FirstRunCertificateExposed", Level = LogLevel.Warning,
        Message = "{Url} is served with the self-signed first-run certificate on an address other than loopback: production needs a real certificate (Kestrel:Endpoints:<name>:Certificate).")]
    private partial void LogExposed(string url);

    [LoggerMessage(EventId = EventIds.TlsFirstRunCertificateUsed, EventName = "TlsFirstRunCertificateUsed", Level = LogLevel.Warning, Message = "No TLS certificate is configured: serving HTTPS with the self-signed localhost certificate in {Path} (valid until {NotAfter:u}). Configure Kestrel:Endpoints:<name>:Certificate for real use.")]
    private partial void LogUsing(string path, DateTime notAfter);
}
