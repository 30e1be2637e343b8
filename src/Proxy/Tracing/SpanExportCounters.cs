namespace EdgeProxy.Tracing;

/// <summary>
/// What became of the recorded spans: exported, or dropped (queue full, or a batch the collector did not take). The SDK
/// keeps its own drop count internal, so <see cref="BoundedSpanProcessor"/> and <see cref="CountingOtlpExporter"/>
/// keep these instead.
/// </summary>
internal sealed class SpanExportCounters
{
    private long _waiting;
    private long _exported;
    private long _dropped;
    private long _lastFailureTicks;

    public long Exported => Volatile.Read(ref _exported);

    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>Spans in the queue or in the export under way.</summary>
    public long Waiting => Volatile.Read(ref _waiting);

    public DateTimeOffset? LastFailure => Volatile.Read(ref _lastFailureTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>
    /// Takes a place in the queue for one span, or counts it dropped when <paramref name="capacity"/> spans already wait.
    /// A place is given back only once the exporter is done with the span (after the SDK has removed it from its
    /// queue), so this count never falls below the SDK's: when it admits a span, the SDK's queue has room too.
    /// </summary>
    public bool TryEnqueue(int capacity)
    {
        if (Interlocked.Increment(ref _waiting) <= capacity)
        {
            return true;
        }

        Interlocked.Decrement(ref _waiting);
        Interlocked.Increment(ref _dropped);
        return false;
    }

    /// <summary>One export of <paramref name="count"/> spans is over; a failed batch is lost (the exporter does not retry).</summary>
    public void Completed(long count, bool exported, DateTimeOffset now)
    {
        Interlocked.Add(ref _waiting, -count);
        if (exported)
        {
            Interlocked.Add(ref _exported, count);
        }
        else
        {
            Interlocked.Add(ref _dropped, count);
            Volatile.Write(ref _lastFailureTicks, now.UtcTicks);
        }
    }
}
