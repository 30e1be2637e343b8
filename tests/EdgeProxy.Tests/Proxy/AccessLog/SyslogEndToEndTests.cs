using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>The proxy sending records (and its own warnings) to syslog collectors on loopback.</summary>
public sealed class SyslogEndToEndTests
{
    private static JsonObject SyslogConfig(string destination, string address, Action<JsonObject>? syslog = null, Action<JsonObject>? accessLog = null)
    {
        var config = TestConfig.SingleCluster(destination);
        var edge = config["EdgeProxy"]!.AsObject();
        var log = new JsonObject { ["Console"] = false, ["Syslog"] = true };
        accessLog?.Invoke(log);
        edge["AccessLog"] = log;
        var section = new JsonObject { ["Address"] = address, ["Facility"] = "local3", ["AppName"] = "edge-test", ["ReconnectDelay"] = "00:00:00.050", ["MaxReconnectDelay"] = "00:00:00.200" };
        syslog?.Invoke(section);
        edge["Syslog"] = section;
        return config;
    }

    private static async Task<Rfc5424Message> WaitForAsync(IEnumerable<string> messages, Func<Rfc5424Message, bool> match)
    {
        Rfc5424Message? found = null;
        var held = await Eventually.HoldsAsync(() =>
        {
            found = messages.Select(Rfc5424Message.Parse).FirstOrDefault(match);
            return Task.FromResult(found is not null);
        }, TimeSpan.FromSeconds(15));
        Assert.True(held, "no matching syslog message in:\n" + string.Join("\n", messages));
        return found!;
    }

    private static string PathOf(Rfc5424Message m) => JsonDocument.Parse(m.Message).RootElement.Text("path");

