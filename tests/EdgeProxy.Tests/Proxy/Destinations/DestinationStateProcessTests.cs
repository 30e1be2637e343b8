using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Destinations;

/// <summary>
/// The runtime state file across a real process restart, as operators restart (and as the native build runs: the file
/// is read and written with source-generated JSON).
/// </summary>
[Trait("Process", "Separate")]
public sealed class DestinationStateProcessTests
{
    private const string Token = "process-token-0123456789";

    [Fact]
    public async Task A_drain_set_with_the_token_survives_a_restart_of_the_process()
    {
        await using var a = await GatedBackend.StartAsync("a");
        await using var b = await GatedBackend.StartAsync("b");
        using var directory = new TempDirectory();
        var config = DestinationStatesTests.Config(a, b);
        config["EdgeProxy"]!["Admin"]!["Token"] = Token;
        await using (var first = await ProxyServerProcess.StartAsync(config, directory))
        {
            Assert.Equal(401, (await DestinationApi.SetAsync(first.Admin, "main", "d1", "drain")).Status);
            await first.SetOkAsync("d1", "drain", Token);
            Assert.True(await first.LogsAsync("Destination main/d1: ready -> drain, set by 127.0.0.1"), first.Output);
        }

        await using var second = await ProxyServerProcess.StartAsync(config, directory);

        Assert.Equal("drain", (string?)(await second.GetAsync("d1"))["state"]);
        Assert.Equal("127.0.0.1", (string?)(await second.GetAsync("d1"))["stateChangedBy"]);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{second.HttpPort}") };
        Assert.All(await DestinationApi.BackendsAsync(http, 6), answer => Assert.Equal("backend=a", answer));
        Assert.True(await second.LogsAsync("main/d1 starts in state drain"), second.Output);
    }
}
