using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Tracing;

/// <summary>Tracing configured but not enabled: nothing listens, so trace headers pass byte for byte and nothing is exported.</summary>
public sealed class TracingDisabledTests
{
    [Fact]
    public async Task A_configured_but_disabled_tracer_changes_no_header_and_exports_nothing()
    {
        await using var collector = await OtlpReceiver.StartAsync();
        await using var backend = await TestBackend.StartAsync("A");
        var config = TestConfig.SingleCluster(backend.Address);
        config["EdgeProxy"]!["Tracing"] = new System.Text.Json.Nodes.JsonObject
        {
            ["Enabled"] = false,
            ["OtlpEndpoint"] = collector.HttpEndpoint,
            ["SampleRatio"] = 1,
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);
        const string traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        const string tracestate = "vendor=abc,other=x";
        const string baggage = "userId=alice";

        using var traced = new HttpRequestMessage(HttpMethod.Get, "/traced");
        traced.Headers.Add("traceparent", traceparent);
        traced.Headers.Add("tracestate", tracestate);
        traced.Headers.Add("baggage", baggage);
        using (await proxy.Http.SendAsync(traced))
        {
            Assert.Equal(traceparent, backend.LastHeaders!["traceparent"].ToString());
            Assert.Equal(tracestate, backend.LastHeaders!["tracestate"].ToString());
            Assert.Equal(baggage, backend.LastHeaders!["baggage"].ToString());
        }

        using (await proxy.Http.GetAsync("/untraced"))
        {
            Assert.False(backend.LastHeaders!.ContainsKey("traceparent"), $"the proxy made up a traceparent: {backend.LastHeaders!["traceparent"]}");
        }

        Assert.Equal("{\"enabled\":false}", (await proxy.GetStatusAsync())["tracing"]!.ToJsonString());
        Assert.Equal(0, await proxy.MetricAsync("edgeproxy_tracing_exported_total"));
        Assert.Equal(0, collector.Exports);
    }
}
