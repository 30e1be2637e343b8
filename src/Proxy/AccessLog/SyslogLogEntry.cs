using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.AccessLog;

/// <summary>One of the proxy's own log events (Warning and above) on its way to syslog.</summary>
internal sealed record SyslogLogEntry(DateTimeOffset Time, LogLevel Level, string Category, int EventId, string Message, string? Exception)
{
    public int Severity => Level switch
    {
        LogLevel.Critical => SyslogFraming.Critical,
        LogLevel.Error => SyslogFraming.Error,
        LogLevel.Warning => SyslogFraming.Warning,
        _ => SyslogFraming.Informational,
    };

    /// <summary>The message as one JSON object: <c>time</c>, <c>level</c>, <c>category</c>, <c>event_id</c>, <c>message</c>, <c>exception</c>.</summary>
    public void WriteJson(IBufferWriter<byte> output)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        Span<char> scratch = stackalloc char[64];
        w.WriteStartObject();
        w.WriteString("time", Middleware.AccessLog.AccessLogJsonFormatter.FormatTime(Time, scratch));
        w.WriteString("level", Level.ToString());
        w.WriteString("category", Category);
        w.WriteNumber("event_id", EventId);
        w.WriteString("message", Message);
        if (Exception is not null)
        {
            w.WriteString("exception", Exception);
        }

        w.WriteEndObject();
    }
}

/// <summary>
/// Forwards the proxy's own Warning-and-above events to the syslog target when <c>EdgeProxy:Syslog:Address</c> is set
/// (refused edits, refresh failures, OCSP trouble), so one collector stream shows both. Never blocks: the same bounded
/// queue as the records.
/// </summary>
internal sealed class SyslogLoggerProvider(IServiceProvider services, TimeProvider timeProvider) : ILoggerProvider
{
    // Resolved on first use: the logger factory is built before start-up validation, and invalid syslog options must
    // surface there (named keys, exit code), not as an exception out of the logger factory.
    private readonly Lazy<SyslogTarget?> _target = new(() =>
    {
        try
        {
            return services.GetRequiredService<SyslogTarget>() is { Configured: true } target ? target : null;
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException)
        {
            return null;
        }
    });

    public ILogger CreateLogger(string categoryName) => new SyslogLogger(categoryName, _target, timeProvider);

    public void Dispose()
    {
    }

    private sealed class SyslogLogger(string category, Lazy<SyslogTarget?> target, TimeProvider timeProvider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Warning and < LogLevel.None && target.Value is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                target.Value!.Enqueue(new SyslogLogEntry(timeProvider.GetUtcNow(), logLevel, category, eventId.Id, formatter(state, exception), exception?.ToString()));
            }
        }
    }
}
