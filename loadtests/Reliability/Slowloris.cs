using System.Globalization;
using System.Text;

namespace EdgeProxy.Reliability;

/// <summary>2,000 TLS connections that send a request line and then one header byte every 2 s, never finishing the
/// headers (reconnecting when the proxy drops them), while 8 normal clients run. Figures: the normal clients' p99 and
/// errors, against a 10 s baseline without the attack, and how many slow connections the proxy closed.</summary>
public static class Slowloris
{
    private const int Connections = 2000;

    public static async Task<Row> RunAsync(Harness harness)
    {
        var proxy = await harness.StartProxyWithOneBackendAsync();

        var baseline = await new Load().RunAsync(proxy.Url(), workers: 8, TimeSpan.FromSeconds(10));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        int open = 0, closedByProxy = 0, connectFailures = 0;
        using var gate = new SemaphoreSlim(64); // handshakes at a time
        var attack = Enumerable.Range(0, Connections).Select(i => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var counted = false;
                try
                {
                    await gate.WaitAsync(stop.Token);
                    System.Net.Sockets.TcpClient tcp;
                    System.Net.Security.SslStream tls;
                    try
                    {
                        (tcp, tls) = await Raw.ConnectAsync(proxy.Port, cancel: stop.Token);
                    }
                    finally
                    {
                        gate.Release();
                    }

                    using (tcp)
                    await using (tls)
                    {
                        Interlocked.Increment(ref open);
                        counted = true;
                        await tls.WriteAsync(Encoding.ASCII.GetBytes($"GET /slow-{i} HTTP/1.1\r\nHost: localhost\r\nX-a: "), stop.Token);
                        while (!stop.IsCancellationRequested)
                        {
                            await Task.Delay(2000, stop.Token);
                            await tls.WriteAsync("a"u8.ToArray(), stop.Token);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or System.Security.Authentication.AuthenticationException)
                {
                    if (counted)
                    {
                        Interlocked.Increment(ref closedByProxy);
                    }
                    else
                    {
                        Interlocked.Increment(ref connectFailures);
                    }

                    await Task.Delay(500);
                }
                finally
                {
                    if (counted)
                    {
                        Interlocked.Decrement(ref open);
                    }
                }
            }
        })).ToArray();

        // Let the slow connections pile up, then measure normal clients while they hold.
        var wait = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref open) < Connections * 0.95 && wait.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(200);
        }

        var heldAtStart = Volatile.Read(ref open);
        var handlesDuring = proxy.HandleCount();
        var underAttack = await new Load().RunAsync(proxy.Url(), workers: 8, TimeSpan.FromSeconds(20));
        await stop.CancelAsync();
        await Task.WhenAll(attack);
        return new Row("2,000 slowloris connections (partial headers) + normal load", string.Create(CultureInfo.InvariantCulture,
            $"normal p99 {Load.Percentile(underAttack, 99):0.0} ms (baseline {Load.Percentile(baseline, 99):0.0} ms), errors {Load.Failures(underAttack)} (baseline {Load.Failures(baseline)}); {heldAtStart:N0} slow connections open when the load began (proxy fds {handlesDuring:N0}), {closedByProxy:N0} closed by the proxy (RequestHeadersTimeout 15 s), {connectFailures:N0} failed to connect"));
    }
}
