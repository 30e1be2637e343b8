using EdgeProxy.AccessLog;
using EdgeProxy.Middleware.AccessLog;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Tests.Proxy.AccessLog;

/// <summary>The sink formats each record once, on the calling thread, into every target's pending batch.</summary>
public sealed class AccessLogSinkTests
{
    [Fact]
    public async Task Broken_text_is_escaped_on_one_line_and_no_record_is_lost()
    {
        using var directory = new TempDirectory();
        var path = directory.File("access.log");
        var options = Options.Create(new AccessLogOptions { Enabled = true, Console = false, File = path });
        var syslog = new SyslogTarget(Options.Create(new SyslogOptions()), options, TimeProvider.System, new ServiceCollection().BuildServiceProvider());
        using var sink = new AccessLogSink(options, syslog, TimeProvider.System, NullLoggerFactory.Instance);
        var file = Assert.Single(sink.AllTargets);

        // A lone surrogate (no valid UTF-16) becomes U+FFFD and a line break is escaped: neither throws into the request or splits the line.
        sink.Write(new AccessLogRecord { Method = "GET", RawTarget = "/", Protocol = "HTTP/1.1", UserAgent = "lone \uD800 surrogate\nnext" });
        sink.Write(new AccessLogRecord { Method = "GET", RawTarget = "/", Protocol = "HTTP/1.1", UserAgent = "fine" });

        using var stop = new CancellationTokenSource();
        var run = file.RunAsync(stop.Token);
        Assert.True(await Eventually.HoldsAsync(() => Task.FromResult(file.Written == 2), TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await run;

        Assert.Equal(0, file.Dropped);
        var lines = (await System.IO.File.ReadAllTextAsync(path)).TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.True(lines[0].Contains("\"user_agent\":\"lone \\uFFFD surrogate\\nnext\"", StringComparison.Ordinal), lines[0]);
    }
}
