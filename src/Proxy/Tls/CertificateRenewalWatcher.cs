using System.Security.Cryptography;
using EdgeProxy.Certificates;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tls;

/// <summary>
/// Picks up renewed certificate files without a restart. Kestrel's own file watch misses the common renewals (certbot
/// swaps symlinks; other tools move a file in from another folder), so the files are read every
/// <c>CertificateCheckInterval</c>, through symlinks, and an endpoint whose files changed — and now load as a valid
/// certificate with its key — is rebound by Kestrel. A half-written renewal is left alone until it is complete.
/// </summary>
internal sealed partial class CertificateRenewalWatcher(
    IConfiguration configuration,
    IHostEnvironment environment,
    CertificateReloadConfigurationSource reloadSource,
    CertificateChanges changes,
    IOptions<TlsOptions> options,
    TimeProvider timeProvider,
    ILogger<CertificateRenewalWatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, string> _fingerprints = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Check(reportChanges: false);
        using var timer = new PeriodicTimer(options.Value.CertificateCheckInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check(reportChanges: true);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping, also when the host failed to start (a port in use): the host would log this as a failure.
        }
    }

    private void Check(bool reportChanges)
    {
        var endpoints = CertificateFiles.Find(configuration, environment.ContentRootPath)
            .Where(c => c.Key.StartsWith("Kestrel:Endpoints:", StringComparison.Ordinal))
            .GroupBy(c => c.Key.Split(':')[2]);
        foreach (var endpoint in endpoints)
        {
            string fingerprint;
            try
            {
                fingerprint = Fingerprint(endpoint);
                foreach (var certificate in endpoint)
                {
                    using var loaded = CertificateFiles.Load(certificate);
                    if (!loaded.HasPrivateKey)
                    {
                        throw new CryptographicException($"{certificate.Path} has no private key");
                    }
                }
            }
            catch (Exception ex) when (CertificateFiles.IsLoadFailure(ex))
            {
                if (reportChanges)
                {
                    LogUnusable(endpoint.Key, ex.Message);
                }

                continue;
            }

            if (_fingerprints.TryGetValue(endpoint.Key, out var previous) && previous != fingerprint && reportChanges)
            {
                changes.Announce();
                reloadSource.Reload(endpoint.Key);
                LogRenewed(endpoint.Key);
                changes.Notify();
            }

            _fingerprints[endpoint.Key] = fingerprint;
        }
    }

    private static string Fingerprint(IEnumerable<ConfiguredCertificate> certificates)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var certificate in certificates)
        {
            hash.AppendData(File.ReadAllBytes(certificate.Path));
            if (certificate.KeyPath is { } keyPath)
            {
                hash.AppendData(File.ReadAllBytes(keyPath));
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    [LoggerMessage(EventId = EventIds.TlsCertificateRenewed, EventName = "TlsCertificateRenewed", Level = LogLevel.Information, Message = "Certificate files of endpoint {Endpoint} changed; serving the renewed certificate on new connections.")]
    private partial void LogRenewed(string endpoint);

    [LoggerMessage(EventId = EventIds.TlsRenewedCertificateUnusable, EventName = "TlsRenewedCertificateUnusable", Level = LogLevel.Warning, Message = "Certificate files of endpoint {Endpoint} cannot be used right now ({Reason}); keeping the current certificate and checking again.")]
    private partial void LogUnusable(string endpoint, string reason);
}
