using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Ocsp;

/// <summary>
/// A loopback-only listener through which the platform's own OCSP fetches pass (see <see cref="OcspResponderProxy"/>),
/// so that they are answered from the stapler's prefetched, disk-backed responses. Opened only when a served
/// certificate names a responder.
/// </summary>
public sealed class OcspProxyListener(IConfiguration configuration, IHostEnvironment environment, IOptions<Tls.TlsOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    private ListenOptions? _listener;

    public Uri? BaseUri => _listener?.IPEndPoint is { Port: > 0 } endPoint ? new Uri($"http://{endPoint}") : null;

    public void Configure(KestrelServerOptions kestrel)
    {
        Tls.TlsOptions settings;
        try
        {
            settings = options.Value;
        }
        catch (OptionsValidationException)
        {
            return; // reported by validation
        }

        if (settings.OcspStapling != OcspStaplingMode.False &&
            OcspCertificateDiscovery.Find(configuration, environment.ContentRootPath, enabled: true).Any(c => c.Id is not null && c.ResponderUrl is not null))
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => _listener = listen);
        }
    }

    public bool IsProxyRequest(HttpContext context) =>
        _listener?.IPEndPoint is { } bound && bound.Port == context.Connection.LocalPort && IPAddress.IsLoopback(context.Connection.LocalIpAddress ?? IPAddress.None);
}
