using System.Diagnostics;
using OpenTelemetry;

namespace EdgeProxy.Tracing;

/// <summary>
/// The SDK's batch processor (a bounded queue emptied by its own thread: a slow or absent collector never holds up a
/// request), with every span that finds the queue full counted in <see cref="SpanExportCounters"/>.
/// </summary>
internal sealed class BoundedSpanProcessor : BatchActivityExportProcessor
{
    private readonly SpanExportCounters _counters;
    private readonly int _maxQueueSize;

    public BoundedSpanProcessor(CountingOtlpExporter exporter, SpanExportCounters counters, int maxQueueSize, int scheduledDelayMilliseconds, int exporterTimeoutMilliseconds, int maxExportBatchSize)
        : base(exporter, maxQueueSize, scheduledDelayMilliseconds, exporterTimeoutMilliseconds, maxExportBatchSize)
    {
        _counters = counters;
        _maxQueueSize = maxQueueSize;
    }

    protected override void OnExport(Activity data)
    {
        // Deciding the drop here (instead of letting the SDK's full queue refuse it) is what makes it countable.
        if (_counters.TryEnqueue(_maxQueueSize))
        {
            base.OnExport(data);
        }
    }
}
