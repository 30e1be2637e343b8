using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeProxy.Bench;

/// <summary>
/// Connections rather than requests (issue 32): each load opens a new TLS connection per request. A full TLS 1.3
/// handshake (<c>h2load --h1</c> with <c>Connection: close</c>, 8 at a time), a full TLS 1.2 one and a resumed TLS 1.3
/// one (<c>openssl s_time</c>, one at a time, one HTTP/1.0 request each), with the share of connections the server
/// resumed. Runs the systems in interleaved rounds like the request loads; CPU is the proxy's own, per connection.
/// </summary>
public static partial class HandshakeBench
{
    public const string FullTls13 = "new connection per request, full TLS 1.3 (h2load --h1 -c8, Connection: close)";
    public const string FullTls12 = "new connection per request, full TLS 1.2 (openssl s_time -new -tls1_2)";
    public const string ResumedTls13 = "new connection per request, TLS 1.3 resumption offered (openssl s_time -reuse -tls1_3)";

    private const int H2LoadConnections = 3000;

    public sealed record Result(string System, string Load, double ConnectionsPerSecond, double CpuMicrosecondsPerConnection, double? ResumedShare);

    public static async Task<List<Result>> RunAsync(IReadOnlyDictionary<string, (ManagedProcess Server, int Port)> systems, int rounds, int seconds)
    {
        var results = new List<Result>();
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var load in new[] { FullTls13, FullTls12, ResumedTls13 })
            {
                foreach (var (system, (server, port)) in systems)
                {
                    results.Add(await MeasureAsync(system, server, port, load, seconds));
                }
            }

            Console.WriteLine($"handshake round {round}/{rounds} done");
        }

        return results;
    }

    private static async Task<Result> MeasureAsync(string system, ManagedProcess server, int port, string load, int seconds)
    {
        var before = server.CpuMicroseconds();
        var started = DateTime.UtcNow;
        var (code, output) = load == FullTls13
            ? await ManagedProcess.RunAsync("taskset", $"-c 1 h2load --h1 -H \"Connection: close\" -c8 -n {H2LoadConnections} https://127.0.0.1:{port}/", TimeSpan.FromSeconds(120))
            : await ManagedProcess.RunAsync("taskset", $"-c 1 openssl s_time -connect 127.0.0.1:{port} -www / -time {seconds} {(load == FullTls12 ? "-new -tls1_2" : "-reuse -tls1_3")}", TimeSpan.FromSeconds(seconds + 60));
        var elapsed = (DateTime.UtcNow - started).TotalSeconds;
        var cpu = server.CpuMicroseconds() - before;
        if (code != 0)
        {
            throw new InvalidOperationException($"{system}, {load}: exit code {code}\n{output}");
        }

        if (load == FullTls13)
        {
            var done = H2LoadSucceeded().Match(output);
            if (!done.Success || done.Groups[1].Value != H2LoadConnections.ToString(CultureInfo.InvariantCulture))
            {
                throw new InvalidOperationException($"{system}: not every connection succeeded\n{output}");
            }

            return new Result(system, load, H2LoadConnections / elapsed, cpu / H2LoadConnections, null);
        }

        // s_time prints one mark per connection: '*' a full handshake, 'r' a resumed one.
        var marks = string.Concat(output.Split('\n').Where(line => line.Length > 0 && line.All(c => c is 'r' or '*' or 't' or '3')));
        var connections = marks.Count(c => c is 'r' or '*');
        if (connections == 0)
        {
            throw new InvalidOperationException($"{system}, {load}: no connection\n{output}");
        }

        return new Result(system, load, connections / elapsed, cpu / connections, load == ResumedTls13 ? marks.Count(c => c == 'r') / (double)connections : null);
    }

    public static string Write(List<Result> results)
    {
        var text = new StringBuilder("| load | system | connections/s | proxy CPU µs/connection | ×nginx CPU | resumed |\n| --- | --- | ---: | ---: | ---: | ---: |\n");
        foreach (var group in results.GroupBy(r => (r.Load, r.System)))
        {
            var cpu = Median(group.Select(r => r.CpuMicrosecondsPerConnection));
            var nginx = Median(results.Where(r => r.Load == group.Key.Load && r.System == "nginx").Select(r => r.CpuMicrosecondsPerConnection));
            var resumed = group.First().ResumedShare is null ? "" : $"{Median(group.Select(r => r.ResumedShare ?? 0)):P0}";
            text.Append(CultureInfo.InvariantCulture, $"| {group.Key.Load} | {group.Key.System} | {Median(group.Select(r => r.ConnectionsPerSecond)):0} | {cpu:0} | {cpu / nginx:0.00} | {resumed} |\n");
        }

        return text.ToString();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    [GeneratedRegex(@"requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded")]
    private static partial Regex H2LoadSucceeded();
}
