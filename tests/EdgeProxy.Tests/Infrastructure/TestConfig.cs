using System.Text.Json.Nodes;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>Configuration files for tests: every listener on 127.0.0.1 with port 0, quiet logs, fast reloads.</summary>
public static class TestConfig
{
    /// <summary>One catch-all route to cluster <c>main</c> with destinations <c>d0</c>, <c>d1</c>, … at the given addresses.</summary>
    public static JsonObject SingleCluster(params string[] destinationAddresses) => WithProxy(ReverseProxy(destinationAddresses));

    public static JsonObject ReverseProxy(params string[] destinationAddresses) => new()
    {
        ["Routes"] = new JsonObject
        {
            ["all"] = new JsonObject { ["ClusterId"] = "main", ["Match"] = new JsonObject { ["Path"] = "{**catch-all}" } },
        },
        ["Clusters"] = new JsonObject
        {
            ["main"] = new JsonObject { ["Destinations"] = Destinations(destinationAddresses) },
        },
    };

    public static JsonObject Destinations(params string[] addresses)
    {
        var destinations = new JsonObject();
        for (var i = 0; i < addresses.Length; i++)
        {
            destinations[$"d{i}"] = new JsonObject { ["Address"] = addresses[i] };
        }

        return destinations;
    }

    public static JsonObject WithProxy(JsonObject reverseProxy) => new()
    {
        ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
        ["Kestrel"] = new JsonObject
        {
            ["Endpoints"] = new JsonObject
            {
                ["Http"] = new JsonObject { ["Url"] = "http://127.0.0.1:0" },
                ["Https"] = new JsonObject { ["Url"] = "https://127.0.0.1:0" },
            },
        },
        ["EdgeProxy"] = new JsonObject
        {
            ["Admin"] = new JsonObject { ["Url"] = "http://127.0.0.1:0" },
            ["Config"] = new JsonObject { ["Debounce"] = "00:00:00.100" },
            // Tests that trust Cloudflare point the refresher at a fake source on loopback; nothing may reach the internet.
            ["ClientIp"] = new JsonObject { ["TrustCloudflare"] = false },
            // Most tests talk plain HTTP to reach a backend; the redirect (on by default) has tests of its own.
            ["HttpsRedirect"] = false,
            // Access records on the test host's stdout are noise; tests that look at records name a file or syslog.
            ["AccessLog"] = new JsonObject { ["Console"] = false },
        },
        ["ReverseProxy"] = reverseProxy,
    };
}
