using EdgeProxy.Middleware.AccessLog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessLog;

/// <summary>The configured targets; <see cref="Write"/> puts a record into each one's pending batch and returns.</summary>
internal sealed class AccessLogSink : IAccessLogSink, IDisposable
{
    private readonly AccessLogTarget[] _recordTargets;
    private readonly AccessLogFormat _format;

    public AccessLogSink(IOptions<AccessLogOptions> options, SyslogTarget syslog, TimeProvider clock, ILoggerFactory loggers)
    {
        var o = options.Value;
        var targets = new List<AccessLogTarget>();
        if (o.Enabled && o.Console)
        {
            targets.Add(new ConsoleTarget(o.QueueSize, clock));
        }

        if (o.Enabled && o.File is { } path)
        {
            targets.Add(new FileTarget(path, o.QueueSize, clock, loggers.CreateLogger("EdgeProxy.AccessLog")));
        }

        if (o.Enabled && o.Syslog && syslog.Configured)
        {
            targets.Add(syslog);
        }

        _format = o.Format;
        _recordTargets = [.. targets];
        AllTargets = syslog.Configured && !targets.Contains(syslog) ? [.. targets, syslog] : _recordTargets;
    }

    public bool Enabled => _recordTargets.Length > 0;

    /// <summary>Every target with a writer loop: the record targets, and syslog when it only carries the proxy's own log.</summary>
    public IReadOnlyList<AccessLogTarget> AllTargets { get; }

    /// <summary>Formats the record once, here, and copies it into each target's pending batch.</summary>
    public void Write(AccessLogRecord record)
    {
        ReadOnlySpan<byte> line;
        try
        {
            line = RecordFormatter.Format(record, _format);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            // Not expected (broken text becomes U+FFFD, control characters are escaped), but a formatter failure must lose
            // only that record, counted, and never reach the request.
            foreach (var target in _recordTargets)
            {
                target.CountDropped(1);
            }

            return;
        }

        var message = new AccessLogMessage(line, record.Time, SyslogFraming.Informational, "access");
        foreach (var target in _recordTargets)
        {
            target.Enqueue(message);
        }
    }

    public void Dispose()
    {
        foreach (var target in AllTargets)
        {
            (target as IDisposable)?.Dispose();
        }
    }
}

/// <summary>Runs every target's writer loop in the background for the life of the proxy.</summary>
internal sealed class AccessLogWriterService(AccessLogSink sink) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(sink.AllTargets.Select(t => Task.Run(() => t.RunAsync(stoppingToken), CancellationToken.None)));
}
