using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.ClientIp;

public sealed class TrustEndpointTests
{
    [Fact]
    public async Task Answers_whether_an_address_is_trusted_and_by_which_rule()
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("10.20.0.0/16");
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        var configured = await proxy.GetAdminJsonAsync("/trust?ip=10.20.3.4");
        Assert.True((bool)configured["trusted"]!);
        Assert.Equal("EdgeProxy:ClientIp:TrustedNetworks", (string?)configured["rule"]);
        Assert.Equal("10.20.0.0/16", (string?)configured["network"]);

        // Cloudflare is not trusted in this configuration, so its ranges are not either.
        var cloudflare = await proxy.GetAdminJsonAsync("/trust?ip=104.16.0.1");
        Assert.False((bool)cloudflare["trusted"]!);
        Assert.Null(cloudflare["rule"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("10.20.0.0/16")]
    public async Task Refuses_what_is_not_an_address(string ip)
    {
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster("http://127.0.0.1:9/"));

        using var response = await proxy.Admin.GetAsync($"/trust?ip={Uri.EscapeDataString(ip)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Is_not_served_on_the_public_listener()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        Assert.Equal("200 backend=app path=/trust?ip=1.2.3.4", await proxy.GetTextAsync(proxy.Http, "/trust?ip=1.2.3.4"));
    }
}
