using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EdgeProxy.Bench;

/// <summary>
/// Requests per second in one-second load runs from the moment a freshly started proxy opens its port: how long the
/// regular builds take to reach full speed (tiered JIT) next to the native build, which has nothing to compile.
/// </summary>
public sealed class WarmUpCurve(IReadOnlyList<(double Second, double Rps)> points)
{
    public const int Seconds = 30;

    public static readonly string[] Systems = ["EdgeProxy", "EdgeProxy trimmed R2R", "EdgeProxy native"];

    /// <param name="start">Starts the process; the clock runs from this call.</param>
    /// <param name="measureOneSecond">One second of load; its req/s.</param>
    public static async Task<WarmUpCurve> MeasureAsync(Func<ManagedProcess> start, int port, Func<Task<double>> measureOneSecond)
    {
        var clock = Stopwatch.StartNew();
        start();
        await WaitForPortAsync(port, TimeSpan.FromSeconds(60));
        var points = new List<(double, double)>();
        while (clock.Elapsed.TotalSeconds < Seconds)
        {
            var rps = await measureOneSecond();
            points.Add((clock.Elapsed.TotalSeconds, rps));
        }

        return new WarmUpCurve(points);
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>The curve, and the end of the first second at or above 90 % of <paramref name="steadyRps"/> (the measured median).</summary>
    public string Describe(string system, double steadyRps)
    {
        var text = new StringBuilder($"{system} warm-up, req/s in each second (end of the second since process start):");
        foreach (var (second, rps) in points)
        {
            text.Append(CultureInfo.InvariantCulture, $" {second:0.0}s:{rps:0}");
        }

        var first = points.FirstOrDefault(p => p.Rps >= 0.9 * steadyRps);
        text.Append(first == default
            ? string.Create(CultureInfo.InvariantCulture, $"\n{system}: not at 90 % of its steady {steadyRps:0} req/s within {Seconds} s\n")
            : string.Create(CultureInfo.InvariantCulture, $"\n{system}: 90 % of its steady {steadyRps:0} req/s first reached {first.Second:0.0} s after start\n"));
        return text.ToString();
    }
}
