using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace EdgeProxy.Tests.Proxy.ReverseProxy;

/// <summary>Upstream timeouts for clusters that set none, and the answers the proxy makes when upstream fails.</summary>
public sealed class UpstreamTests
{
    /// <summary>A backend that answers after <c>?delay=ms</c>, or at once with the status in <c>?status=</c>.</summary>
    private static Task<(Microsoft.AspNetCore.Builder.WebApplication App, Uri BaseUri)> SlowBackendAsync() => LoopbackApp.StartAsync(async context =>
    {
        if (int.TryParse(context.Request.Query["status"], out var status))
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync("the backend's own page");
            return;
        }

        await Task.Delay(int.Parse(context.Request.Query["delay"].ToString() is { Length: > 0 } d ? d : "0", System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
        await context.Response.WriteAsync("late but here");
    });

    private static async Task<string> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    [Fact]
    public async Task The_upstream_activity_timeout_applies_to_clusters_without_their_own_and_a_clusters_own_wins()
    {
        var (backend, uri) = await SlowBackendAsync();
        await using var _ = backend;
        var config = TestConfig.SingleCluster(uri.ToString());
        config["EdgeProxy"]!["Upstream"] = new JsonObject { ["ActivityTimeout"] = "00:00:01" };
        var reverseProxy = config["ReverseProxy"]!.AsObject();
        reverseProxy["Routes"]!["patient"] = new JsonObject { ["ClusterId"] = "patient", ["Match"] = new JsonObject { ["Path"] = "/patient/{**rest}" } };
        reverseProxy["Clusters"]!["patient"] = new JsonObject
        {
            ["HttpRequest"] = new JsonObject { ["ActivityTimeout"] = "00:00:10" },
            ["Destinations"] = TestConfig.Destinations(uri.ToString()),
        };
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        Assert.Equal("504 504 Gateway Timeout: the upstream server did not answer in time.\n", await GetAsync(proxy.Http, "/slow?delay=3000"));
        Assert.Equal("200 late but here", await GetAsync(proxy.Http, "/patient/slow?delay=3000"));
    }

    [Fact]
    public async Task A_dead_destination_gets_a_short_502_and_the_reason_in_the_log_while_a_backends_own_502_passes()
    {
        var (backend, uri) = await SlowBackendAsync();
        await using var _ = backend;
        var logs = new CollectingLoggerProvider();
        var config = TestConfig.SingleCluster(uri.ToString());
        var reverseProxy = config["ReverseProxy"]!.AsObject();
        reverseProxy["Routes"]!["dead"] = new JsonObject { ["ClusterId"] = "dead", ["Match"] = new JsonObject { ["Path"] = "/dead/{**rest}" } };
        reverseProxy["Clusters"]!["dead"] = new JsonObject { ["Destinations"] = TestConfig.Destinations("http://127.0.0.1:9/") };
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));

        Assert.Equal("502 502 Bad Gateway: the upstream server could not be reached or did not answer properly.\n", await GetAsync(proxy.Http, "/dead/x"));
        Assert.Equal("502 the backend's own page", await GetAsync(proxy.Http, "/x?status=502"));
        Assert.True(await logs.LoggedAsync(l => l.Contains("Answered 502: route dead, cluster dead, destination d0: Request", StringComparison.Ordinal)), string.Join("\n", logs.Lines));
    }

    [Fact]
    public async Task The_upstream_connect_timeout_ends_a_connect_that_hangs()
    {
        // A listener whose accept queue is full: the kernel drops further SYNs, so connecting hangs.
        using var full = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        full.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        full.Listen(0);
        var port = ((IPEndPoint)full.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        for (var i = 0; i < 4; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            try
            {
                filler.Connect(new IPEndPoint(IPAddress.Loopback, port));
            }
            catch (SocketException)
            {
                // in progress
            }

            fillers.Add(filler);
        }

        try
        {
            var config = TestConfig.SingleCluster($"http://127.0.0.1:{port}/");
            config["EdgeProxy"]!["Upstream"] = new JsonObject { ["ConnectTimeout"] = "00:00:01" };
            await using var proxy = await ProxyUnderTest.StartAsync(config);
            using var client = new HttpClient { BaseAddress = proxy.HttpUri, Timeout = TimeSpan.FromSeconds(10) }; // YARP's own connect timeout is 15 s

            Assert.StartsWith("504 ", await GetAsync(client, "/"));
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
        }
    }
}
