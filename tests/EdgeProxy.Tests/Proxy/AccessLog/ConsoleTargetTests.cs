using System.Net;
using System.Text;
using EdgeProxy.AccessLog;
using EdgeProxy.Middleware.AccessLog;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>The console target on a stream that records each write: batches of whole lines, never split by the proxy's own console log.</summary>
public sealed class ConsoleTargetTests
{
    /// <summary>Records each write; a write lands in two halves with a pause between, as a pipe does when it fills up.</summary>
    private sealed class RecordingStream : MemoryStream
    {
        public List<byte[]> Writes { get; } = [];

        public override void Write(ReadOnlySpan<byte> buffer) => Write(buffer.ToArray(), 0, buffer.Length);

        public override void Write(byte[] buffer, int offset, int count)
        {
            lock (Writes)
            {
                Writes.Add(buffer.AsSpan(offset, count).ToArray());
            }

            var half = count / 2;
            lock (this)
            {
                base.Write(buffer, offset, half);
            }

            Thread.Sleep(1);
            lock (this)
            {
                base.Write(buffer, offset + half, count - half);
            }
        }
    }

    private static AccessLogRecord Record(int i, string userAgent = "ua") =>
        new() { Method = "GET", RawTarget = $"/{i}", Protocol = "HTTP/1.1", Status = 200, ClientIp = IPAddress.Loopback, UserAgent = userAgent };

    private static void Enqueue(ConsoleTarget target, AccessLogRecord record) =>
        target.Enqueue(new AccessLogMessage(RecordFormatter.Format(record, AccessLogFormat.Json), record.Time, SyslogFraming.Informational, "access"));

    private static async Task DrainAsync(ConsoleTarget target, int records)
    {
        using var stop = new CancellationTokenSource();
        var run = target.RunAsync(stop.Token);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(target.Written == records), TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await run;
    }

    [Fact]
    public async Task A_batch_goes_out_in_few_writes_of_whole_lines()
    {
        var output = new RecordingStream();
        var target = new ConsoleTarget(1000, TimeProvider.System, output, new object());
        for (var i = 0; i < 40; i++)
        {
            Enqueue(target, Record(i, i == 20 ? new string('u', 6000) : "ua"));
        }

        await DrainAsync(target, 40);

        Assert.All(output.Writes, w => Assert.Equal((byte)'\n', w[^1]));
        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(40, lines.Length);
        Assert.True(output.Writes.Count < 5, $"{output.Writes.Count} writes"); // batched
    }

    [Fact]
    public async Task Lines_of_the_proxys_own_console_log_never_land_inside_a_record()
    {
        var output = new RecordingStream();
        var ownLog = TextWriter.Synchronized(new StreamWriter(output, new UTF8Encoding(false)) { AutoFlush = true });
        var target = new ConsoleTarget(10_000, TimeProvider.System, output, ownLog);
        for (var i = 0; i < 2000; i++)
        {
            Enqueue(target, Record(i));
        }

        using var logging = new CancellationTokenSource();
        var logger = Task.Run(() =>
        {
            while (!logging.IsCancellationRequested)
            {
                ownLog.Write("warn: EdgeProxy[1] something the operator should know\n");
            }
        });

        await DrainAsync(target, 2000);
        await logging.CancelAsync();
        await logger;

        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Contains(lines, l => l.StartsWith("warn:", StringComparison.Ordinal));
        Assert.All(lines, l => Assert.True(l == "warn: EdgeProxy[1] something the operator should know" || (l.StartsWith('{') && l.EndsWith('}')), l));
        Assert.Equal(2000, lines.Count(l => l.StartsWith('{')));
    }

    [Fact]
    public async Task Long_records_are_bounded_by_bytes_too_not_only_by_count()
    {
        var output = new RecordingStream();
        var target = new ConsoleTarget(10_000, TimeProvider.System, output, new object());
        var body = new byte[40 * 1024]; // a record as long as big headers make it
        body.AsSpan().Fill((byte)'x');
        var fits = AccessLogTarget.MaxPendingBytes / (body.Length + 1);
        for (var i = 0; i < fits + 100; i++)
        {
            target.Enqueue(new AccessLogMessage(body, DateTimeOffset.UtcNow, SyslogFraming.Informational, "access"));
        }

        var accepted = fits + 100 - (int)target.Dropped;
        Assert.InRange(accepted, fits - 1, fits);
        await DrainAsync(target, accepted);
        Assert.Equal(accepted * (body.Length + 1L), output.Length);
    }

    [Fact]
    public async Task Records_beyond_the_capacity_are_dropped_and_counted_never_waited_for()
    {
        var output = new RecordingStream();
        var target = new ConsoleTarget(3, TimeProvider.System, output, new object());
        for (var i = 0; i < 5; i++)
        {
            Enqueue(target, Record(i));
        }

        Assert.Equal(2, target.Dropped);
        await DrainAsync(target, 3);

        var lines = Encoding.UTF8.GetString(output.ToArray()).TrimEnd('\n').Split('\n');
        Assert.Equal(["/0", "/1", "/2"], lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement.GetProperty("path").GetString()));

        // Written out, the batch has room again.
        Enqueue(target, Record(5));
        Assert.Equal(2, target.Dropped);
    }
}
