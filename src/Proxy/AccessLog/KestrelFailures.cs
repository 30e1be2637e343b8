using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using EdgeProxy.Common;
using EdgeProxy.Middleware.AccessLog;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeProxy.AccessLog;

/// <summary>
/// Requests Kestrel answers itself (malformed request 400, header timeout 408, headers too large 431…) never reach the
/// pipeline: Kestrel reports each on its <c>Microsoft.AspNetCore.Server.Kestrel.BadRequest</c> diagnostic event with
/// the request's features, from which the same record is built. Only that event name is subscribed, so ASP.NET Core's
/// per-request hosting events stay off.
/// </summary>
internal sealed class KestrelBadRequestRecorder(DiagnosticListener listener, IAccessLogSink sink, IOptions<AccessLogOptions> options, TimeProvider timeProvider)
    : IHostedService, IObserver<KeyValuePair<string, object?>>
{
    public const string EventName = "Microsoft.AspNetCore.Server.Kestrel.BadRequest";
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (sink.Enabled)
        {
            _subscription = listener.Subscribe(this, static name => name == EventName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (value.Key != EventName || value.Value is not IFeatureCollection features || features.Get<AccessLogRecord>() is not null)
        {
            return; // a request the access-log middleware has seen records itself
        }

        var exception = features.Get<IBadRequestExceptionFeature>()?.Error as BadHttpRequestException;
        var record = new AccessLogRecord { Time = timeProvider.GetUtcNow() };
        AccessLogMiddleware.Fill(new DefaultHttpContext(features), record, options.Value.RayIdHeader);
        if (exception is not null)
        {
            record.Status = exception.StatusCode;
        }

        record.Error = Describe(record.Status, exception?.Message);
        sink.Write(record);
    }

    public static string Describe(int status, string? message) => status switch
    {
        StatusCodes.Status408RequestTimeout => "request headers timeout",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "request headers too large",
        StatusCodes.Status413PayloadTooLarge => "request body too large",
        _ => "bad request: " + (message ?? "malformed"),
    };

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}

/// <summary>
/// Connections that end in an error before (or without) a request — failed TLS handshakes, resets, timeouts — have no
/// request to record: Kestrel's own <c>kestrel.connection.duration</c> measurement carries the reason
/// (<c>error.type</c>), which is counted by reason and warned about at most once a minute per reason.
/// </summary>
internal sealed partial class KestrelConnectionFailures : IHostedService, IDisposable
{
    private static readonly TimeSpan WarningInterval = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Ends every client causes without anything being wrong (an idle keep-alive limit, a curl or browser closing or
    /// resetting its connection, an HTTP/2 GOAWAY): counted, logged at Debug only, so they reach neither the Warning
    /// log nor syslog.
    /// </summary>
    private static readonly HashSet<string> OrdinaryEndings = new(StringComparer.Ordinal)
    {
        "keep_alive_timeout", "connection_reset", "client_goaway", "transport_completed",
    };
    private readonly IMeterFactory _meterFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Counts> _byReason = new(StringComparer.Ordinal);
    private MeterListener? _listener;

    public KestrelConnectionFailures(IMeterFactory meterFactory, TimeProvider timeProvider, ILogger<KestrelConnectionFailures> logger)
    {
        _meterFactory = meterFactory;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public IEnumerable<KeyValuePair<string, long>> Counters => _byReason.Select(p => new KeyValuePair<string, long>(p.Key, Interlocked.Read(ref p.Value.Count)));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Microsoft.AspNetCore.Server.Kestrel" && ReferenceEquals(instrument.Meter.Scope, _meterFactory) &&
                    instrument.Name == "kestrel.connection.duration")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<double>((_, _, tags, _) => OnConnectionEnded(tags));
        _listener.Start();
        return Task.CompletedTask;
    }

    private void OnConnectionEnded(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "error.type" && tag.Value is string reason)
            {
                Record(reason);
                return;
            }
        }
    }

    internal void Record(string reason)
    {
        var counts = _byReason.GetOrAdd(reason, static _ => new Counts());
        Interlocked.Increment(ref counts.Count);
        if (OrdinaryEndings.Contains(reason))
        {
            LogConnectionEnded(_logger, reason);
            return;
        }

        var now = _timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref counts.LastWarning);
        if ((last == 0 || _timeProvider.GetElapsedTime(last, now) >= WarningInterval) && Interlocked.CompareExchange(ref counts.LastWarning, now, last) == last)
        {
            LogConnectionFailed(_logger, reason, Interlocked.Read(ref counts.Count));
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _listener?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _listener?.Dispose();

    [LoggerMessage(EventId = EventIds.KestrelConnectionFailed, Level = LogLevel.Warning, Message = "Connection ended with {Reason} ({Count} so far; edgeproxy_connection_errors_total; at most one warning a minute per reason)")]
    private static partial void LogConnectionFailed(ILogger logger, string reason, long count);

    [LoggerMessage(EventId = EventIds.KestrelConnectionEnded, Level = LogLevel.Debug, Message = "Connection ended with {Reason} (an ordinary client disconnect; counted in edgeproxy_connection_errors_total)")]
    private static partial void LogConnectionEnded(ILogger logger, string reason);

    private sealed class Counts
    {
        public long Count;
        public long LastWarning;
    }
}
