using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;

namespace EdgeProxy.Tests.Proxy.DataProtection;

/// <summary>
/// Replicas as separate processes, each in its own folder (so ASP.NET Core's default application name, the content
/// root, differs as it does between machines): a YARP <c>Cookie</c> affinity value made by one replica is honoured by
/// another that shares <c>EdgeProxy:DataProtection:KeysPath</c>, and by the first after a restart.
/// </summary>
[Trait("Process", "Separate")]
public sealed class SharedKeyRingTests : IAsyncLifetime
{
    private const string AffinityCookie = "edgeproxy-affinity";

    private readonly TempDirectory _sharedKeys = new();
    private readonly List<TempDirectory> _folders = [];
    private TestBackend _backend0 = null!;
    private TestBackend _backend1 = null!;

    public async Task InitializeAsync()
    {
        _backend0 = await TestBackend.StartAsync("zero");
        _backend1 = await TestBackend.StartAsync("one");
    }

    public async Task DisposeAsync()
    {
        await _backend0.DisposeAsync();
        await _backend1.DisposeAsync();
        _folders.ForEach(f => f.Dispose());
        _sharedKeys.Dispose();
    }

    [Fact]
    public async Task A_replica_sharing_the_key_ring_read_only_sends_the_affinitized_request_to_the_same_destination()
    {
        var (cookie, destination) = await IssueAffinityAsync(Folder());

        // The way the Kubernetes overlay runs it: the ring mounted read-only, no keys made by this replica.
        await using var other = await ProxyServerProcess.StartAsync(Config(_sharedKeys.Path, generateKeys: false), Folder());
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(destination, await BackendWithCookieAsync(other, cookie));
        }
    }

    [Fact]
    public async Task The_issuing_replica_honours_its_affinity_value_after_a_restart()
    {
        var folder = Folder();
        var (cookie, destination) = await IssueAffinityAsync(folder);

        await using var restarted = await ProxyServerProcess.StartAsync(Config(_sharedKeys.Path, generateKeys: true), folder);

        Assert.Equal(destination, await BackendWithCookieAsync(restarted, cookie));
    }

    [Fact]
    public async Task A_replica_with_a_key_ring_of_its_own_does_not_honour_the_affinity_value()
    {
        var (cookie, _) = await IssueAffinityAsync(Folder());
        using var ownKeys = new TempDirectory();

        await using var other = await ProxyServerProcess.StartAsync(Config(ownKeys.Path, generateKeys: true), Folder());
        using var response = await SendWithCookieAsync(other, cookie);

        // FailurePolicy Return503Error: a value that cannot be unprotected is refused instead of redistributed.
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task A_read_only_ring_whose_only_key_has_expired_is_refused_at_start_not_at_the_first_request()
    {
        // A key made the usual way, then aged past its expiry, as in a Secret nobody rotated: data protection would
        // refuse to protect anything with it and may not write a new one.
        DataProtectionProvider.Create(new DirectoryInfo(_sharedKeys.Path)).CreateProtector("age").Protect("key made");
        var keyFile = Assert.Single(Directory.GetFiles(_sharedKeys.Path, "key-*.xml"));
        var key = XDocument.Load(keyFile);
        var now = DateTimeOffset.UtcNow;
        foreach (var (element, age) in new[] { ("creationDate", 200), ("activationDate", 200), ("expirationDate", 10) })
        {
            key.Root!.Element(element)!.Value = now.AddDays(-age).ToString("O", CultureInfo.InvariantCulture);
        }

        key.Save(keyFile);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyServerProcess.StartAsync(Config(_sharedKeys.Path, generateKeys: false), Folder()));

        Assert.Contains("EdgeProxy:DataProtection:KeysPath", refused.Message);
        Assert.Contains("every key has expired", refused.Message);
    }

    /// <summary>A first replica (writing keys to the shared ring) answers a request without affinity; it then stops.</summary>
    private async Task<(string Cookie, string Destination)> IssueAffinityAsync(TempDirectory folder)
    {
        await using var first = await ProxyServerProcess.StartAsync(Config(_sharedKeys.Path, generateKeys: true), folder);
        using var client = Client(first);
        using var response = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var setCookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(AffinityCookie + "=", StringComparison.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(_sharedKeys.Path, "key-*.xml"));
        return (setCookie.Split(';')[0], await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> BackendWithCookieAsync(ProxyServerProcess proxy, string cookie)
    {
        using var response = await SendWithCookieAsync(proxy, cookie);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{proxy.Output}");
        return body;
    }

    private static async Task<HttpResponseMessage> SendWithCookieAsync(ProxyServerProcess proxy, string cookie)
    {
        using var client = Client(proxy);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    private static HttpClient Client(ProxyServerProcess proxy) =>
        new(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{proxy.HttpPort}") };

    private TempDirectory Folder()
    {
        var folder = new TempDirectory();
        _folders.Add(folder);
        return folder;
    }

    private JsonObject Config(string keysPath, bool generateKeys)
    {
        var config = TestConfig.SingleCluster(_backend0.Address, _backend1.Address);
        config["ReverseProxy"]!["Clusters"]!["main"]!["SessionAffinity"] = new JsonObject
        {
            ["Enabled"] = true,
            ["Policy"] = "Cookie", // the policy that protects its value with data protection (HashCookie, the default, does not)
            ["FailurePolicy"] = "Return503Error",
            ["AffinityKeyName"] = AffinityCookie,
        };
        config["EdgeProxy"]!["DataProtection"] = new JsonObject { ["KeysPath"] = keysPath, ["GenerateKeys"] = generateKeys };
        return config;
    }
}
