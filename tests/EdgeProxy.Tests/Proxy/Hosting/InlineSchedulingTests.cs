using System.Net;
using EdgeProxy.Hosting;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Proxy.Hosting;

/// <summary>Kestrel continues connections on their socket's event thread unless the operator turned inline completions off.</summary>
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
    public async Task The_proxy_serves_with_inline_scheduling_on()
    {
        await using var backend = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster(backend.Address));

        Assert.Equal(RuntimeTuning.PreferInlineScheduling(Environment.GetEnvironmentVariable(RuntimeTuning.InlineCompletions)),
            proxy.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling);
        for (var i = 0; i < 3; i++)
        {
            using var response = await proxy.Http.GetAsync($"/inline/{i}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }
}
