using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Admin;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Proxy.Admin;

/// <summary><c>EdgeProxy:Admin:AllowFrom</c> and the warning for an admin listener beyond loopback.</summary>
public sealed class AdminAccessTests
{
    [Fact]
    public async Task Only_peers_in_AllowFrom_may_use_the_admin_listener()
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Admin"]!["AllowFrom"] = new JsonArray("127.0.0.2/32");
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var allowed = LoopbackClient.Create(IPAddress.Parse("127.0.0.2"), proxy.AdminUri);

        using (var refused = await proxy.Admin.GetAsync("/status")) // from 127.0.0.1
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("EdgeProxy:Admin:AllowFrom", await refused.Content.ReadAsStringAsync());
        }

        using var status = await allowed.GetAsync("/status");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
    }

    [Fact]
    public async Task By_default_loopback_may_and_the_status_shows_no_warning()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster("http://127.0.0.1:9/"));

        var admin = (await proxy.GetStatusAsync())["admin"]!;

        Assert.True(admin["loopbackOnly"]!.GetValue<bool>());
        Assert.Null(admin["warning"]);
        Assert.Equal(["127.0.0.0/8", "::1/128"], admin["allowFrom"]!.AsArray().Select(n => n!.GetValue<string>()));
    }

    [Theory]
    [InlineData("http://0.0.0.0:9901", false)]
    [InlineData("http://10.0.0.5:9901", false)]
    [InlineData("http://127.0.0.1:9901", true)]
    [InlineData("http://localhost:9901", true)]
    public void An_admin_url_beyond_loopback_gets_a_warning_in_the_status(string url, bool loopbackOnly)
    {
        var status = new AdminStatusSection(Options.Create(new AdminOptions { Url = url })).GetStatus();

        Assert.Equal(loopbackOnly, status["loopbackOnly"]!.GetValue<bool>());
        Assert.Equal(loopbackOnly ? null : AdminExposureWarning.Text(url), status["warning"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_bad_AllowFrom_entry_is_refused_at_start_naming_the_key()
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Admin"]!["AllowFrom"] = new JsonArray("10.0.0.1");

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(config));

        Assert.Contains("EdgeProxy:Admin:AllowFrom:0: '10.0.0.1' has no prefix length", refused.Message);
    }
}
