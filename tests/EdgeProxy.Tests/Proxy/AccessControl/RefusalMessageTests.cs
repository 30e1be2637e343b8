using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static EdgeProxy.Tests.Proxy.AccessControl.AccessControlScenario;

namespace EdgeProxy.Tests.Proxy.AccessControl;

/// <summary>What the proxy says when it refuses, over real sockets: a one-line text/plain body per refusal, and one lockout log line.</summary>
public sealed class RefusalMessageTests
{
    private static async Task<(int Status, string? ContentType, string Body, string? RetryAfter)> ReadAsync(HttpClient client, string path, string clientIp, (string, string)? credentials = null)
    {
        using var response = await GetAsync(client, path, clientIp, credentials);
        return ((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(),
            response.Headers.TryGetValues("Retry-After", out var values) ? values.Single() : null);
    }

    [Fact]
    public async Task Refusals_by_a_policy_say_what_happened_and_a_lockout_is_logged_once_with_client_and_policy()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var logs = new CollectingLoggerProvider();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = new TempDirectory();
        await File.WriteAllTextAsync(directory.File("users.htpasswd"), ShaLine("alice", "secret") + "\n");
        var config = Config(backend, new JsonObject
        {
            ["p"] = Policy(htpasswd: "users.htpasswd", maxFailures: 2),
            ["office"] = Policy(allow: ["10.0.0.0/8"]),
        });
        config["ReverseProxy"]!["Routes"]!["office"] = new JsonObject
        {
            ["ClusterId"] = "main", ["AuthorizationPolicy"] = "office", ["Match"] = new JsonObject { ["Path"] = "/office/{**rest}" },
        };
        var path = directory.File("appsettings.json");
        await File.WriteAllTextAsync(path, config.ToJsonString());
        await using var proxy = await ProxyUnderTest.StartInAsync(directory, path, services =>
        {
            services.AddSingleton<TimeProvider>(clock);
            services.AddSingleton<ILoggerProvider>(logs);
        });
        using var trusted = proxy.HttpFrom(Trusted);

        var forbidden = await ReadAsync(trusted, "/office/x", "198.51.100.1");
        Assert.Equal((403, "text/plain"), (forbidden.Status, forbidden.ContentType));
        Assert.Equal("Forbidden: access from this client address is not allowed.\n", forbidden.Body);

        var unauthorized = await ReadAsync(trusted, "/admin/x", "203.0.113.5");
        Assert.Equal((401, "text/plain"), (unauthorized.Status, unauthorized.ContentType));
        Assert.Contains("needs a valid user name and password", unauthorized.Body);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(401, (await ReadAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "wrong"))).Status);
        }

        for (var i = 0; i < 2; i++)
        {
            var locked = await ReadAsync(trusted, "/admin/x", "203.0.113.5", ("alice", "secret"));
            Assert.Equal((429, "text/plain"), (locked.Status, locked.ContentType));
            Assert.Equal($"Too many requests: too many wrong passwords from this client; retry after {locked.RetryAfter} seconds.\n", locked.Body);
        }

        var lockouts = logs.Lines.Where(l => l.Contains("locked out", StringComparison.Ordinal)).ToList();
        Assert.Equal("EdgeProxy.AccessControl.AccessPolicyHandler: Client 203.0.113.5 locked out by access policy p: more than 2 wrong passwords within a minute; refused with 429 until the minute has passed",
            Assert.Single(lockouts));
    }

    [Fact]
    public async Task A_rate_limited_client_is_told_when_to_retry()
    {
        await using var backend = await TestBackend.StartAsync("b");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var config = Config(backend, rateLimits: new JsonObject { ["api"] = new JsonObject { ["PermitsPerSecond"] = 0.5, ["Burst"] = 1 } }, policy: null, rateLimit: "api");
        await using var proxy = await ProxyUnderTest.StartAsync(config, services => services.AddSingleton<TimeProvider>(clock));
        using var trusted = proxy.HttpFrom(Trusted);

        Assert.Equal(200, (await ReadAsync(trusted, "/admin/x", "203.0.113.1")).Status);
        var refused = await ReadAsync(trusted, "/admin/x", "203.0.113.1");

        Assert.Equal((429, "text/plain", "2"), (refused.Status, refused.ContentType, refused.RetryAfter));
        Assert.Equal("Too many requests: this client is over the rate limit; retry after 2 seconds.\n", refused.Body);
    }

    [Fact]
    public async Task A_plain_http_request_without_a_host_gets_a_400_saying_so()
    {
        var config = TestConfig.SingleCluster("http://127.0.0.1:9/");
        config["EdgeProxy"]!["HttpsRedirect"] = true;
        await using var proxy = await ProxyUnderTest.StartAsync(config);

        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, proxy.HttpUri!.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /x HTTP/1.0\r\n\r\n"));
        var answer = await new StreamReader(stream, Encoding.ASCII).ReadToEndAsync();

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.Contains("Content-Type: text/plain", answer);
        Assert.EndsWith("Bad request: no Host header to redirect to HTTPS.\n", answer);
    }
}
