using System.Buffers;
using System.IO.Pipelines;

namespace EdgeProxy.Connections;

/// <summary>
/// A connection's transport output that, once the connection turns out to be HTTP/2, hands its writes to the socket
/// from the thread pool instead of at each flush. Under inline scheduling (<c>EdgeProxy:Connections:InlineScheduling</c>)
/// every flush of the TLS layer is sent at once on the event thread; HTTP/2 flushes once per frame batch of each stream,
/// so its responses went out one system call each instead of several per call as Kestrel's I/O queue coalesces them
/// without inline scheduling (~25 % more CPU per HTTP/2 request). Here the flushed bytes wait in a pipe whose reader
/// runs on the thread pool, which sends all that arrived meanwhile in one go. Before that (the TLS handshake, and every
/// HTTP/1.1 connection) writes go straight to the transport, on the event thread. As with Kestrel's I/O queue, a frame
/// written just before Kestrel aborts a connection (a GOAWAY on a timeout) may not leave before the socket closes; a
/// graceful close sends everything (the middleware completes this writer and waits for the pump).
/// Writes, <see cref="Complete"/> and flushes come from one writer at a time (SslStream serialises its writes).
/// </summary>
/// <param name="transport">The connection's transport output.</param>
/// <param name="isHttp2">Whether the connection is HTTP/2; null while not known yet (before the TLS handshake ends).</param>
/// <param name="pool">The connection's memory pool.</param>
internal sealed class SendCoalescingPipeWriter(PipeWriter transport, Func<bool?> isHttp2, MemoryPool<byte> pool) : PipeWriter
{
    // Bytes waiting for the pump: half of the socket pipe's 64 KB, so that the two together hold what one did before.
    private const int PauseWriterThreshold = 32 * 1024;

    // Written once, by the writer, then read by Complete and CancelPendingFlush too, which Kestrel may call elsewhere.
    private volatile Pipe? _buffer;
    private Task _pump = Task.CompletedTask;
    private bool _unflushed;
    private bool _decided;

    /// <summary>Whether writes go through the coalescing pipe (the connection is HTTP/2).</summary>
    internal bool Coalescing => _buffer is not null;

    // Decided at the start of a write, never with direct bytes unflushed, so the order on the wire holds.
    private PipeWriter Target
    {
        get
        {
            if (!_decided && !_unflushed && isHttp2() is { } http2)
            {
                _decided = true;
                if (http2)
                {
                    var buffer = new Pipe(new PipeOptions(pool, readerScheduler: PipeScheduler.ThreadPool, writerScheduler: PipeScheduler.Inline,
                        pauseWriterThreshold: PauseWriterThreshold, resumeWriterThreshold: PauseWriterThreshold / 2, useSynchronizationContext: false));
                    _pump = PumpAsync(buffer.Reader);
                    _buffer = buffer;
                }
            }

            return _buffer?.Writer ?? transport;
        }
    }

    public override void Advance(int bytes)
    {
        if (_buffer is null)
        {
            _unflushed = true;
            transport.Advance(bytes);
        }
        else
        {
            _buffer.Writer.Advance(bytes);
        }
    }

    public override Memory<byte> GetMemory(int sizeHint = 0) => Target.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => Target.GetSpan(sizeHint);

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_buffer is not null)
        {
            return _buffer.Writer.FlushAsync(cancellationToken);
        }

        _unflushed = false;
        return transport.FlushAsync(cancellationToken);
    }

    public override void CancelPendingFlush() => (_buffer?.Writer ?? transport).CancelPendingFlush();

    public override void Complete(Exception? exception = null)
    {
        if (_buffer is null)
        {
            transport.Complete(exception);
        }
        else
        {
            // The pump sends what is left, then completes the transport with the same exception.
            _buffer.Writer.Complete(exception);
        }
    }

    /// <summary>Waits until the pump has handed everything to the transport (nothing to wait for when not coalescing).</summary>
    public Task DrainAsync() => _pump;

    private async Task PumpAsync(PipeReader reader)
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    transport.Write(segment.Span);
                }

                // Consumed only once the socket pipe took them, so a writer paused on back-pressure resumes no earlier
                // than it would have without this pipe.
                var sent = result.Buffer.IsEmpty || !(await transport.FlushAsync()).IsCompleted;
                reader.AdvanceTo(result.Buffer.End);
                if (!sent)
                {
                    break; // the socket is gone: the writer's next flush reports it completed
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception exception)
        {
            failure = exception;
        }
        finally
        {
            await reader.CompleteAsync(failure);
            await transport.CompleteAsync(failure);
        }
    }
}
