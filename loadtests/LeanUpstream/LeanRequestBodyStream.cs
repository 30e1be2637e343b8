namespace LeanUpstream;

/// <summary>
/// The write-only stream YARP's request content copies the client's body into: sends it as is (Content-Length) or as
/// chunks. The request head waits in the write buffer and leaves with the first body bytes, so a small body costs one
/// send; Flush therefore sends nothing (an HTTP/1.1 destination needs no early head, unlike an HTTP/2 stream).
/// </summary>
internal sealed class LeanRequestBodyStream(LeanConnection connection, int headLength, long contentLength) : Stream
{
    // Chunk size line (up to 8 hex digits, CR LF) plus the CR LF after the data.
    private const int ChunkOverhead = 12;
    private readonly bool _chunked = contentLength == LeanRequestWriter.Chunked;
    private int _pending = headLength;
    private long _written;

    /// <summary>True if a write failed: YARP's content records the failure instead of throwing it, so SendAsync asks.</summary>
    public bool Faulted { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            _written += buffer.Length;
            if (!_chunked && _written > contentLength)
            {
                throw new HttpRequestException("The request body is longer than its Content-Length.");
            }

            while (!buffer.IsEmpty)
            {
                var writeBuffer = connection.WriteBuffer;
                if (!_chunked && _pending == 0 && buffer.Length >= writeBuffer.Length)
                {
                    // A large block with nothing pending goes out directly, without a copy.
                    await connection.SendAsync(buffer, cancellationToken);
                    return;
                }

                var room = writeBuffer.Length - _pending - (_chunked ? ChunkOverhead : 0);
                if (room <= 0)
                {
                    await SendPendingAsync(cancellationToken);
                    continue;
                }

                var count = Math.Min(room, buffer.Length);
                if (_chunked)
                {
                    count.TryFormat(writeBuffer.AsSpan(_pending), out var digits, "X", provider: null);
                    _pending += digits;
                    AppendCrLf(writeBuffer);
                }

                buffer.Span[..count].CopyTo(writeBuffer.AsSpan(_pending));
                _pending += count;
                if (_chunked)
                {
                    AppendCrLf(writeBuffer);
                }

                buffer = buffer[count..];
                await SendPendingAsync(cancellationToken);
            }
        }
        catch
        {
            Faulted = true;
            throw;
        }
    }

    /// <summary>Ends the body: the last chunk, or the head alone if the body was empty; checks the promised length was sent.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (Faulted)
        {
            throw new HttpRequestException(HttpRequestError.Unknown, "Sending the request body to the destination failed.");
        }

        if (!_chunked && _written != contentLength)
        {
            throw new HttpRequestException($"The request body ended after {_written} of its {contentLength} bytes.");
        }

        if (_chunked)
        {
            var writeBuffer = connection.GrowWriteBuffer(_pending, _pending + 5);
            "0\r\n\r\n"u8.CopyTo(writeBuffer.AsSpan(_pending));
            _pending += 5;
        }

        await SendPendingAsync(cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void AppendCrLf(byte[] writeBuffer)
    {
        writeBuffer[_pending++] = (byte)'\r';
        writeBuffer[_pending++] = (byte)'\n';
    }

    private async ValueTask SendPendingAsync(CancellationToken cancellationToken)
    {
        if (_pending > 0)
        {
            await connection.SendAsync(_pending, cancellationToken);
            _pending = 0;
        }
    }
}
