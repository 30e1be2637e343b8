using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Ocsp;

/// <summary>
/// A loopback-only listener through which the platform's own OCSP fetches pass (see <see cref="OcspResponderProxy"/>),
/// so that <see cref="OcspProxyEndpoint"/> answers them from the stapler's prefetched, disk-backed responses. Opened
/// only when a served certificate names a responder.
/// </summary>
internal sealed class OcspProxyListener(IConfiguration configuration, IHostEnvironment environment, IOptions<OcspOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    private ListenOptions? _listener;

    public Uri? BaseUri => _listener?.IPEndPoint is { Port: > 0 } endPoint ? new Uri($"http://{endPoint}") : null;

    public void Configure(KestrelServerOptions kestrel)
    {
        OcspOptions settings;
        try
        {
            settings = options.Value;
        }
        catch (OptionsValidationException)
        {
            return; // reported by validation
        }

        if (settings.OcspStapling != OcspStaplingMode.False &&
            OcspCertificateDiscovery.Find(configuration, environment.ContentRootPath, enabled: true).Any(c => c.CanStaple))
        {
            kestrel.Listen(IPAddress.Loopback, 0, listen => _listener = listen);
        }
    }

    public bool IsProxyRequest(HttpContext context) =>
        _listener?.IPEndPoint is { } bound && bound.Port == context.Connection.LocalPort && IPAddress.IsLoopback(context.Connection.LocalIpAddress ?? IPAddress.None);

    /// <summary>
    /// Sends the TLS stack's requests to these responders through this listener. Process-wide (the TLS stack takes
    /// <see cref="HttpClient.DefaultProxy"/>), and to be done before Kestrel listens so that its first fetch comes here.
    /// </summary>
    public void RouteTlsFetches(IEnumerable<string> responderUrls)
    {
        var authorities = responderUrls.Select(url => new Uri(url).Authority).ToHashSet(StringComparer.OrdinalIgnoreCase);
        // Called again after renewals: always wrap the machine's own setting, never our previous proxy.
        _machineProxy ??= HttpClient.DefaultProxy;
        HttpClient.DefaultProxy = new OcspResponderProxy(this, authorities, _machineProxy);
    }

    private IWebProxy? _machineProxy;

    /// <summary>The process's outbound proxy as the environment set it, before <see cref="RouteTlsFetches"/> wrapped it.</summary>
    public IWebProxy MachineProxy => _machineProxy ?? HttpClient.DefaultProxy;
}
