using System.Net;
using System.Net.Sockets;
using System.Text;
using EdgeProxy.AccessLog;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>Connections that fail before any request: counted by Kestrel's reason, warned about at most once a minute per reason.</summary>
public sealed class KestrelConnectionFailureTests
{
    [Fact]
    public async Task A_failed_tls_handshake_is_counted_by_reason()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(TestConfig.SingleCluster("http://127.0.0.1:1"));

        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(IPAddress.Loopback, proxy.HttpsUri!.Port);
            await socket.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")); // plain HTTP to the TLS port
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                while (await socket.GetStream().ReadAsync(new byte[256], deadline.Token) > 0)
                {
                }
            }
            catch (IOException)
            {
            }
        }

        var metrics = "";
        Assert.True(await Eventually.HoldsAsync(async () =>
        {
            metrics = await proxy.GetMetricsAsync();
            return metrics.Contains("edgeproxy_connection_errors_total{reason=\"tls_handshake_failed\"} 1", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(10)), metrics);
    }

    [Fact]
    public void Each_reason_is_counted_every_time_and_warned_about_at_most_once_a_minute_but_ordinary_disconnects_only_at_debug()
    {
        var clock = new FakeTimeProvider();
        var logs = new CollectingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        using var failures = new KestrelConnectionFailures(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(),
            clock, factory.CreateLogger<KestrelConnectionFailures>());

        for (var i = 0; i < 5; i++)
        {
            failures.Record("tls_handshake_failed");
        }

        failures.Record("connection_reset"); // an ordinary curl closing: counted, never warned about
        failures.Record("client_goaway");
        failures.Record("keep_alive_timeout"); // idle connections ending: counted, never warned about
        clock.Advance(TimeSpan.FromSeconds(59));
        failures.Record("tls_handshake_failed");
        clock.Advance(TimeSpan.FromSeconds(1));
        failures.Record("tls_handshake_failed");

        Assert.Equal(7, failures.Counters.Single(c => c.Key == "tls_handshake_failed").Value);
        Assert.Equal(1, failures.Counters.Single(c => c.Key == "connection_reset").Value);
        Assert.Equal(1, failures.Counters.Single(c => c.Key == "keep_alive_timeout").Value);
        Assert.Equal(2, logs.Lines.Count);
        Assert.Equal(2, logs.Lines.Count(l => l.Contains("tls_handshake_failed", StringComparison.Ordinal)));
    }
}
