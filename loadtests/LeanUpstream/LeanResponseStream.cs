using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace LeanUpstream;

/// <summary>
/// A response body, read-only: serves the bytes already buffered behind the headers, then reads the socket, for
/// Content-Length, chunked and read-until-close bodies. Once the body's last byte is read the connection goes back to
/// its pool (or is closed, if the response said so); disposing the stream before that closes the connection, since the
/// unread rest of the body would be mistaken for the next response.
/// </summary>
internal sealed class LeanResponseStream(LeanConnection connection) : Stream
{
    private enum Chunk { Size, Data, DataEnd, Trailers }

    private LeanConnection? _connection = connection;
    private Chunk _chunk;
    private bool _chunked;

    // Bytes left of the Content-Length body or of the current chunk; -1 for a body that ends when the connection does.
    private long _remaining;

    public bool KeepAlive { get; set; } = true;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Sets the framing once the headers are parsed: no body, chunked, a Content-Length, or until close (-1).</summary>
    public void Start(bool hasBody, bool chunked, long contentLength)
    {
        _chunked = chunked;
        _remaining = contentLength;
        if (!hasBody || (!chunked && contentLength == 0))
        {
            Finish(KeepAlive);
        }
        else if (!chunked && contentLength < 0)
        {
            KeepAlive = false;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_connection is not { } connection || buffer.IsEmpty)
        {
            // Finished (or disposed: the body then reads as ended, as it cannot be resumed).
            return 0;
        }

        try
        {
            return _chunked ? await ReadChunkedAsync(connection, buffer, cancellationToken) : await ReadPlainAsync(connection, buffer, cancellationToken);
        }
        catch
        {
            Abort();
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Abort();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadPlainAsync(LeanConnection connection, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var limit = _remaining < 0 ? long.MaxValue : _remaining;
        int count;
        if (connection.Buffered > 0)
        {
            count = connection.CopyBuffered(buffer.Span, limit);
        }
        else
        {
            // Straight into the caller's buffer, never past the body's end, so nothing of a next response is consumed.
            count = await connection.Socket.ReceiveAsync(buffer[..(int)Math.Min(buffer.Length, limit)], SocketFlags.None, cancellationToken);
            if (count == 0)
            {
                if (_remaining >= 0)
                {
                    throw new HttpIOException(HttpRequestError.ResponseEnded, $"The destination closed the connection {_remaining} bytes before the body's end.");
                }

                Finish(reusable: false);
                return 0;
            }
        }

        if (_remaining >= 0)
        {
            _remaining -= count;
            if (_remaining == 0)
            {
                // Released at once rather than on the caller's next read, so the next request can use it sooner.
                Finish(KeepAlive);
            }
        }

        return count;
    }

    private async ValueTask<int> ReadChunkedAsync(LeanConnection connection, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            switch (_chunk)
            {
                case Chunk.Size:
                    _remaining = ParseChunkSize(connection.TakeLine(await connection.ReadLineAsync(cancellationToken)));
                    _chunk = _remaining == 0 ? Chunk.Trailers : Chunk.Data;
                    break;
                case Chunk.Data:
                    if (connection.Buffered == 0 && await connection.FillAsync(cancellationToken) == 0)
                    {
                        throw new HttpIOException(HttpRequestError.ResponseEnded, "The destination closed the connection in the middle of a chunk.");
                    }

                    var count = connection.CopyBuffered(buffer.Span, _remaining);
                    _remaining -= count;
                    if (_remaining == 0)
                    {
                        _chunk = Chunk.DataEnd;
                    }

                    return count;
                case Chunk.DataEnd:
                    if (!connection.TakeLine(await connection.ReadLineAsync(cancellationToken)).IsEmpty)
                    {
                        throw new HttpIOException(HttpRequestError.InvalidResponse, "A chunk is longer than its size line says.");
                    }

                    _chunk = Chunk.Size;
                    break;
                default:
                    // Trailer fields are read and dropped (YARP's forwarding does not need them from an HTTP/1.1 destination).
                    if (connection.TakeLine(await connection.ReadLineAsync(cancellationToken)).IsEmpty)
                    {
                        Finish(KeepAlive);
                        return 0;
                    }

                    break;
            }
        }
    }

    private static long ParseChunkSize(ReadOnlySpan<byte> line)
    {
        // Chunk extensions (";name=value") are allowed and ignored.
        var end = line.IndexOf((byte)';');
        var digits = (end < 0 ? line : line[..end]).Trim((byte)' ');
        if (digits.Length is 0 or > 15 || !long.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size))
        {
            throw new HttpIOException(HttpRequestError.InvalidResponse, $"Invalid chunk size line '{Encoding.Latin1.GetString(line)}'.");
        }

        return size;
    }

    private void Finish(bool reusable)
    {
        var connection = _connection;
        _connection = null;
        if (connection is null)
        {
            return;
        }

        // Bytes beyond the body would belong to no request: such a connection is not reused.
        if (reusable && connection.Buffered == 0)
        {
            connection.Pool.Return(connection);
        }
        else
        {
            connection.Dispose();
        }
    }

    private void Abort()
    {
        var connection = _connection;
        _connection = null;
        connection?.Dispose();
    }
}
