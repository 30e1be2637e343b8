using EdgeProxy.Tests.Infrastructure;
using static EdgeProxy.Tests.Proxy.ClientIp.ClientIpScenario;

namespace EdgeProxy.Tests.Proxy.ClientIp;

/// <summary>
/// Client-address headers other proxies, CDNs and load balancers use (and frameworks read as the client IP) never reach
/// a backend, whoever sends them and in whichever spelling: the backend's only client address is the proxy's own.
/// </summary>
public sealed class ClientAddressHeaderTests
{
    private static readonly string[] ClientAddressHeaders =
    [
        "Client-IP", "X-Client-IP", "X-Originating-IP", "X-Remote-IP", "X-Remote-Addr", "X-Cluster-Client-IP",
        "Fastly-Client-IP", "X-ProxyUser-Ip", "Forwarded-For", "X-Forwarded", "X-Envoy-External-Address",
    ];

    public static TheoryData<string> Peers => ["trusted", "untrusted"];

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task No_client_address_header_nor_its_underscore_twin_reaches_the_backend(string peer)
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(Config(backend));
        using var client = proxy.HttpFrom(peer == "trusted" ? Trusted : Untrusted);

        var names = ClientAddressHeaders.Concat(ClientAddressHeaders.Select(n => n.Replace('-', '_'))).ToArray();
        var seen = await SendAsync(client, backend, [.. names.Select(n => (n, "6.6.6.6")), ("X-Innocent", "kept")]);

        Assert.Equal("kept", seen["X-Innocent"]); // the check can see a header arrive
        var reached = names.Where(n => seen[n] is not null).ToList();
        Assert.Empty(reached);
        Assert.Empty(seen.Headers.Where(h => h.Value.ToString().Contains("6.6.6.6", StringComparison.Ordinal)).Select(h => h.Key));
    }
}