    [Fact]
    public async Task Udp_gets_one_rfc5424_datagram_per_record_with_pri_from_facility_and_severity_and_the_json_record_as_message()
    {
        await using var backend = await TestBackend.StartAsync("app");
        using var collector = new UdpSyslogReceiver();
        await using var proxy = await ProxyUnderTest.StartAsync(SyslogConfig(backend.Address, $"udp://127.0.0.1:{collector.Port}"));

        Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/udp%0A?x=%0D")).StatusCode);

        var message = await WaitForAsync(collector.Messages, m => m.MsgId == "access" && PathOf(m) == "/udp%0A");
        Assert.Equal((19 * 8) + 6, message.Priority); // local3, informational
        Assert.Equal(19, message.Facility);
        Assert.Equal(6, message.Severity);
        Assert.Equal(1, message.Version);
        Assert.True(DateTimeOffset.TryParse(message.Timestamp, out var time), message.Timestamp);
        Assert.EndsWith("Z", message.Timestamp, StringComparison.Ordinal);
        Assert.True((DateTimeOffset.UtcNow - time).Duration() < TimeSpan.FromHours(1));
        Assert.Equal("edge-test", message.AppName);
        Assert.Equal(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), message.ProcId);
        Assert.Equal("-", message.StructuredData);
        Assert.DoesNotContain('\n', message.Message);
        var record = JsonDocument.Parse(message.Message).RootElement;
        Assert.Equal("x=%0D", record.Text("query"));
        Assert.Equal(200, record.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Tcp_frames_by_octet_count_and_the_proxys_own_warnings_arrive_in_the_same_stream()
    {
        await using var backend = await TestBackend.StartAsync("app");
        using var collector = new TcpSyslogReceiver();
        await using var proxy = await ProxyUnderTest.StartAsync(SyslogConfig(backend.Address, $"tcp://127.0.0.1:{collector.Port}"));

        Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/tcp")).StatusCode);
        await WaitForAsync(collector.Messages, m => m.MsgId == "access" && PathOf(m) == "/tcp");

        // A refused edit is one of the proxy's own warnings.
        await proxy.EditInPlaceAsync("{ not json");
        var warning = await WaitForAsync(collector.Messages, m => m.MsgId == "log");
        Assert.Equal(19, warning.Facility);
        Assert.InRange(warning.Severity, 0, 4); // warning or worse
        var entry = JsonDocument.Parse(warning.Message).RootElement;
        Assert.False(string.IsNullOrEmpty(entry.Text("message")));
        Assert.False(string.IsNullOrEmpty(entry.Text("category")));
        Assert.Empty(collector.BadFrames);
    }

    [Fact]
    public async Task Tls_reaches_a_collector_whose_certificate_chains_to_the_configured_ca_and_never_one_that_does_not()
    {
        await using var backend = await TestBackend.StartAsync("app");
        using var directory = new TempDirectory();
        var (leaf, rootPath) = TestCertificates.WriteChain(directory.Path, "collector");
        var (_, otherRoot) = TestCertificates.WriteChain(directory.Path, "other");
        using var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(leaf.CertificatePath, leaf.KeyPath);
        using var collector = new TcpSyslogReceiver(certificate: certificate);

        await using (var proxy = await ProxyUnderTest.StartAsync(SyslogConfig(backend.Address, $"tls://127.0.0.1:{collector.Port}", s => s["CaPath"] = otherRoot)))
        {
            Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/untrusted-collector")).StatusCode);
            Assert.True(await Eventually.HoldsAsync(async () => await proxy.MetricAsync("edgeproxy_access_log_dropped_total{target=\"syslog\"}") > 0, TimeSpan.FromSeconds(15)));
            Assert.Empty(collector.Messages);
        }

        await using (var proxy = await ProxyUnderTest.StartAsync(SyslogConfig(backend.Address, $"tls://127.0.0.1:{collector.Port}", s => s["CaPath"] = rootPath)))
        {
            Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/tls")).StatusCode);
            var message = await WaitForAsync(collector.Messages, m => m.MsgId == "access" && PathOf(m) == "/tls");
            Assert.Equal(19, message.Facility);
        }
    }

    [Fact]
    public async Task A_collector_that_goes_away_never_fails_a_request_drops_are_counted_and_records_resume_when_it_is_back()
    {
        await using var backend = await TestBackend.StartAsync("app");
        using var collector = new TcpSyslogReceiver();
        await using var proxy = await ProxyUnderTest.StartAsync(SyslogConfig(backend.Address, $"tcp://127.0.0.1:{collector.Port}", accessLog: a => a["QueueSize"] = 4));
        Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/before")).StatusCode);
        await WaitForAsync(collector.Messages, m => m.MsgId == "access" && PathOf(m) == "/before");

        collector.Stop();
        // Requests keep flowing while the collector is gone: every one succeeds, and the full queue drops (and counts).
        var down = 0;
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync($"/down{down++}")).StatusCode);
            }

            return await proxy.MetricAsync("edgeproxy_access_log_dropped_total{target=\"syslog\"}") > 0;
        }, TimeSpan.FromSeconds(20)));

        collector.Start(collector.Port);
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            Assert.Equal(HttpStatusCode.OK, (await proxy.Http.GetAsync("/after")).StatusCode);
            return collector.Messages.Select(Rfc5424Message.Parse).Any(m => m.MsgId == "access" && PathOf(m) == "/after");
        }, TimeSpan.FromSeconds(20)), "no record after the collector came back");
    }

    [Fact]
    public async Task A_collector_that_stops_reading_never_delays_a_request_its_full_queue_drops_and_counts()
    {
        await using var backend = await TestBackend.StartAsync("app");
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start(); // accepts (the kernel does) but never reads: the proxy's socket buffers fill, then its queue
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var proxy = await ProxyUnderTest.StartAsync(SyslogConfig(backend.Address, $"tcp://127.0.0.1:{port}", accessLog: a => a["QueueSize"] = 4));
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = proxy.HttpUri, Timeout = TimeSpan.FromSeconds(10) };
        var bulky = new string('x', 16_000); // a big record fills the buffers sooner

        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/slow-collector");
                request.Headers.TryAddWithoutValidation("User-Agent", bulky);
                using var response = await client.SendAsync(request); // a request waiting on the collector would time out here
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            return await proxy.MetricAsync("edgeproxy_access_log_dropped_total{target=\"syslog\"}") > 0;
        }, TimeSpan.FromSeconds(30)));
    }

    [Theory]
    [InlineData("Address", "http://127.0.0.1:514", "EdgeProxy:Syslog:Address")]
    [InlineData("Facility", "local9", "EdgeProxy:Syslog:Facility")]
    [InlineData("AppName", "edge proxy", "EdgeProxy:Syslog:AppName")]
    public async Task Bad_syslog_keys_stop_the_start_naming_the_key(string key, string value, string named)
    {
        var config = SyslogConfig("http://127.0.0.1:1", "udp://127.0.0.1:514", s => s[key] = value);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(config));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Syslog_records_without_an_address_stop_the_start()
    {
        var config = SyslogConfig("http://127.0.0.1:1", "udp://127.0.0.1:514");
        config["EdgeProxy"]!["Syslog"]!.AsObject().Remove("Address");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ProxyUnderTest.StartAsync(config));

        Assert.Contains("EdgeProxy:AccessLog:Syslog", error.Message, StringComparison.Ordinal);
    }
}
