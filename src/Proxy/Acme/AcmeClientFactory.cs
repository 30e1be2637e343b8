using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

/// <summary>The one <see cref="AcmeClient"/> of the process: the stored account key, the CA's HTTP client.</summary>
internal sealed class AcmeClientFactory(IOptions<AcmeOptions> options, AcmeStorage storage, IHttpClientFactory httpClients)
{
    public const string HttpClientName = "acme";

    private AcmeClient? _client;

    public Task<AcmeClient> GetAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_client is null)
        {
            var settings = options.Value;
            _client = new AcmeClient(httpClients.CreateClient(HttpClientName), new Uri(settings.DirectoryUrl), new AcmeJws(storage.LoadOrCreateAccountKey()), settings.Email);
        }

        return Task.FromResult(_client);
    }

    /// <summary>
    /// The CA's TLS: the system store, or only the CAs in <c>DirectoryTrust</c> (a private CA, pebble) — checked by name
    /// and chain like any HTTPS, never "accept anything".
    /// </summary>
    public static SocketsHttpHandler CreateHandler(AcmeOptions options, string contentRoot)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (options.DirectoryTrust is { } trustFile)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(Path.GetFullPath(trustFile, contentRoot));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
                {
                    return false;
                }

                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.AddRange(roots);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (chain is not null)
                {
                    foreach (var element in chain.ChainElements.Skip(1))
                    {
                        custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                    }
                }

                return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            };
        }

        return handler;
    }
}
