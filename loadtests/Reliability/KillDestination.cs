using System.Globalization;

namespace EdgeProxy.Reliability;

/// <summary>Two destinations, round robin, YARP's passive health on; one destination is killed (SIGKILL) 5 s into a
/// 20 s load. Figures: failed requests, and seconds from the kill to the last failed request (after that the dead
/// destination takes no traffic).</summary>
public static class KillDestination
{
    public static async Task<Row> RunAsync(Harness harness)
    {
        int b1 = Harness.FreePort(), b2 = Harness.FreePort();
        await harness.StartBackendAsync(b1);
        var victim = await harness.StartBackendAsync(b2);
        var proxy = await harness.StartProxyAsync($$"""
            "Routes": { "all": { "ClusterId": "web", "Match": { "Path": "{**catch-all}" } } },
            "Clusters": { "web": {
              "LoadBalancingPolicy": "RoundRobin",
              "HealthCheck": { "Passive": { "Enabled": true, "Policy": "TransportFailureRate", "ReactivationPeriod": "00:05:00" } },
              "Destinations": { "b1": { "Address": "http://127.0.0.1:{{b1}}/" }, "b2": { "Address": "http://127.0.0.1:{{b2}}/" } } } }
            """);

        var load = new Load();
        const double killAt = 5;
        var killer = Task.Run(async () =>
        {
            while (load.Now < killAt)
            {
                await Task.Delay(20);
            }

            victim.Dispose();
            return load.Now;
        });
        var samples = await load.RunAsync(proxy.Url(), workers: 16, TimeSpan.FromSeconds(20));
        var killedAt = await killer;
        var failed = samples.Where(s => !s.Ok).ToList();
        var lastFailure = failed.Count == 0 ? killedAt : failed.Max(s => s.End);
        return new Row("one of two destinations killed under load (passive health on)", string.Create(CultureInfo.InvariantCulture,
            $"failed {100.0 * failed.Count / samples.Count:0.00} % ({Load.Failures(samples)}); no traffic to the dead one {lastFailure - killedAt:0.00} s after the kill"));
    }
}
