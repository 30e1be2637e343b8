using System.Net;
using System.Text;
using EdgeProxy.AccessLog;
using EdgeProxy.Middleware.AccessLog;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>The console target on a stream that records each write: whole lines per write, none above the pipe's atomic size unless one record is.</summary>
public sealed class ConsoleTargetTests
{
    private sealed class RecordingStream : MemoryStream
    {
        public List<byte[]> Writes { get; } = [];

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Writes.Add(buffer.ToArray());
            return base.WriteAsync(buffer, cancellationToken);
        }
    }

    [Fact]
    public async Task Writes_hold_whole_lines_of_at_most_4096_bytes_unless_a_single_record_is_longer()
    {
        var output = new RecordingStream();
        var target = new ConsoleTarget(AccessLogFormat.Json, 1000, TimeProvider.System, output);
        for (var i = 0; i < 40; i++)
        {
            target.Enqueue(new AccessLogRecord { Method = "GET", RawTarget = $"/{i}", Protocol = "HTTP/1.1", Status = 200, ClientIp = IPAddress.Loopback, UserAgent = i == 20 ? new string('u', 6000) : "ua" });
        }

        using var stop = new CancellationTokenSource();
        var run = target.RunAsync(stop.Token);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(target.Written == 40), TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await run;

        Assert.All(output.Writes, w => Assert.Equal((byte)'\n', w[^1]));
        Assert.All(output.Writes, w => Assert.True(w.Length <= 4096 || w.Count(b => b == '\n') == 1, $"{w.Length} bytes"));
        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(40, lines.Length);
        Assert.True(output.Writes.Count < 40); // batched
    }
}
