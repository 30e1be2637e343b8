using System.Net.Sockets;
using System.Text;

namespace EdgeProxy.Tests.Protocols;

/// <summary>
/// HTTP/1.x on a raw TCP connection: the test writes exactly the bytes a client sends and reads the answers as they
/// arrive (status line, headers, body by Content-Length, chunks, or until the server closes).
/// </summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private RawHttp(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _stream.ReadTimeout = 10_000;
    }

    public sealed record Response(string StatusLine, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string? this[string header] => Headers.TryGetValue(header, out var value) ? value : null;
    }

    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(server.Host, server.Port);
        return new RawHttp(tcp);
    }

    /// <summary>Connects from <paramref name="localAddress"/> (Linux routes all of 127/8 to lo), to be another peer.</summary>
    public static async Task<RawHttp> ConnectFromAsync(System.Net.IPAddress localAddress, Uri server)
    {
        var tcp = new TcpClient(new System.Net.IPEndPoint(localAddress, 0));
        await tcp.ConnectAsync(server.Host, server.Port);
        return new RawHttp(tcp);
    }

    public Task SendAsync(string text) => _stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    public NetworkStream Stream => _stream;

    /// <summary>Reads one response (for a HEAD request pass <paramref name="bodyless"/>).</summary>
    public async Task<Response> ReadResponseAsync(bool bodyless = false)
    {
        var statusLine = await ReadLineAsync() ?? throw new IOException("connection closed before a response");
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await ReadLineAsync(); !string.IsNullOrEmpty(line); line = await ReadLineAsync())
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }

        var body = new StringBuilder();
        if (bodyless || statusLine.StartsWith("HTTP/1.1 1", StringComparison.Ordinal) || statusLine.Contains(" 204 ", StringComparison.Ordinal) || statusLine.Contains(" 304 ", StringComparison.Ordinal))
        {
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var coding) && coding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            for (var size = Convert.ToInt32(await ReadLineAsync(), 16); size > 0; size = Convert.ToInt32(await ReadLineAsync(), 16))
            {
                body.Append(Encoding.UTF8.GetString(await ReadExactlyAsync(size)));
                await ReadLineAsync();
            }

            while (!string.IsNullOrEmpty(await ReadLineAsync()))
            {
                // trailer fields
            }
        }
        else if (headers.TryGetValue("Content-Length", out var length))
        {
            body.Append(Encoding.UTF8.GetString(await ReadExactlyAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture))));
        }
        else
        {
            // Delimited by the server closing the connection (HTTP/1.0 without a length).
            while (await FillAsync())
            {
            }

            body.Append(Encoding.UTF8.GetString(_buffer, _start, _end - _start));
            _start = _end;
        }

        return new Response(statusLine, headers, body.ToString());
    }

    /// <summary>True when the server has closed the connection (end of stream, or a reset, with nothing left unread).</summary>
    public async Task<bool> ClosedByServerAsync()
    {
        try
        {
            return _start == _end && !await FillAsync();
        }
        catch (IOException)
        {
            return _start == _end;
        }
    }

    private async Task<string?> ReadLineAsync()
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end && !await FillAsync())
            {
                throw new IOException($"connection closed after {copied} of {count} body bytes");
            }

            var take = Math.Min(count - copied, _end - _start);
            Array.Copy(_buffer, _start, result, copied, take);
            _start += take;
            copied += take;
        }

        return result;
    }

    /// <summary>Reads more into the buffer; false at the end of the stream.</summary>
    private async Task<bool> FillAsync()
    {
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
        _end += read;
        return read > 0;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
