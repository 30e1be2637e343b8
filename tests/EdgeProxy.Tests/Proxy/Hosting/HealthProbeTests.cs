using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Hosting;

/// <summary><c>EdgeProxy --probe URL</c>, the container image's health check: exit 0 on 2xx only, no configuration needed.</summary>
[Trait("Process", "Separate")]
public sealed class HealthProbeTests
{
    [Fact]
    public async Task A_probe_exits_zero_on_a_2xx_answer_and_one_on_anything_else_without_reading_a_configuration()
    {
        await using var backend = await TestBackend.StartAsync("b");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));
        var missingConfig = new Dictionary<string, string> { ["EDGEPROXY_CONFIG"] = "/nonexistent/appsettings.json" };

        var healthy = await ProxyProcess.RunAsync(["--probe", new Uri(proxy.AdminUri, "/healthz").ToString()], missingConfig);
        var notFound = await ProxyProcess.RunAsync(["--probe", new Uri(proxy.AdminUri, "/no-such-path").ToString()], missingConfig);
        var refused = await ProxyProcess.RunAsync(["--probe", "http://127.0.0.1:9/healthz"], missingConfig);
        var notHttp = await ProxyProcess.RunAsync(["--probe", "healthz"], missingConfig);

        Assert.True(healthy.ExitCode == 0, healthy.Output);
        Assert.Equal(1, notFound.ExitCode);
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal(1, notHttp.ExitCode);
        Assert.Contains("http://", notHttp.StandardError);
    }
}
