using System.Net;
using System.Text.Json.Nodes;
using EdgeProxy.Hosting;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Proxy.Hosting;

/// <summary><c>EdgeProxy:Connections:InlineScheduling</c> (on by default): Kestrel continues connections on their socket's event thread, unless inline completions are off.</summary>
public sealed class InlineSchedulingTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    [InlineData("false", false)]
    public void Follows_the_inline_completions_variable(string? value, bool expected) =>
        Assert.Equal(expected, RuntimeTuning.PreferInlineScheduling(value));

    [Fact]
    public async Task It_is_on_by_default_and_the_key_turns_it_off()
    {
        await using (var byDefault = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster("http://127.0.0.1:9/")))
        {
            Assert.Equal(RuntimeTuning.PreferInlineScheduling(Environment.GetEnvironmentVariable(RuntimeTuning.InlineCompletions)),
                byDefault.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
        }

        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["Connections"] = new JsonObject { ["InlineScheduling"] = false };
        await using var off = await ProxyUnderTest.StartAsync(config);
        Assert.False(off.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
    }

    [Fact]
    public async Task A_full_console_queue_drops_lines_instead_of_holding_up_event_threads()
    {
        await using (var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster("http://127.0.0.1:9/")))
        {
            Assert.Equal(ConsoleLoggerQueueFullMode.DropWrite, proxy.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.QueueFullMode);
        }

        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["Logging"]!["Console"] = new JsonObject { ["QueueFullMode"] = "Wait" };
        await using var waiting = await ProxyUnderTest.StartAsync(config);
        Assert.Equal(ConsoleLoggerQueueFullMode.Wait, waiting.Services.GetRequiredService<IOptions<ConsoleLoggerOptions>>().Value.QueueFullMode);
    }

    [Fact]
    public async Task Turned_off_the_proxy_serves()
    {
        await using var backend = await TestBackend.StartAsync("app");
        var config = TestConfig.SingleCluster(backend.Address);
        config["EdgeProxy"]!["Connections"] = new JsonObject { ["InlineScheduling"] = false };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        for (var i = 0; i < 3; i++)
        {
            using var response = await proxy.Http.GetAsync($"/inline/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
