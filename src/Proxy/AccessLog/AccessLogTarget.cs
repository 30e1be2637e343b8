using System.Buffers;

namespace EdgeProxy.AccessLog;

/// <summary>
/// One destination of records: a bounded pending batch that requests append their already formatted record to
/// (<see cref="Enqueue"/> never waits: when the batch holds its capacity in records or <see cref="MaxPendingBytes"/>, the
/// new record is dropped and counted), and a
/// background loop that swaps the batch out and writes it. Copying the bytes on the request thread, while they are in
/// its cache, costs less than queueing an object that a writer reads back cold a few milliseconds later.
/// </summary>
internal abstract class AccessLogTarget
{
    /// <summary>
    /// How long the writer lets records gather after the first one arrives (nginx's <c>access_log … flush=</c>): under
    /// load one wake-up and one large write per interval instead of a wake-up and a write every few requests.
    /// </summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Bytes a pending batch may hold, whatever its record count: records are as long as the request's headers and path
    /// (tens of KB each at most), so a count alone would let a slow target hold gigabytes.
    /// </summary>
    internal const int MaxPendingBytes = 16 * 1024 * 1024;

    /// <summary>A batch grown past this is let go once written, so a burst of long records does not keep its memory.</summary>
    private const int KeptBatchBytes = 1024 * 1024;

    private const int InitialBatchBytes = 64 * 1024;

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _ready = new(0);
    private readonly int _capacity;
    private readonly TimeProvider _clock;
    private ArrayBufferWriter<byte> _pending = new(InitialBatchBytes);
    private ArrayBufferWriter<byte> _spare = new(InitialBatchBytes);
    private int _pendingCount;
    private long _dropped;
    private long _written;

    protected AccessLogTarget(string name, int capacity, TimeProvider clock)
    {
        Name = name;
        _capacity = Math.Max(1, capacity);
        _clock = clock;
    }

    /// <summary>The <c>target</c> label: <c>console</c>, <c>file</c>, <c>syslog</c>.</summary>
    public string Name { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Items written (accepted by the target's socket, file or stream).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Appends the message to the pending batch; never blocks on the target.</summary>
    public void Enqueue(AccessLogMessage message)
    {
        var first = false;
        lock (_lock)
        {
            if (_pendingCount >= _capacity || _pending.WrittenCount + message.Body.Length > MaxPendingBytes)
            {
                CountDropped(1);
            }
            else
            {
                Append(message, _pending);
                first = _pendingCount++ == 0;
            }
        }

        if (first)
        {
            _ready.Release();
        }
    }

    public void CountDropped(long count) => Interlocked.Add(ref _dropped, count);

    /// <summary>Frames one message into the pending batch (called under the batch's lock).</summary>
    protected abstract void Append(AccessLogMessage message, ArrayBufferWriter<byte> batch);

    /// <summary>Writes the batch of <paramref name="count"/> items; false when it could not (they are counted as dropped).</summary>
    protected abstract ValueTask<bool> WriteBatchAsync(ArrayBufferWriter<byte> batch, int count, CancellationToken cancellationToken);

    public async Task RunAsync(CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await _ready.WaitAsync(stop);
                await Task.Delay(FlushInterval, _clock, stop);
                await WritePendingAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down: what is pending gets a short last chance.
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await WritePendingAsync(last.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task WritePendingAsync(CancellationToken cancellationToken)
    {
        var batch = _spare;
        int count;
        lock (_lock)
        {
            (batch, _pending) = (_pending, batch);
            count = _pendingCount;
            _pendingCount = 0;
        }

        if (count == 0)
        {
            _spare = batch;
            return;
        }

        try
        {
            if (await WriteBatchAsync(batch, count, cancellationToken))
            {
                Interlocked.Add(ref _written, count);
            }
            else
            {
                CountDropped(count);
            }
        }
        finally
        {
            batch.ResetWrittenCount();
            _spare = batch.Capacity > KeptBatchBytes ? new ArrayBufferWriter<byte>(InitialBatchBytes) : batch;
        }
    }
}
