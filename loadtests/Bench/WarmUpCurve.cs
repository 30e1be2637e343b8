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

    /// <summary>
    /// The curve, and the end of the first second at or above 90 % of two references: <paramref name="steadyRps"/> (the
    /// measured rounds' median, 10-s runs after a minute of load) and the curve's own level over its last 10 s. One-second
    /// runs open all their connections anew (64 TLS handshakes a second), so they stay below the 10-s rounds even at full
    /// speed: the native build, with nothing to compile, shows how far.
    /// </summary>
    public string Describe(string system, double steadyRps)
    {
        var text = new StringBuilder($"{system} warm-up, req/s in each second (end of the second since process start):");
        foreach (var (second, rps) in points)
        {
            text.Append(CultureInfo.InvariantCulture, $" {second:0.0}s:{rps:0}");
        }

        var late = points.Where(p => p.Second > Seconds - 10).Select(p => p.Rps).Order().ToArray();
        text.Append('\n').Append(Reached(system, "its steady", steadyRps));
        if (late.Length > 0)
        {
            text.Append(Reached(system, "its own last 10 s of one-second runs,", late[late.Length / 2]));
        }

        return text.ToString();
    }

    private string Reached(string system, string reference, double rps)
    {
        var first = points.FirstOrDefault(p => p.Rps >= 0.9 * rps);
        return first == default
            ? string.Create(CultureInfo.InvariantCulture, $"{system}: not at 90 % of {reference} {rps:0} req/s within {Seconds} s\n")
            : string.Create(CultureInfo.InvariantCulture, $"{system}: 90 % of {reference} {rps:0} req/s first reached {first.Second:0.0} s after start\n");
    }
}
