using System.Globalization;

namespace EdgeProxy.Reliability;

/// <summary>20 edits of the configuration file under load, one a second, good and bad alternating (the bad ones: broken
/// JSON, a route naming a missing cluster). Figure: failed requests (want 0), and the proxy's own count of applied and
/// refused reloads.</summary>
public static class ConfigEdits
{
    public static async Task<Row> RunAsync(Harness harness)
    {
        var backend = Harness.FreePort();
        await harness.StartBackendAsync(backend);
        string Routes(int edit, string cluster = "web") => $$"""
            "Routes": { "all": { "ClusterId": "{{cluster}}", "Match": { "Path": "{**catch-all}" }, "Metadata": { "edit": "{{edit}}" } } },
            "Clusters": { "web": { "Destinations": { "b1": { "Address": "http://127.0.0.1:{{backend}}/" } } } }
            """;
        var proxy = await harness.StartProxyAsync(Routes(0));

        var load = new Load();
        var running = load.RunAsync(proxy.Url(), workers: 16, TimeSpan.FromSeconds(25));
        for (var edit = 1; edit <= 20; edit++)
        {
            await Task.Delay(1000);
            var text = (edit % 2) switch
            {
                1 => proxy.Config(Routes(edit), "", harness.Work),
                _ when edit % 4 == 0 => proxy.Config(Routes(edit), "", harness.Work)[..^40], // broken JSON
                _ => proxy.Config(Routes(edit, cluster: "missing"), "", harness.Work),
            };
            // Write the whole file next to it and rename it over the old one, as deploy tools do.
            await File.WriteAllTextAsync(proxy.ConfigFile + ".tmp", text);
            File.Move(proxy.ConfigFile + ".tmp", proxy.ConfigFile, overwrite: true);
        }

        var samples = await running;
        await Task.Delay(1000);
        var metrics = await proxy.MetricsAsync();
        var applied = Proxy.Metric(metrics, "edgeproxy_config_reloads_total{result=\"applied\"");
        var rejected = Proxy.Metric(metrics, "edgeproxy_config_reloads_total{result=\"rejected\"");
        return new Row("20 config edits (good and bad alternating) under load", string.Create(CultureInfo.InvariantCulture,
            $"failed requests {Load.Failures(samples)}; reloads applied {applied:0}, refused {rejected:0}"));
    }
}
