using System.Globalization;
using System.Text;

namespace EdgeProxy.Bench;

/// <summary>The bench's printed result: medians per system and load, then the ratios the issues set targets on.</summary>
public static class BenchReport
{
    public static string Write(List<Measurement> results, string loggingSystem, IEnumerable<string> dotNetSystems, string leanSystem)
    {
        var text = new StringBuilder("| load | system | median req/s | p50 ms | p99 ms | p99/p50 | mean ms | proxy CPU µs/request (user + kernel) | context switches/request | RSS MB |\n| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var group in results.GroupBy(r => (r.Load, r.System)))
        {
            var p50 = Median(group.Select(r => r.P50Ms ?? double.NaN));
            var p99 = Median(group.Select(r => r.P99Ms ?? double.NaN));
            var user = Median(group.Select(r => r.UserMicrosecondsPerRequest));
            var kernel = Median(group.Select(r => r.KernelMicrosecondsPerRequest));
            text.Append(CultureInfo.InvariantCulture,
                $"| {group.Key.Load} | {group.Key.System} | {Median(group.Select(r => r.RequestsPerSecond)):0} | {Format(p50)} | {Format(p99)} | {Format(p99 / p50)} | {Format(Median(group.Select(r => r.MeanMs ?? double.NaN)))} | {user + kernel:0.0} ({user:0.0} + {kernel:0.0}) | {Median(group.Select(r => r.ContextSwitchesPerRequest)):0.00} | {group.Max(r => r.RssMegabytes):0} |\n");
        }

        text.Append('\n');
        var loads = results.Select(r => r.Load).Distinct().ToList();
        foreach (var load in loads)
        {
            foreach (var system in dotNetSystems)
            {
                var rps = MedianRps(results, system, load);
                text.Append(CultureInfo.InvariantCulture, $"{load}: {system}/nginx {rps / MedianRps(results, "nginx", load):0.00}x, {system}/HAProxy {rps / MedianRps(results, "HAProxy", load):0.00}x\n");
            }
        }

        foreach (var load in loads)
        {
            var stock = MedianRps(results, "stock YARP", load);
            text.Append(CultureInfo.InvariantCulture, $"{load}: EdgeProxy/stock YARP {MedianRps(results, "EdgeProxy", load) / stock:0.000}x, {loggingSystem}/stock YARP {MedianRps(results, loggingSystem, load) / stock:0.000}x, access log on/off {MedianRps(results, loggingSystem, load) / MedianRps(results, "EdgeProxy", load):0.000}x\n");
            text.Append(CultureInfo.InvariantCulture, $"{load}: nginx access log on/off {MedianRps(results, ComparisonBench.NginxLoggingSystem, load) / MedianRps(results, "nginx", load):0.000}x\n");
            text.Append(CultureInfo.InvariantCulture, $"{load}: {leanSystem}/stock YARP {MedianRps(results, leanSystem, load) / stock:0.000}x req/s, {MedianCpu(results, leanSystem, load) / MedianCpu(results, "stock YARP", load):0.000}x CPU/request\n");
        }

        return text.ToString();

        static string Format(double value) => double.IsNaN(value) ? "" : value.ToString("0.00", CultureInfo.InvariantCulture);
    }

    /// <summary>Access log on/off from back-to-back pairs: the median of the pairs' ratios, and every pair.</summary>
    public static string WriteAccessLogPairs(List<(Measurement Off, Measurement On)> pairs)
    {
        var text = new StringBuilder();
        foreach (var load in pairs.GroupBy(p => (p.Off.Load, p.On.System)))
        {
            var rps = load.Select(p => p.On.RequestsPerSecond / p.Off.RequestsPerSecond).ToList();
            var cpu = load.Select(p => Cpu(p.On) / Cpu(p.Off)).ToList();
            text.Append(CultureInfo.InvariantCulture, $"{load.Key.Load}: {load.Key.System} on/off in {rps.Count} back-to-back pairs: median {Median(rps):0.000}x req/s, {Median(cpu):0.000}x CPU/request (pairs: {string.Join(", ", rps.Select(r => r.ToString("0.000", CultureInfo.InvariantCulture)))})\n");
        }

        return text.ToString();
    }

    private static double Cpu(Measurement m) => m.UserMicrosecondsPerRequest + m.KernelMicrosecondsPerRequest;

    private static double MedianCpu(List<Measurement> results, string system, string load) =>
        Median(results.Where(r => r.System == system && r.Load == load).Select(Cpu));

    public static double MedianRps(List<Measurement> results, string system, string load) =>
        Median(results.Where(r => r.System == system && r.Load == load).Select(r => r.RequestsPerSecond));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
