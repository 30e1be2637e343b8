using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace EdgeProxy.ReverseProxy;

/// <summary>YARP's client factory with <c>EdgeProxy:Upstream:ConnectTimeout</c> on every cluster's handler.</summary>
internal sealed class UpstreamHttpClientFactory(IOptions<UpstreamOptions> options, ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
    {
        base.ConfigureHandler(context, handler);
        handler.ConnectTimeout = options.Value.ConnectTimeout;
    }
}
