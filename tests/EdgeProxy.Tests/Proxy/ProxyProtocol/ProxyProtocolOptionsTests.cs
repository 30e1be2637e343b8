using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.ProxyProtocol;

/// <summary><c>EdgeProxy:ProxyProtocol</c> is refused at start, naming the key, when it names no listener, trusts no one, or holds a bad CIDR.</summary>
public sealed class ProxyProtocolOptionsTests
{
    private static async Task<string> RefusedAsync(Action<JsonObject> section, Action<JsonObject>? config = null)
    {
        var file = TestConfig.SingleCluster("http://127.0.0.1:9/");
        var proxyProtocol = new JsonObject();
        section(proxyProtocol);
        file["EdgeProxy"]!["ProxyProtocol"] = proxyProtocol;
        config?.Invoke(file);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(file));
        return refused.Message;
    }

    [Fact]
    public async Task An_endpoint_name_that_is_no_kestrel_endpoint_is_refused()
    {
        var message = await RefusedAsync(s => { s["Endpoints"] = new JsonArray("Https", "Public"); s["TrustedSenders"] = new JsonArray("10.0.0.0/8"); });

        Assert.Contains("EdgeProxy:ProxyProtocol:Endpoints:1: 'Public' is not an entry of Kestrel:Endpoints (known: Http, Https)", message);
        Assert.DoesNotContain("Endpoints:0", message);
    }

    [Fact]
    public async Task Endpoints_without_trusted_senders_are_refused()
    {
        var message = await RefusedAsync(s => s["Endpoints"] = new JsonArray("Https"));

        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders: empty while Endpoints lists Https", message);
    }

    [Fact]
    public async Task Bad_cidrs_and_a_zero_timeout_are_refused_each_by_its_key()
    {
        var message = await RefusedAsync(s =>
        {
            s["Endpoints"] = new JsonArray("Https");
            s["TrustedSenders"] = new JsonArray("10.0.0.0/8", "10.0.0.1", "10.0.0.0/33", "balancer");
            s["HeaderTimeout"] = "00:00:00";
        });

        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders:1: '10.0.0.1' has no prefix length", message);
        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders:2: '10.0.0.0/33' has an invalid prefix length", message);
        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders:3: 'balancer' has no prefix length", message);
        Assert.DoesNotContain("TrustedSenders:0", message);
        Assert.Contains("EdgeProxy:ProxyProtocol:HeaderTimeout: 00:00:00 must be more than 0", message);
    }

    [Fact]
    public async Task Every_address_a_mapped_range_and_a_long_timeout_are_refused()
    {
        var message = await RefusedAsync(s =>
        {
            s["Endpoints"] = new JsonArray("Https");
            s["TrustedSenders"] = new JsonArray("0.0.0.0/0", "::/0", "::ffff:10.0.0.0/104");
            s["HeaderTimeout"] = "00:01:00";
        });

        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders:0: 0.0.0.0/0 is every address", message);
        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders:1: ::/0 is every address", message);
        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders:2: ::ffff:10.0.0.0/104 is an IPv4-mapped IPv6 range; write it as IPv4", message);
        Assert.Contains("EdgeProxy:ProxyProtocol:HeaderTimeout: 00:01:00 must be more than 0 and at most 00:00:30", message);
    }

    [Fact]
    public async Task Http3_on_a_listed_endpoint_is_refused()
    {
        var message = await RefusedAsync(
            s => { s["Endpoints"] = new JsonArray("Https"); s["TrustedSenders"] = new JsonArray("10.0.0.0/8"); },
            c => c["Kestrel"]!["Endpoints"]!["Https"]!["Protocols"] = "Http1AndHttp2AndHttp3");

        Assert.Contains("EdgeProxy:ProxyProtocol:Endpoints:0: Kestrel:Endpoints:Https:Protocols enables HTTP/3", message);
    }

    [Fact]
    public async Task An_unknown_key_is_refused()
    {
        var message = await RefusedAsync(s => s["TrustedSender"] = new JsonArray("10.0.0.0/8"));

        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSender", message);
    }
}

/// <summary><c>--check</c> refuses the same (native build too).</summary>
[Trait("Process", "Separate")]
public sealed class ProxyProtocolCheckTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private async Task<ProxyProcess.Result> CheckAsync(JsonObject section)
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["ProxyProtocol"] = section;
        var path = _directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        return await ProxyProcess.RunAsync(["--check", "--config", path]);
    }

    [Fact]
    public async Task Check_accepts_a_valid_section_and_refuses_a_missing_endpoint_no_senders_and_a_bad_cidr()
    {
        var valid = await CheckAsync(new JsonObject { ["Endpoints"] = new JsonArray("Https"), ["TrustedSenders"] = new JsonArray("10.0.0.0/8", "fd00::/8"), ["HeaderTimeout"] = "00:00:03" });
        var unknown = await CheckAsync(new JsonObject { ["Endpoints"] = new JsonArray("Tls"), ["TrustedSenders"] = new JsonArray("10.0.0.0/8") });
        var empty = await CheckAsync(new JsonObject { ["Endpoints"] = new JsonArray("Https") });
        var badCidr = await CheckAsync(new JsonObject { ["Endpoints"] = new JsonArray("Https"), ["TrustedSenders"] = new JsonArray("10.0.0.0/40") });

        Assert.True(valid.ExitCode == 0, valid.StandardError);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("EdgeProxy:ProxyProtocol:Endpoints:0: 'Tls' is not an entry of Kestrel:Endpoints", unknown.StandardError);
        Assert.Equal(1, empty.ExitCode);
        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders: empty", empty.StandardError);
        Assert.Equal(1, badCidr.ExitCode);
        Assert.Contains("EdgeProxy:ProxyProtocol:TrustedSenders:0: '10.0.0.0/40' has an invalid prefix length", badCidr.StandardError);
    }
}
