using System.Globalization;

namespace EdgeProxy.Reliability;

/// <summary>A steady 200 requests/s for <c>--soak-seconds</c> (default 600) after a 10 s warm-up. Figures: RSS, GC heap
/// and handle count at start and end, from /proc and /metrics, and failed requests.</summary>
public static class Soak
{
    private const double Rate = 200;

    public static async Task<Row> RunAsync(Harness harness)
    {
        var proxy = await harness.StartProxyWithOneBackendAsync();

        await new Load().RunAsync(proxy.Url(), workers: 8, TimeSpan.FromSeconds(10), ratePerSecond: Rate);
        var start = await ReadAsync(proxy);
        var seconds = harness.SoakSeconds;
        var samples = await new Load().RunAsync(proxy.Url(), workers: 8, TimeSpan.FromSeconds(seconds), maxRequests: (int)(Rate * seconds * 1.1), ratePerSecond: Rate);
        var end = await ReadAsync(proxy);
        return new Row($"{seconds / 60.0:0.#}-minute soak at {Rate:0} req/s", string.Create(CultureInfo.InvariantCulture,
            $"RSS {start.Rss:0} → {end.Rss:0} MB, GC heap {start.Heap:0.0} → {end.Heap:0.0} MB, handles {start.Handles} → {end.Handles}; {samples.Count / (double)seconds:0} req/s, failed {Load.Failures(samples)}, p99 {Load.Percentile(samples, 99):0.0} ms"));
    }

    private static async Task<(double Rss, double Heap, int Handles)> ReadAsync(Proxy proxy)
    {
        var metrics = await proxy.MetricsAsync();
        var heap = Proxy.Metric(metrics, Array.Find(GcHeapMetrics, name => metrics.Contains(name + " ", StringComparison.Ordinal) || metrics.Contains(name + "{", StringComparison.Ordinal)) ?? "none");
        return (proxy.Process.RssMegabytes(), heap / 1024 / 1024, proxy.HandleCount());
    }

    private static readonly string[] GcHeapMetrics = ["dotnet_gc_heap_size_bytes", "process_runtime_dotnet_gc_heap_size_bytes", "dotnet_total_memory_bytes"];
}
