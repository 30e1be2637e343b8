using System.Collections.Concurrent;
using System.Net.Sockets;

namespace LeanUpstream;

/// <summary>The idle connections to one (host, port), and how to open a new one.</summary>
internal sealed class LeanConnectionPool(string host, int port) : IDisposable
{
    // Idle connections kept beyond this are closed: a burst must not leave thousands of sockets open forever.
    private const int MaxIdle = 1024;

    // A queue, not a stack: ConcurrentStack allocates a node per push, ConcurrentQueue reuses its segments.
    private readonly ConcurrentQueue<LeanConnection> _idle = new();
    private readonly EndPoint _endPoint = IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, port) : new DnsEndPoint(host, port);
    private int _idleCount;
    private volatile bool _disposed;

    public string Host => host;

    public int Port => port;

    public LeanConnection? TryRent()
    {
        if (!_idle.TryDequeue(out var connection))
        {
            return null;
        }

        Interlocked.Decrement(ref _idleCount);
        return connection;
    }

    public async ValueTask<LeanConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_endPoint, cancellationToken);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            // As SocketsHttpHandler reports it, so YARP classifies the failure the same way.
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"{ex.Message} ({host}:{port})", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new LeanConnection(socket, this);
    }

    /// <summary>Takes back a connection whose response was read to its end and left no byte unread.</summary>
    public void Return(LeanConnection connection)
    {
        connection.IsReused = true;
        connection.ResponseStarted = false;
        if (_disposed || Interlocked.Increment(ref _idleCount) > MaxIdle)
        {
            if (!_disposed)
            {
                Interlocked.Decrement(ref _idleCount);
            }

            connection.Dispose();
            return;
        }

        _idle.Enqueue(connection);
        if (_disposed)
        {
            // The handler was disposed while this connection came back: close what its Dispose may have missed.
            Dispose();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryDequeue(out var connection))
        {
            connection.Dispose();
        }
    }
}
