using EdgeProxy.Common;
using EdgeProxy.Tls;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Hosting;

/// <summary>Kestrel settings every public listener shares, and each feature's <see cref="IPublicEndpointSetup"/>.</summary>
internal sealed class PublicListenerSetup(IConfiguration configuration, IEnumerable<IPublicEndpointSetup> setups) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        // An edge does not advertise its software.
        options.AddServerHeader = false;

        // Kestrel keeps one callback per endpoint name and calls it on every (re)bind, ahead of HTTPS.
        var list = setups.ToArray();

        // Fail closed: a feature that must see every public connection (the lock, origin pulls) cannot be skipped.
        var loader = options.ConfigurationLoader ?? throw new InvalidOperationException("Kestrel is not configured from the configuration file; the public listeners cannot be set up");

        foreach (var endpoint in configuration.GetSection(PublicEndpoints.SectionName).GetChildren())
        {
            loader.Endpoint(endpoint.Key, configured =>
            {
                foreach (var setup in list)
                {
                    setup.Configure(configured);
                }

                // Last: it adds HTTPS with the options the setups above completed, and the close_notify alert after it.
                TlsCloseNotify.Apply(configured);
            });
        }
    }
}
