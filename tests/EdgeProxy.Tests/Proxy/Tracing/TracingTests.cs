using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Tracing;

/// <summary>
/// Tracing on, the proxy as its own process (an <c>ActivitySource</c> listener is process-wide: in the test host it
/// would trace every other test's proxy) against a real OTLP receiver and a real backend. Runs again on the native
/// build (<c>Process=Separate</c>), which shows the SDK works there. <c>OTEL_BSP_SCHEDULE_DELAY</c> makes the SDK
/// export every 100 ms instead of every 5 s.
/// </summary>
[Trait("Process", "Separate")]
public sealed class TracingTests
{
    private const string ClientIp = "203.0.113.7";
    private const string ApiKey = "s3cret, with=odd %chars";

    private static readonly Dictionary<string, string> FastExport = new() { ["OTEL_BSP_SCHEDULE_DELAY"] = "100" };

    [Fact]
    public async Task A_sampled_traceparent_is_honoured_at_SampleRatio_0_and_its_trace_reaches_the_collector_and_the_backend()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync("A");
        await using var proxy = await ProxyServerProcess.StartAsync(Config(backend, collector.HttpEndpoint, sampleRatio: 0), environment: FastExport);
        using var client = Client(proxy);

        // First a request whose caller did not sample: nothing may be recorded, yet the backend gets the trace.
        const string unsampledTrace = "1af7651916cd43dd8448eb211c80319c";
        await SendAsync(client, $"00-{unsampledTrace}-b7ad6b7169203331-00", baggage: "userId=alice");
        var unsampled = Traceparent(backend);
        // Baggage passes (re-written by .NET's propagator with spaces around '=', which W3C baggage allows).
        Assert.Equal("userId=alice", backend.LastHeaders!["baggage"].ToString().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(unsampledTrace, unsampled.TraceId);
        Assert.False(unsampled.Sampled);

        const string trace = "0af7651916cd43dd8448eb211c80319c";
        const string callerSpan = "b7ad6b7169203331";
        await SendAsync(client, $"00-{trace}-{callerSpan}-01", tracestate: "vendor=abc", baggage: "userId=bob");
        var sent = Traceparent(backend);
        Assert.Equal(trace, sent.TraceId);
        Assert.True(sent.Sampled);
        Assert.NotEqual(callerSpan, sent.SpanId);
        Assert.Equal("vendor=abc", backend.LastHeaders!["tracestate"].ToString());
        Assert.Equal("userId=bob", backend.LastHeaders!["baggage"].ToString().Replace(" ", "", StringComparison.Ordinal));

        // A tracestate beyond W3C's 512 characters is dropped; the trace itself goes on.
        const string longStateTrace = "2af7651916cd43dd8448eb211c80319c";
        await SendAsync(client, $"00-{longStateTrace}-{callerSpan}-01", tracestate: "vendor=" + new string('x', 600));
        Assert.Equal(longStateTrace, Traceparent(backend).TraceId);
        Assert.False(backend.LastHeaders!.ContainsKey("tracestate"), backend.LastHeaders["tracestate"].ToString());

        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(collector.OfTrace(trace).Count() >= 3), TimeSpan.FromSeconds(15)),
            $"the collector got {collector.Spans.Count} spans, not all three of trace {trace}:\n{proxy.Output}");
        var spans = collector.OfTrace(trace).ToList();
        var server = Assert.Single(spans, s => s.Scope == "EdgeProxy");
        Assert.Equal(ReceivedSpan.ServerKind, server.Kind);
        Assert.Equal(callerSpan, server.ParentSpanId);
        Assert.Equal("GET {**catch-all}", server.Name);
        Assert.Equal(ClientIp, server.Attributes["client.address"]);
        Assert.Equal("200", server.Attributes["http.response.status_code"]);
        Assert.Equal("{**catch-all}", server.Attributes["http.route"]);
        Assert.Equal("all", server.Attributes["proxy.route_id"]);
        Assert.Equal("main", server.Attributes["proxy.cluster_id"]);
        Assert.Equal("d0", server.Attributes["proxy.destination_id"]);
        Assert.Equal("/traced", server.Attributes["url.path"]);
        Assert.Equal("edge-test", server.Resource["service.name"]);

        var forwarder = Assert.Single(spans, s => s.Scope == "Yarp.ReverseProxy");
        Assert.Equal(server.SpanId, forwarder.ParentSpanId);
        Assert.Equal("d0", forwarder.Attributes["proxy.destination_id"]);
        var upstream = Assert.Single(spans, s => s.Scope == "System.Net.Http");
        Assert.Equal(ReceivedSpan.ClientKind, upstream.Kind);
        Assert.Equal("GET", upstream.Name);
        Assert.Equal("200", upstream.Attributes["http.response.status_code"]);
        Assert.Equal("proxy.forwarder", forwarder.Name);
        Assert.Equal(forwarder.SpanId, upstream.ParentSpanId);
        // The backend's parent is the proxy's client span: its trace has no gap.
        Assert.Equal(upstream.SpanId, sent.SpanId);

        Assert.Empty(collector.OfTrace(unsampledTrace));
        // Headers reach the collector as configured (the SDK's percent-encoded list, decoded).
        Assert.Equal(ApiKey, collector.LastHeaders!["X-Api-Key"].ToString());

        var status = (await proxy.GetStatusAsync())["tracing"]!;
        Assert.True((bool)status["enabled"]!);
        Assert.Equal($"{collector.HttpEndpoint}/v1/traces", (string?)status["endpoint"]);
        Assert.DoesNotContain("s3cret", status.ToJsonString(), StringComparison.Ordinal);
        Assert.True(await Eventually.HoldsAsync(async () => await proxy.MetricAsync("edgeproxy_tracing_exported_total") >= 3, TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_tracing_dropped_total"));
    }

    [Fact]
    public async Task At_SampleRatio_1_a_request_without_traceparent_starts_a_trace_the_backend_continues()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync("A");
        await using var proxy = await ProxyServerProcess.StartAsync(Config(backend, collector.HttpEndpoint, sampleRatio: 1), environment: FastExport);
        using var client = Client(proxy);

        await SendAsync(client, traceparent: null);
        var sent = Traceparent(backend);
        Assert.True(sent.Sampled);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(collector.OfTrace(sent.TraceId).Count() >= 3), TimeSpan.FromSeconds(15)),
            $"no spans of trace {sent.TraceId} at the collector:\n{proxy.Output}");
        Assert.Equal("", collector.OfTrace(sent.TraceId).Single(s => s.Scope == "EdgeProxy").ParentSpanId);
    }

    [Fact]
    public async Task Spans_go_over_gRPC_when_Protocol_is_Grpc()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync("A");
        var config = Config(backend, collector.GrpcEndpoint, sampleRatio: 0);
        config["EdgeProxy"]!["Tracing"]!["Protocol"] = "Grpc";
        await using var proxy = await ProxyServerProcess.StartAsync(config, environment: FastExport);
        using var client = Client(proxy);

        const string trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        await SendAsync(client, $"00-{trace}-00f067aa0ba902b7-01");
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(collector.OfTrace(trace).Count() >= 3), TimeSpan.FromSeconds(15)),
            $"no spans of trace {trace} over gRPC:\n{proxy.Output}");
        Assert.Equal(ApiKey, collector.LastHeaders!["x-api-key"].ToString());
    }

    [Fact]
    public async Task With_the_collector_down_requests_are_answered_and_the_lost_spans_are_counted()
    {
        await using var backend = await TestBackend.StartAsync("A");
        // A port nothing listens on: every export is refused.
        var closed = $"http://127.0.0.1:{FreePort.Next()}";
        await using var proxy = await ProxyServerProcess.StartAsync(Config(backend, closed, sampleRatio: 1), environment: FastExport);
        using var client = Client(proxy);

        for (var i = 0; i < 20; i++)
        {
            // The client's timeout bounds each request: a request waiting on the exporter would fail here.
            await SendAsync(client, traceparent: null);
        }

        // Three spans per request (ours, YARP's forwarder span, HttpClient's), all lost.
        Assert.True(await Eventually.HoldsAsync(async () => await proxy.MetricAsync("edgeproxy_tracing_dropped_total") >= 60, TimeSpan.FromSeconds(15)),
            $"dropped spans not counted:\n{await proxy.GetMetricsAsync()}");
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_tracing_exported_total"));
        var status = (await proxy.GetStatusAsync())["tracing"]!;
        Assert.True((long)status["dropped"]! >= 60);
        Assert.NotNull((string?)status["lastFailure"]);
        Assert.True(await proxy.LogsAsync("could not be exported"), proxy.Output);
    }

    [Fact]
    public async Task With_a_collector_that_never_answers_requests_are_answered_and_spans_beyond_the_queue_are_counted()
    {
        // The exporter's first batch hangs at the collector; a queue of 4 then fills and everything after is dropped.
        await using var collector = await OtlpReceiver.StartAsync(hang: true);
        await using var backend = await TestBackend.StartAsync("A");
        var environment = new Dictionary<string, string>(FastExport) { ["OTEL_BSP_MAX_QUEUE_SIZE"] = "4", ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE"] = "2" };
        await using var proxy = await ProxyServerProcess.StartAsync(Config(backend, collector.HttpEndpoint, sampleRatio: 1), environment: environment);
        using var client = Client(proxy);

        await SendAsync(client, traceparent: null);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(collector.ExportsStarted > 0), TimeSpan.FromSeconds(10)), "no export reached the collector");
        for (var i = 0; i < 10; i++)
        {
            await SendAsync(client, traceparent: null);
        }

        // 30 spans after the held batch, at most 4 of them queued.
        Assert.True(await proxy.MetricAsync("edgeproxy_tracing_dropped_total") >= 26, await proxy.GetMetricsAsync());
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_tracing_exported_total"));
        Assert.Equal(1, collector.ExportsStarted);
    }

    private static JsonObject Config(TestBackend backend, string collector, double sampleRatio)
    {
        var config = TestConfig.SingleCluster(backend.Address);
        config["EdgeProxy"]!["ClientIp"]!["TrustedNetworks"] = new JsonArray("127.0.0.1/32");
        config["EdgeProxy"]!["Tracing"] = new JsonObject
        {
            ["Enabled"] = true,
            ["OtlpEndpoint"] = collector,
            ["SampleRatio"] = sampleRatio,
            ["ServiceName"] = "edge-test",
            ["Headers"] = new JsonObject { ["X-Api-Key"] = ApiKey },
        };
        return config;
    }

    private static HttpClient Client(ProxyServerProcess proxy) => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = new Uri($"http://127.0.0.1:{proxy.HttpPort}/"),
        Timeout = TimeSpan.FromSeconds(10),
    };

    private static async Task SendAsync(HttpClient client, string? traceparent, string? tracestate = null, string? baggage = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/traced");
        request.Headers.Add("CF-Connecting-IP", ClientIp);
        if (traceparent is not null)
        {
            request.Headers.Add("traceparent", traceparent);
        }

        if (tracestate is not null)
        {
            request.Headers.Add("tracestate", tracestate);
        }

        if (baggage is not null)
        {
            request.Headers.Add("baggage", baggage);
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The backend's traceparent; sampled is the flags' lowest bit (.NET also sets 0x02, "random trace id", on traces it starts).</summary>
    private static (string TraceId, string SpanId, bool Sampled) Traceparent(TestBackend backend)
    {
        var parts = backend.LastHeaders!["traceparent"].ToString().Split('-');
        Assert.Equal(4, parts.Length);
        return (parts[1], parts[2], (Convert.ToInt32(parts[3], 16) & 1) == 1);
    }
}
