using System.Diagnostics;
using System.Globalization;
using EdgeProxy.Bench;

namespace EdgeProxy.Reliability;

/// <summary>SIGTERM while 32 clients keep 32 requests of 300 ms in flight (DrainDelay 2 s, Timeout 30 s). A client
/// stops when it finds the listener closed (connection refused: a load balancer would have moved on). Figures: requests
/// that failed other than by being refused a new connection (want 0), seconds from the signal to the process's exit,
/// and its exit status.</summary>
public static class Sigterm
{
    public static async Task<Row> RunAsync(Harness harness)
    {
        var proxy = await harness.StartProxyWithOneBackendAsync(""" "Shutdown": { "DrainDelay": "00:00:02", "Timeout": "00:00:30" }, """);

        var load = new Load();
        var signal = Task.Run(async () =>
        {
            while (load.Now < 3)
            {
                await Task.Delay(20);
            }

            var sentAt = load.Now;
            var clock = Stopwatch.StartNew();
            await ManagedProcess.RunAsync("kill", $"-TERM {proxy.Process.Id}", TimeSpan.FromSeconds(10));
            while (!proxy.Process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(10);
            }

            return (sentAt, clock.Elapsed.TotalSeconds);
        });
        var samples = await load.RunAsync(proxy.Url("/slow?ms=300"), workers: 32, TimeSpan.FromSeconds(20), stopWorker: s => s.Refused);
        var (sentAt, drain) = await signal;
        var exit = proxy.Process.HasExited ? proxy.Process.ExitCode.ToString(CultureInfo.InvariantCulture) : "still running";
        var afterSignal = samples.Count(s => s.Ok && s.Start >= sentAt);
        return new Row("SIGTERM under load", string.Create(CultureInfo.InvariantCulture,
            $"in-flight requests failed: {Load.Failures(samples, s => !s.Refused)} ({afterSignal} answered after the signal, {samples.Count(s => s.Refused)} new connections refused after the listener closed); drain {drain:0.00} s (DrainDelay 2 s), exit status {exit}"));
    }
}
