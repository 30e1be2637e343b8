using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace EdgeProxy.Reliability;

/// <summary>One request: when it started and ended (seconds since the load began), its status (0 when no answer), the
/// error kind when it failed without an answer.</summary>
public sealed record Sample(double Start, double End, int Status, string? Error)
{
    public bool Ok => Status is >= 200 and < 400;

    public bool Refused => Error == nameof(SocketError.ConnectionRefused);
}

/// <summary>A bounded HttpClient load loop over HTTPS HTTP/1.1 keep-alive: <c>workers</c> loops until the time or the
/// request count runs out (or <c>stop</c> says so); an optional rate paces the whole load.</summary>
public sealed class Load
{
    private readonly Stopwatch _clock = new();

    public double Now => _clock.Elapsed.TotalSeconds;

    public static HttpClient Client(int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        ConnectTimeout = TimeSpan.FromSeconds(5),
    })
    { Timeout = TimeSpan.FromSeconds(30) };

    public async Task<List<Sample>> RunAsync(Uri url, int workers, TimeSpan duration, int maxRequests = 2_000_000, double ratePerSecond = 0, Func<Sample, bool>? stopWorker = null)
    {
        using var client = Client(workers);
        var samples = new List<Sample>();
        var issued = 0;
        _clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            var mine = new List<Sample>();
            while (Now < duration.TotalSeconds && Interlocked.Increment(ref issued) <= maxRequests)
            {
                if (ratePerSecond > 0)
                {
                    // Request n of this worker is due at n * workers / rate: a steady, open-loop-ish pace.
                    var due = mine.Count * workers / ratePerSecond;
                    if (due > Now)
                    {
                        await Task.Delay(TimeSpan.FromSeconds(due - Now));
                    }
                }

                var sample = await SendAsync(client, url);
                mine.Add(sample);
                if (stopWorker?.Invoke(sample) == true)
                {
                    break;
                }
            }

            lock (samples)
            {
                samples.AddRange(mine);
            }
        }));
        return samples;
    }

    private async Task<Sample> SendAsync(HttpClient client, Uri url)
    {
        var start = Now;
        try
        {
            using var answer = await client.GetAsync(url);
            await answer.Content.ReadAsByteArrayAsync();
            return new Sample(start, Now, (int)answer.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            var kind = e.InnerException is SocketException s ? s.SocketErrorCode.ToString() : e is HttpRequestException h ? h.HttpRequestError.ToString() : e.GetType().Name;
            return new Sample(start, Now, 0, kind);
        }
    }

    public static double Percentile(IEnumerable<Sample> samples, double p)
    {
        var sorted = samples.Select(s => (s.End - s.Start) * 1000).Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
    }

    /// <summary>"0 of 12,345" plus the kinds of the failures, for the table.</summary>
    public static string Failures(IReadOnlyCollection<Sample> samples, Func<Sample, bool>? counts = null)
    {
        var failed = samples.Where(s => !s.Ok && (counts?.Invoke(s) ?? true)).ToList();
        var kinds = string.Join(", ", failed.GroupBy(s => s.Error ?? s.Status.ToString(CultureInfo.InvariantCulture)).Select(g => $"{g.Count()}× {g.Key}"));
        return string.Create(CultureInfo.InvariantCulture, $"{failed.Count:N0} of {samples.Count:N0}{(kinds.Length > 0 ? $" ({kinds})" : "")}");
    }
}
