using System.Security.Cryptography.X509Certificates;
using EdgeProxy.Common;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.AspNetCore.Server.Kestrel;
using Microsoft.Extensions.Options;

namespace EdgeProxy.OriginPulls;

/// <summary>
/// Every public connection carries an <see cref="IPeerVerificationFeature"/> (so a plain-HTTP one stays unverified), and
/// every public HTTPS handshake asks for a client certificate and judges it. <c>Require</c> fails the handshake without a
/// valid one; <c>Verify</c> completes it and leaves the verdict for the client-IP middleware.
/// </summary>
internal sealed class OriginPullEndpointSetup(IOptions<OriginPullOptions> options, IServiceProvider services, OriginPullCounters counters) : IPublicEndpointSetup
{
    public void Configure(EndpointConfiguration endpoint)
    {
        var mode = options.Value.Mode;
        if (mode == OriginPullMode.Off)
        {
            return;
        }

        endpoint.ListenOptions.Use(next => connection =>
        {
            connection.Features.Set<IPeerVerificationFeature>(new OriginPullVerification());
            return next(connection);
        });

        if (!endpoint.IsHttps)
        {
            return;
        }

        // Resolved here, when Kestrel binds (after validation), not when Kestrel's options are built with the application.
        var trust = services.GetRequiredService<OriginPullTrust>();
        var previous = endpoint.HttpsOptions.OnAuthenticate;
        // Called per connection after Kestrel has applied its own settings (SNI entries included).
        endpoint.HttpsOptions.OnAuthenticate = (connection, ssl) =>
        {
            previous?.Invoke(connection, ssl);
            // Set by the connection middleware above; without it the verdict would reach no one.
            var verification = connection.Features.Get<IPeerVerificationFeature>() as OriginPullVerification
                ?? throw new InvalidOperationException("a public HTTPS connection lacks its origin-pull verification feature");
            ssl.ClientCertificateRequired = true;
            // The TLS stack checks a client certificate's chain itself before the callback (whose verdict ignores it):
            // left to its defaults it would download the issuers and revocation lists the certificate names,
            // synchronously on the connection's event thread, at addresses any client chooses. A new policy per
            // connection: the TLS stack adds the client's own intermediates to it.
            ssl.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
            ssl.CertificateChainPolicy = new X509ChainPolicy { RevocationMode = X509RevocationMode.NoCheck, DisableCertificateDownloads = true };
            // Also called without a certificate, unlike Kestrel's ClientCertificateValidation: "missing" is counted too.
            ssl.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                verification.Verification = trust.Check(certificate);
                counters.Count(verification.Verification);
                return mode == OriginPullMode.Verify || verification.Verification == PeerVerification.Verified;
            };
        };
    }
}
