using System.Globalization;
using EdgeProxy.Common;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EdgeProxy.Tracing;

/// <summary>
/// Owns the OpenTelemetry tracer provider, built at start only when <c>EdgeProxy:Tracing:Enabled</c>: until then no
/// <c>ActivitySource</c> in the process has a listener, so neither YARP nor HttpClient makes an Activity and a
/// client's <c>traceparent</c> passes untouched. Stopping flushes what is queued, bounded by <see cref="FlushTimeout"/>.
/// </summary>
internal sealed partial class TracingPipeline(
    IOptions<TracingOptions> options,
    SpanExportCounters counters,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILoggerFactory loggers) : IHostedService, IDisposable
{
    public const string HttpClientName = "EdgeProxy.Tracing";

    /// <summary>YARP's forwarder span (<c>proxy.forwarder</c>, with its route, cluster and destination), a child of ours.</summary>
    public const string YarpSourceName = "Yarp.ReverseProxy";

    /// <summary>
    /// HttpClient's client span, the forwarder span's child. Under any Activity HttpClient makes this one anyway and
    /// sends its id to the backend as the parent: unrecorded, the backend's spans would hang off a span nobody has.
    /// </summary>
    public const string HttpClientSourceName = "System.Net.Http";

    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    private readonly ILogger _logger = loggers.CreateLogger<TracingPipeline>();
    private TracerProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Enabled && _provider is null)
        {
            _provider = Build(settings);
            Enabled(_logger, settings.ExportUri(), settings.Protocol, settings.SampleRatio.ToString(CultureInfo.InvariantCulture));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _provider?.Shutdown((int)FlushTimeout.TotalMilliseconds);
        return Task.CompletedTask;
    }

    public void Dispose() => _provider?.Dispose();

    private TracerProvider Build(TracingOptions settings)
    {
        var exporterOptions = new OtlpExporterOptions
        {
            Protocol = settings.Protocol == TracingProtocol.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf,
            // Set in code, the endpoint is used as given: /v1/traces is added here, as the SDK does for the variable.
            Endpoint = settings.ExportUri(),
        };
        // The SDK gives a client it makes itself the export timeout; one from the factory needs it set here.
        exporterOptions.HttpClientFactory = () =>
        {
            var client = httpClients.CreateClient(HttpClientName);
            client.Timeout = TimeSpan.FromMilliseconds(exporterOptions.TimeoutMilliseconds);
            return client;
        };
        if (settings.Headers.Count > 0)
        {
            // OTLP's header list: name=value pairs, commas between, values percent-encoded (the SDK decodes them).
            exporterOptions.Headers = string.Join(",", settings.Headers.Select(h => $"{h.Key}={Uri.EscapeDataString(h.Value)}"));
        }

        // The SDK's defaults (queue 2048, batch 512, every 5 s, 30 s per export), or OTEL_BSP_* from the environment.
        var batch = new BatchExportActivityProcessorOptions();
        var exporter = new CountingOtlpExporter(exporterOptions, counters, time, _logger);
        var processor = new BoundedSpanProcessor(exporter, counters, batch.MaxQueueSize, batch.ScheduledDelayMilliseconds,
            batch.ExporterTimeoutMilliseconds, Math.Min(batch.MaxExportBatchSize, batch.MaxQueueSize));

        return Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateDefault().AddService(settings.ServiceName, serviceVersion: typeof(TracingPipeline).Assembly.GetName().Version?.ToString()))
            // An incoming sampled traceparent is honoured; new traces are recorded at SampleRatio.
            .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(settings.SampleRatio)))
            .AddSource(ServerSpanMiddleware.SourceName, YarpSourceName, HttpClientSourceName)
            .AddProcessor(processor)
            .Build();
    }

    [LoggerMessage(EventId = EventIds.TracingEnabled, EventName = "TracingEnabled", Level = LogLevel.Information,
        Message = "Tracing: spans go to {Endpoint} ({Protocol}); new traces sampled at {SampleRatio}, a sampled traceparent always.")]
    private static partial void Enabled(ILogger logger, Uri endpoint, TracingProtocol protocol, string sampleRatio);
}
