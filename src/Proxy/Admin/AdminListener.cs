using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Admin;

/// <summary>
/// Opens the admin listener and tells its connections from the public ones by the local socket address (which a
/// client cannot forge, unlike the Host header).
/// </summary>
internal sealed class AdminListener(IOptions<AdminOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    private readonly List<ListenOptions> _listeners = [];

    /// <summary>The bound admin endpoints (ports resolved once Kestrel has started, so port 0 works).</summary>
    public IReadOnlyList<IPEndPoint> EndPoints => [.. _listeners.Select(l => l.IPEndPoint).OfType<IPEndPoint>()];

    /// <summary>The admin base URL as bound, e.g. <c>http://127.0.0.1:9901</c>.</summary>
    public Uri BaseUri => new($"http://{EndPoints[0]}");

    public void Configure(KestrelServerOptions kestrel)
    {
        // Kestrel's options are built with the application, before validation has reported a bad URL; skip it here.
        Uri uri;
        try
        {
            uri = new Uri(options.Value.Url);
        }
        catch (OptionsValidationException)
        {
            return;
        }

        var port = uri.Port;
        if (uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _))
        {
            kestrel.Listen(IPAddress.Loopback, port, _listeners.Add);
        }
        else if (uri.Host is "*" or "+")
        {
            kestrel.Listen(IPAddress.Any, port, _listeners.Add);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(uri.Host.Trim('[', ']')), port, _listeners.Add);
        }
    }

    public bool IsAdminRequest(HttpContext context)
    {
        var connection = context.Connection;
        foreach (var listener in _listeners)
        {
            if (listener.IPEndPoint is { } bound && bound.Port == connection.LocalPort &&
                (bound.Address.Equals(IPAddress.Any) || bound.Address.Equals(IPAddress.IPv6Any) || bound.Address.Equals(connection.LocalIpAddress)))
            {
                return true;
            }
        }

        return false;
    }
}
