using System.Diagnostics;
using System.Globalization;

namespace EdgeProxy.Reliability;

/// <summary>Cloudflare's range lists served by a loopback fake source that answers, one after the other, HTML, an empty
/// 200, a 500, too slowly, and <c>0.0.0.0/0</c> / <c>::/0</c>. The proxy starts on its shipped snapshot and retries
/// after 1, 2, 4, 8 s. Figure: changes of the trusted set (origin and count in <c>/status</c>, and <c>/trust</c> for
/// probe addresses) after each bad answer (want 0), and the refusal reason the proxy gave.</summary>
public static class RangeSource
{
    private static readonly string[] Probes = ["173.245.48.1", "104.16.0.1", "2606:4700::1", "8.8.8.8", "10.0.0.1", "1.2.3.4", "2001:db8::1"];

    public static async Task<Row> RunAsync(Harness harness)
    {
        var mode = "html";
        var sourcePort = Harness.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{sourcePort}");
        await using var source = builder.Build();
        source.MapGet("/ips-{family}", async (string family, HttpContext context) =>
        {
            switch (mode)
            {
                case "html":
                    return Results.Content("<html><body>Please sign in to the guest Wi-Fi</body></html>", "text/html");
                case "empty":
                    return Results.Content("", "text/plain");
                case "500":
                    return Results.StatusCode(500);
                case "slow":
                    await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted);
                    return Results.Content("173.245.48.0/20\n", "text/plain");
                default:
                    return Results.Content(family == "v4" ? "0.0.0.0/0\n" : "::/0\n", "text/plain");
            }
        });
        await source.StartAsync();

        var proxy = await harness.StartProxyWithOneBackendAsync($$"""
            "ClientIp": { "TrustCloudflare": true },
            "Cloudflare": { "Sources": [ "http://127.0.0.1:{{sourcePort}}/ips-v4", "http://127.0.0.1:{{sourcePort}}/ips-v6" ],
              "RefreshInterval": "00:01:00", "MinRetryInterval": "00:00:01", "Timeout": "00:00:02" },
            """);

        var before = await TrustedSetAsync(proxy);
        var changes = 0;
        var results = new List<string>();
        foreach (var next in new[] { "html", "empty", "500", "slow", "wide" })
        {
            var failures = (await proxy.StatusAsync())["cloudflare"]!["consecutiveFailures"]!.GetValue<int>();
            mode = next;
            // The switch follows a failure, so the next attempt (after the back-off) sees the new mode.
            var clock = Stopwatch.StartNew();
            string reason = "no refresh";
            while (clock.Elapsed < TimeSpan.FromSeconds(40))
            {
                var cloudflare = (await proxy.StatusAsync())["cloudflare"]!;
                if (cloudflare["consecutiveFailures"]!.GetValue<int>() >= failures + 1)
                {
                    reason = cloudflare["lastError"]?["reason"]?.ToString() ?? "none";
                    break;
                }

                await Task.Delay(100);
            }

            var after = await TrustedSetAsync(proxy);
            var changed = after != before;
            changes += changed ? 1 : 0;
            results.Add($"{next}: {reason}{(changed ? " CHANGED" : "")}");
        }

        return new Row("range source: HTML, empty, 500, slow, /0", string.Create(CultureInfo.InvariantCulture,
            $"trusted-set changes: {changes} ({string.Join(", ", results)}); trusted set throughout: {before}"));
    }

    private static async Task<string> TrustedSetAsync(Proxy proxy)
    {
        var cloudflare = (await proxy.StatusAsync())["cloudflare"]!;
        var trusted = new List<string>();
        foreach (var ip in Probes)
        {
            if ((await proxy.TrustAsync(ip))["trusted"]!.GetValue<bool>())
            {
                trusted.Add(ip);
            }
        }

        return $"{cloudflare["origin"]} list of {cloudflare["count"]} ranges, trusts {string.Join(" ", trusted)}";
    }
}
