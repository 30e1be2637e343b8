using System.Net;
using EdgeProxy.Ocsp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Proxy.Ocsp;

/// <summary>The machine's outbound HTTP proxy keeps working for everyone while TLS's own OCSP fetches are routed to us.</summary>
public sealed class OcspOutboundProxyTests
{
    private static readonly WebProxy Machine = new("http://127.0.0.1:3128") { Credentials = new NetworkCredential("edge", "secret") };

    private static OcspProxyListener Listener() => new(new ConfigurationBuilder().Build(), new HostingEnvironment { ContentRootPath = "/" }, Options.Create(new OcspOptions()));

    [Fact]
    public void Requests_to_other_hosts_keep_the_machine_proxy_and_its_credentials()
    {
        var routed = new OcspResponderProxy(Listener(), new HashSet<string> { "ocsp.example:80" }, Machine);

        Assert.Same(Machine.Credentials, routed.Credentials);
        Assert.Equal(new Uri("http://127.0.0.1:3128/"), routed.GetProxy(new Uri("https://api.cloudflare.com/client/v4/ips")));
        Assert.False(routed.IsBypassed(new Uri("https://www.cloudflare.com/ips-v4")));
    }

    [Fact]
    public void Our_own_responder_fetches_go_through_the_machine_proxy_not_through_ours()
    {
        using var handler = OcspResponderClient.CreateHandler(Machine);

        Assert.True(handler.UseProxy);
        Assert.Same(Machine, handler.Proxy);
    }
}
