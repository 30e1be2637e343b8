using System.Net.Sockets;

namespace LeanUpstream;

/// <summary>
/// One HTTP/1.1 connection to a destination: the socket and the buffers that live as long as it does, so a request on
/// a pooled connection allocates no buffer. The read buffer holds bytes received but not yet consumed, between
/// <see cref="ReadStart"/> and <see cref="ReadEnd"/>.
/// </summary>
internal sealed class LeanConnection(Socket socket, LeanConnectionPool pool) : IDisposable
{
    // Large enough for any ordinary response header block; a larger one is refused (see FillAsync).
    private const int ReadBufferSize = 16 * 1024;
    private const int InitialWriteBufferSize = 4 * 1024;

    // Plain arrays, not ArrayPool: a connection lives for many requests, and a pooled array handed back while a
    // cancelled receive may still write into it would corrupt whoever rents it next.
    private readonly byte[] _readBuffer = GC.AllocateUninitializedArray<byte>(ReadBufferSize);

    public Socket Socket { get; } = socket;

    /// <summary>The last value of each of <see cref="LeanKnownHeaders.Names"/> on this connection, to reuse when unchanged.</summary>
    public string?[] LastHeaderValues { get; } = new string?[LeanKnownHeaders.Names.Length];

    public LeanConnectionPool Pool { get; } = pool;

    public byte[] ReadBuffer => _readBuffer;

    public int ReadStart { get; set; }

    public int ReadEnd { get; private set; }

    public int Buffered => ReadEnd - ReadStart;

    public byte[] WriteBuffer { get; private set; } = GC.AllocateUninitializedArray<byte>(InitialWriteBufferSize);

    /// <summary>True once the connection has served a request and come back from the pool: the server may have closed it meanwhile.</summary>
    public bool IsReused { get; set; }

    /// <summary>True once any byte of the current response arrived; until then a failure on a reused connection is a stale connection.</summary>
    public bool ResponseStarted { get; set; }

    /// <summary>Receives more bytes after the buffered ones (moved to the front first when the buffer's end is reached); 0 at end of stream.</summary>
    public async ValueTask<int> FillAsync(CancellationToken cancellationToken)
    {
        if (ReadStart == ReadEnd)
        {
            ReadStart = ReadEnd = 0;
        }
        else if (ReadEnd == _readBuffer.Length)
        {
            if (ReadStart == 0)
            {
                throw new HttpRequestException(HttpRequestError.ResponseEnded, "A response line or header block is larger than the read buffer.");
            }

            Buffer.BlockCopy(_readBuffer, ReadStart, _readBuffer, 0, ReadEnd - ReadStart);
            ReadEnd -= ReadStart;
            ReadStart = 0;
        }

        var received = await Socket.ReceiveAsync(_readBuffer.AsMemory(ReadEnd), SocketFlags.None, cancellationToken);
        ReadEnd += received;
        ResponseStarted |= received > 0;
        return received;
    }

    /// <summary>Waits until a whole line is buffered and returns the offset of its '\n' from <see cref="ReadStart"/>.</summary>
    public async ValueTask<int> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = 0;
        while (true)
        {
            var newLine = _readBuffer.AsSpan(ReadStart + scanned, ReadEnd - ReadStart - scanned).IndexOf((byte)'\n');
            if (newLine >= 0)
            {
                return scanned + newLine;
            }

            // Only the bytes received from now on need scanning (FillAsync may move the buffered ones, not reorder them).
            scanned = ReadEnd - ReadStart;
            if (await FillAsync(cancellationToken) == 0)
            {
                throw new HttpIOException(HttpRequestError.ResponseEnded, ResponseStarted
                    ? "The destination closed the connection in the middle of a response."
                    : "The destination closed the connection without responding.");
            }
        }
    }

    /// <summary>Consumes the line <see cref="ReadLineAsync"/> found and returns it without its CR LF.</summary>
    public ReadOnlySpan<byte> TakeLine(int newLine)
    {
        var line = _readBuffer.AsSpan(ReadStart, newLine);
        ReadStart += newLine + 1;
        return line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;
    }

    /// <summary>Copies buffered bytes, at most <paramref name="limit"/>, into <paramref name="destination"/>.</summary>
    public int CopyBuffered(Span<byte> destination, long limit)
    {
        var count = (int)Math.Min(Math.Min(destination.Length, Buffered), limit);
        _readBuffer.AsSpan(ReadStart, count).CopyTo(destination);
        ReadStart += count;
        return count;
    }

    /// <summary>Makes the write buffer hold at least <paramref name="length"/> bytes, keeping the first <paramref name="used"/>.</summary>
    public byte[] GrowWriteBuffer(int used, int length)
    {
        if (length > WriteBuffer.Length)
        {
            var larger = GC.AllocateUninitializedArray<byte>(Math.Max(length, WriteBuffer.Length * 2));
            Buffer.BlockCopy(WriteBuffer, 0, larger, 0, used);
            WriteBuffer = larger;
        }

        return WriteBuffer;
    }

    public ValueTask SendAsync(int length, CancellationToken cancellationToken) => SendAsync(WriteBuffer.AsMemory(0, length), cancellationToken);

    public async ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        // A stream socket may accept fewer bytes than asked; loop until all are sent.
        while (!bytes.IsEmpty)
        {
            var sent = await Socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
            bytes = bytes[sent..];
        }
    }

    public void Dispose() => Socket.Dispose();
}
