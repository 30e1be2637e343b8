using System.Collections.Frozen;
using System.Net.Security;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Acme;

/// <summary>
/// Serves issued certificates by SNI (exact names first, then wildcards), and TLS-ALPN-01 challenge certificates to a
/// handshake that offers <c>acme-tls/1</c>. The table is swapped whole when a certificate is issued: no lock in handshakes.
/// </summary>
internal sealed class AcmeCertificateSource(IOptions<AcmeOptions> options, AcmeChallenges challenges) : IServerCertificateSource
{
    public static readonly SslApplicationProtocol AcmeTls = new("acme-tls/1");

    private volatile FrozenDictionary<string, AcmeIssuedCertificate> _byName = FrozenDictionary<string, AcmeIssuedCertificate>.Empty;
    private readonly Dictionary<string, AcmeIssuedCertificate> _byCertificate = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public bool IsActive => options.Value.Enabled;

    public ServerCertificateChoice? Choose(string? serverName, IReadOnlyList<SslApplicationProtocol> applicationProtocols)
    {
        if (serverName is null)
        {
            return null;
        }

        if (applicationProtocols.Contains(AcmeTls) && challenges.AlpnCertificate(serverName) is { } challenge)
        {
            return new ServerCertificateChoice(challenge, [AcmeTls]);
        }

        var table = _byName;
        if (table.Count == 0)
        {
            return null;
        }

        if (table.TryGetValue(serverName, out var exact))
        {
            return new ServerCertificateChoice(exact.Context);
        }

        var dot = serverName.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 && table.TryGetValue("*" + serverName[dot..], out var wildcard) ? new ServerCertificateChoice(wildcard.Context) : null;
    }

    /// <summary>Serves <paramref name="issued"/> for its names from the next handshake on.</summary>
    public void Serve(string certificate, AcmeIssuedCertificate issued)
    {
        lock (_lock)
        {
            _byCertificate[certificate] = issued;
            var table = new Dictionary<string, AcmeIssuedCertificate>(StringComparer.OrdinalIgnoreCase);
            foreach (var served in _byCertificate.Values)
            {
                foreach (var name in served.DnsNames)
                {
                    table[name] = served;
                }
            }

            _byName = table.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        }
    }
}
