using EdgeProxy.Common;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;

namespace EdgeProxy.Tracing;

/// <summary>
/// The SDK's OTLP exporter, counting what each export did. A subclass rather than a wrapper: the SDK hands the resource
/// (<c>service.name</c>) to the exporter it was given, which a wrapper's inner exporter would never see. Runs on the
/// batch processor's thread, never on a request's.
/// </summary>
internal sealed partial class CountingOtlpExporter(OtlpExporterOptions options, SpanExportCounters counters, TimeProvider time, ILogger logger)
    : OtlpTraceExporter(options)
{
    private readonly Uri _endpoint = options.Endpoint;
    private bool _failing;

    public override ExportResult Export(in Batch<Activity> batch)
    {
        // Read before exporting: the batch is a window on the queue, and the export empties it.
        var count = batch.Count;
        var result = ExportResult.Failure;
        try
        {
            result = base.Export(batch);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The SDK's exporter reports its failures as a result; anything thrown is counted the same way.
        }

        var exported = result == ExportResult.Success;
        counters.Completed(count, exported, time.GetUtcNow());
        if (exported != !_failing)
        {
            _failing = !exported;
            if (_failing)
            {
                ExportFailed(logger, count, _endpoint);
            }
            else
            {
                ExportRecovered(logger, _endpoint);
            }
        }

        return result;
    }

    [LoggerMessage(EventId = EventIds.TracingExportFailed, EventName = "TracingExportFailed", Level = LogLevel.Warning,
        Message = "Tracing: {Count} spans could not be exported to {Endpoint} and are dropped; until an export succeeds again, dropped spans are only counted (edgeproxy_tracing_dropped_total).")]
    private static partial void ExportFailed(ILogger logger, long count, Uri endpoint);

    [LoggerMessage(EventId = EventIds.TracingExportRecovered, EventName = "TracingExportRecovered", Level = LogLevel.Information,
        Message = "Tracing: spans are exported to {Endpoint} again.")]
    private static partial void ExportRecovered(ILogger logger, Uri endpoint);
}
