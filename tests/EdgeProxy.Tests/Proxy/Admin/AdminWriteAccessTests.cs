using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Admin;
using EdgeProxy.Tests.Infrastructure;
using EdgeProxy.Tests.Proxy.Destinations;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Proxy.Admin;

/// <summary>Writes on the admin listener: <c>EdgeProxy:Admin:Token</c> on top of <c>AllowFrom</c>; loopback only without a token.</summary>
public sealed class AdminWriteAccessTests
{
    private const string Token = "s3cret-token-0123456789";

    [Fact]
    public async Task With_a_token_a_write_without_it_or_with_a_wrong_one_is_401_and_changes_nothing()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        var config = DestinationStatesTests.Config(a, b);
        config["EdgeProxy"]!["Admin"]!["Token"] = Token;
        var logs = new CollectingLoggerProvider();
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<ILoggerProvider>(logs));

        var none = await DestinationApi.SetAsync(proxy.Admin, "main", "d0", "maint");
        var wrong = await DestinationApi.SetAsync(proxy.Admin, "main", "d0", "maint", Token + "x");
        var unknown = await DestinationApi.SetAsync(proxy.Admin, "nope", "d0", "maint");

        Assert.Equal(401, none.Status);
        Assert.Contains("Authorization: Bearer", none.Body);
        Assert.Equal(401, wrong.Status);
        Assert.Contains("wrong admin token", wrong.Body);
        Assert.Equal(401, unknown.Status); // nothing about the configuration is told before the token
        Assert.Contains(logs.Lines, line => line.Contains("Refused POST /destinations/main/d0/maint from 127.0.0.1 on the admin listener with 401: wrong admin token", StringComparison.Ordinal));
        Assert.Equal("ready", (string?)(await proxy.GetAsync("d0"))["state"]); // reads need no token
        Assert.Equal(["backend=a", "backend=b"], (await DestinationApi.BackendsAsync(proxy.Http, 4)).Distinct().Order());
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/destinations/main/d0/maint"))
        {
            using var response = await proxy.Admin.SendAsync(request);
            Assert.Equal("Bearer realm=\"EdgeProxy admin\"", response.Headers.WwwAuthenticate.ToString());
        }

        var status = await proxy.GetStatusAsync();
        Assert.True((bool)status["admin"]!["tokenRequired"]!);
        Assert.DoesNotContain(Token, status.ToJsonString());

        var right = await DestinationApi.SetAsync(proxy.Admin, "main", "d0", "maint", Token);

        Assert.Equal(200, right.Status);
        Assert.Equal("maint", (string?)(await proxy.GetAsync("d0"))["state"]);
    }

    [Fact]
    public async Task The_token_does_not_open_the_listener_to_peers_outside_AllowFrom()
    {
        await using var a = await GatedBackend.StartAsync("a");
        var config = DestinationStatesTests.Config(a);
        config["EdgeProxy"]!["Admin"]!["Token"] = Token;
        config["EdgeProxy"]!["Admin"]!["AllowFrom"] = new JsonArray("127.0.0.2/32");
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        using var allowed = LoopbackClient.Create(IPAddress.Parse("127.0.0.2"), proxy.AdminUri);

        var refused = await DestinationApi.SetAsync(proxy.Admin, "main", "d0", "drain", Token); // from 127.0.0.1
        var accepted = await DestinationApi.SetAsync(allowed, "main", "d0", "drain", Token);

        Assert.Equal(403, refused.Status);
        Assert.Contains("EdgeProxy:Admin:AllowFrom", refused.Body);
        Assert.Equal(200, accepted.Status);
    }

    [Fact]
    public async Task Without_a_token_loopback_peers_may_write()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var proxy = await ProxyUnderTest.StartAsync(DestinationStatesTests.Config(a));

        var accepted = await DestinationApi.SetAsync(proxy.Admin, "main", "d0", "drain");

        Assert.False((bool)(await proxy.GetStatusAsync())["admin"]!["tokenRequired"]!);
        Assert.Equal(200, accepted.Status);
        Assert.Contains("\"previous\": \"ready\"", accepted.Body);
        Assert.Contains("\"saved\": true", accepted.Body);
    }

    [Theory]
    [InlineData(null, "10.0.0.5", null, null, 401)] // no token configured: a peer beyond loopback may not write
    [InlineData(null, "::ffff:10.0.0.5", null, null, 401)]
    [InlineData(null, "127.0.0.1", null, null, 0)]
    [InlineData(null, "::1", null, null, 0)]
    [InlineData(null, "::ffff:127.0.0.1", null, null, 0)]
    [InlineData(null, "127.0.0.1", null, "http://evil.example", 403)] // a browser on another site's behalf
    [InlineData(null, "127.0.0.1", null, "http://127.0.0.1:9901", 0)] // the page itself
    [InlineData(null, "127.0.0.1", null, "https://127.0.0.1:9901", 0)] // the page through a TLS tunnel
    [InlineData(null, "127.0.0.1", null, "http://127.0.0.1:9902", 403)]
    [InlineData(null, "127.0.0.1", null, "null", 403)]
    [InlineData(Token, "10.0.0.5", "Bearer " + Token, null, 0)]
    [InlineData(Token, "10.0.0.5", "bearer " + Token, null, 0)]
    [InlineData(Token, "127.0.0.1", null, null, 401)] // with a token, loopback needs it too
    [InlineData(Token, "127.0.0.1", "Bearer " + Token + "0", null, 401)]
    [InlineData(Token, "127.0.0.1", "Bearer s3cret", null, 401)]
    [InlineData(Token, "127.0.0.1", "Basic " + Token, null, 401)]
    [InlineData(Token, "127.0.0.1", "Bearer " + Token, "http://evil.example", 403)]
    public void Decides_by_token_peer_and_origin(string? token, string peer, string? authorization, string? origin, int expected)
    {
        var access = new AdminWriteAccess(Options.Create(new AdminOptions { Token = token }));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Request.Host = new HostString("127.0.0.1:9901");
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        Assert.Equal(expected, access.Check(context)?.Status ?? 0);
    }

    [Theory]
    [InlineData(null, "attacker.example:9901", "http://attacker.example:9901", 401)] // DNS rebinding: Host and Origin agree
    [InlineData(null, "attacker.example:9901", null, 401)]
    [InlineData(null, "localhost:9901", "http://localhost:9901", 0)]
    [InlineData(null, "[::1]:9901", null, 0)]
    [InlineData(Token, "admin.example:9901", "https://admin.example:9901", 0)] // with the token, any name (a tunnel's)
    public void Without_a_token_a_write_must_name_the_listener_by_address_or_as_localhost(string? token, string host, string? origin, int expected)
    {
        var access = new AdminWriteAccess(Options.Create(new AdminOptions { Token = token }));
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Request.Host = new HostString(host);
        if (token is not null)
        {
            context.Request.Headers.Authorization = "Bearer " + token;
        }

        if (origin is not null)
        {
            context.Request.Headers.Origin = origin;
        }

        Assert.Equal(expected, access.Check(context)?.Status ?? 0);
    }

    [Theory]
    [InlineData("short")]
    [InlineData(" s3cret-token-0123456789 ")]
    public async Task A_weak_token_is_refused_at_start_naming_the_key(string token)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Admin"]!["Token"] = token;

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(config));

        Assert.Contains("EdgeProxy:Admin:Token must be at least 16 characters", refused.Message);
    }
}
