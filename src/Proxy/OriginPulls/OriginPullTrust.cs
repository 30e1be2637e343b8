using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.OriginPulls;

/// <summary>
/// Judges a client certificate: it must chain to the configured CA (no revocation check: nothing is fetched during a
/// handshake) and, when fingerprints are pinned, be one of them. Cloudflare's shared CA signs the certificate Cloudflare
/// shows on behalf of every customer, so pinning the zone's own certificate is what proves "our zone".
/// </summary>
internal sealed class OriginPullTrust
{
    /// <summary>Cloudflare's shared origin-pull CA (<c>CN=origin-pull.cloudflare.net</c>, valid to 2029-11-01), shipped in the executable.</summary>
    public const string ShippedCaResource = "cloudflare-origin-pull-ca.pem";

    private readonly X509Certificate2Collection _roots;
    private readonly X509Certificate2Collection _intermediates;
    private readonly HashSet<string> _pins;
    private readonly TimeProvider _timeProvider;

    private OriginPullTrust(string caSource, X509Certificate2Collection authorities, HashSet<string> pins, TimeProvider timeProvider)
    {
        CaSource = caSource;
        Authorities = authorities;
        _roots = [.. authorities.Where(IsSelfIssued)];
        _intermediates = [.. authorities.Where(c => !_roots.Contains(c))];
        _pins = pins;
        _timeProvider = timeProvider;
    }

    /// <summary>Where the CA came from: the configured path, or "shipped".</summary>
    public string CaSource { get; }

    public X509Certificate2Collection Authorities { get; }

    public IReadOnlyCollection<string> PinnedFingerprints => _pins;

    /// <summary>Loads the CA file and fingerprints of <paramref name="options"/>; errors name the configuration key.</summary>
    public static OriginPullTrust? Load(OriginPullOptions options, string contentRoot, TimeProvider timeProvider, out IReadOnlyList<string> errors)
    {
        var problems = new List<string>();
        const string key = OriginPullOptions.SectionName;
        var authorities = new X509Certificate2Collection();
        var caSource = "shipped";
        try
        {
            if (options.CaPath is { } configured)
            {
                caSource = Path.GetFullPath(configured, contentRoot);
                authorities.ImportFromPemFile(caSource);
            }
            else
            {
                using var stream = typeof(OriginPullTrust).Assembly.GetManifestResourceStream(ShippedCaResource)!;
                authorities.ImportFromPem(new StreamReader(stream).ReadToEnd());
            }

            if (authorities.Count == 0)
            {
                problems.Add($"{key}:CaPath: '{caSource}' holds no PEM certificate");
            }
            else if (!authorities.Any(IsSelfIssued))
            {
                problems.Add($"{key}:CaPath: '{caSource}' holds no self-signed (root) certificate for client certificates to chain to");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            problems.Add($"{key}:CaPath: cannot read '{caSource}' as PEM certificates: {ex.Message}");
        }

        var pins = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.AllowedCertificates.Count; i++)
        {
            var hex = options.AllowedCertificates[i].Replace(":", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
            {
                problems.Add($"{key}:AllowedCertificates:{i}: '{options.AllowedCertificates[i]}' is not a SHA-256 fingerprint (64 hex digits, colons optional)");
            }
            else
            {
                pins.Add(hex);
            }
        }

        errors = problems;
        return problems.Count == 0 ? new OriginPullTrust(caSource, authorities, pins, timeProvider) : null;
    }

    private static bool IsSelfIssued(X509Certificate2 certificate) => certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);

    public PeerVerification Check(X509Certificate? presented)
    {
        if (presented is null)
        {
            return PeerVerification.Missing;
        }

        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
            if (_pins.Count > 0 && !_pins.Contains(certificate.GetCertHashString(HashAlgorithmName.SHA256)))
            {
                return PeerVerification.Refused;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
            chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            chain.ChainPolicy.VerificationTime = _timeProvider.GetUtcNow().UtcDateTime;
            return chain.Build(certificate) ? PeerVerification.Verified : PeerVerification.Refused;
        }
        catch (CryptographicException)
        {
            return PeerVerification.Refused;
        }
    }
}
