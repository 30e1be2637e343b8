using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>Keeps every formatted log line, prefixed with its category.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    /// <summary>
    /// Whether a line matching <paramref name="match"/> is logged within 10 s: for what the product logs just after it
    /// publishes the state a test waits for (on another thread, so the line can trail it).
    /// </summary>
    public Task<bool> LoggedAsync(Func<string, bool> match) =>
        Eventually.HoldsAsync(() => Task.FromResult(Lines.Any(match)), TimeSpan.FromSeconds(10));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{category}: {formatter(state, exception)}");
    }
}
