using System.Buffers;
using System.Threading.Channels;
using EdgeProxy.Middleware.AccessLog;

namespace EdgeProxy.AccessLog;

/// <summary>
/// One destination of records: a bounded queue filled on the request path (<see cref="Enqueue"/> never waits: a full
/// queue drops the new item and counts it) and a background loop that formats and writes in batches.
/// </summary>
internal abstract class AccessLogTarget
{
    /// <summary>
    /// How long the writer lets records gather after the first one arrives (nginx's <c>access_log … flush=</c>): under
    /// load one wake-up and a few large writes per interval instead of a wake-up and a write every few requests.
    /// </summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    private const int MaxBatch = 256;
    private readonly Channel<object> _queue;
    private readonly TimeProvider _clock;
    private long _dropped;

    protected AccessLogTarget(string name, int capacity, TimeProvider clock)
    {
        Name = name;
        _clock = clock;
        _queue = Channel.CreateBounded<object>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true, AllowSynchronousContinuations = false },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>The <c>target</c> label: <c>console</c>, <c>file</c>, <c>syslog</c>.</summary>
    public string Name { get; }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Items written (accepted by the target's socket, file or stream).</summary>
    public long Written => Interlocked.Read(ref _written);

    private long _written;

    /// <summary>An <see cref="AccessLogRecord"/> or a <see cref="SyslogLogEntry"/>; never blocks.</summary>
    public void Enqueue(object item) => _queue.Writer.TryWrite(item);

    protected void CountDropped(long count) => Interlocked.Add(ref _dropped, count);

    /// <summary>Formats one item into the pending batch.</summary>
    protected abstract void Append(object item, ArrayBufferWriter<byte> batch);

    /// <summary>Writes the batch of <paramref name="count"/> items; false when it could not (they are counted as dropped).</summary>
    protected abstract ValueTask<bool> WriteBatchAsync(ArrayBufferWriter<byte> batch, int count, CancellationToken cancellationToken);

    public async Task RunAsync(CancellationToken stop)
    {
        var batch = new ArrayBufferWriter<byte>(64 * 1024);
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(stop))
            {
                if (reader.Count < MaxBatch)
                {
                    await Task.Delay(FlushInterval, _clock, stop);
                }

                await WriteAvailableAsync(reader, batch, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Shutting down: what is queued gets a short last chance.
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await WriteAvailableAsync(reader, batch, last.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task WriteAvailableAsync(ChannelReader<object> reader, ArrayBufferWriter<byte> batch, CancellationToken cancellationToken)
    {
        var count = 0;
        while (true)
        {
            var more = reader.TryRead(out var item);
            if (more)
            {
                try
                {
                    Append(item!, batch);
                    count++;
                }
                catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
                {
                    // Text the formatter cannot encode (invalid UTF-16): that record only is lost, and counted.
                    CountDropped(1);
                }
            }

            if (count > 0 && (!more || count == MaxBatch))
            {
                var written = await WriteBatchAsync(batch, count, cancellationToken);
                if (written)
                {
                    Interlocked.Add(ref _written, count);
                }
                else
                {
                    CountDropped(count);
                }

                batch.ResetWrittenCount();
                count = 0;
            }

            if (!more)
            {
                return;
            }
        }
    }
}

/// <summary>Formats records as the configured format, one per call; one per target (the JSON writer is reused).</summary>
internal sealed class RecordFormatter(AccessLogFormat format)
{
    private readonly AccessLogJsonFormatter _json = new();

    public void Write(AccessLogRecord record, IBufferWriter<byte> output)
    {
        if (format == AccessLogFormat.Combined)
        {
            AccessLogCombinedFormatter.Write(record, output);
        }
        else
        {
            _json.Write(record, output);
        }
    }
}
