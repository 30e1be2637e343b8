using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>A syslog collector on a loopback UDP port: one message per datagram.</summary>
public sealed class UdpSyslogReceiver : IDisposable
{
    private readonly UdpClient _client = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly CancellationTokenSource _stop = new();

    public UdpSyslogReceiver()
    {
        Port = ((IPEndPoint)_client.Client.LocalEndPoint!).Port;
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var result = await _client.ReceiveAsync(_stop.Token);
                    Messages.Enqueue(Encoding.UTF8.GetString(result.Buffer));
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }
            }
        });
    }

    public int Port { get; }

    public ConcurrentQueue<string> Messages { get; } = new();

    public void Dispose()
    {
        _stop.Cancel();
        _client.Dispose();
    }
}

/// <summary>A syslog collector on a loopback TCP port reading RFC 6587 octet-counted frames; can stop and start again on the same port.</summary>
public sealed class TcpSyslogReceiver : IDisposable
{
    private readonly List<TcpClient> _clients = [];
    private TcpListener? _listener;
    private CancellationTokenSource _stop = new();

    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2? _certificate;

    /// <param name="certificate">Set: a TLS collector (<c>tls://</c>) presenting it.</param>
    public TcpSyslogReceiver(int port = 0, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        _certificate = certificate;
        Start(port);
    }

    public int Port { get; private set; }

    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Frames that did not start with a decimal length and a space.</summary>
    public ConcurrentQueue<string> BadFrames { get; } = new();

    public void Start(int port)
    {
        _stop = new CancellationTokenSource();
        _listener = new TcpListener(IPAddress.Loopback, port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var listener = _listener;
        var stop = _stop.Token;
        _ = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await listener.AcceptTcpClientAsync(stop);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                lock (_clients)
                {
                    _clients.Add(client);
                }

                _ = Task.Run(() => ReadFramesAsync(client, stop));
            }
        });
    }

    /// <summary>Closes the listener and every accepted connection (a collector that went away).</summary>
    public void Stop()
    {
        _stop.Cancel();
        _listener?.Stop();
        lock (_clients)
        {
            foreach (var client in _clients)
            {
                client.Dispose();
            }

            _clients.Clear();
        }
    }

    private async Task ReadFramesAsync(TcpClient client, CancellationToken stop)
    {
        Stream stream = client.GetStream();
        var buffer = new List<byte>();
        var chunk = new byte[8192];
        try
        {
            if (_certificate is not null)
            {
                var tls = new System.Net.Security.SslStream(stream);
                await tls.AuthenticateAsServerAsync(new System.Net.Security.SslServerAuthenticationOptions { ServerCertificate = _certificate }, stop);
                stream = tls;
            }

            while (true)
            {
                var read = await stream.ReadAsync(chunk, stop);
                if (read == 0)
                {
                    return;
                }

                buffer.AddRange(chunk.AsSpan(0, read));
                while (TryTakeFrame(buffer, out var frame))
                {
                    Messages.Enqueue(frame);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or IOException or SocketException or System.Security.Authentication.AuthenticationException)
        {
        }
    }

    private bool TryTakeFrame(List<byte> buffer, out string frame)
    {
        frame = "";
        var space = buffer.IndexOf((byte)' ');
        if (space <= 0)
        {
            return false;
        }

        var lengthText = Encoding.ASCII.GetString([.. buffer.GetRange(0, space)]);
        if (!int.TryParse(lengthText, out var length))
        {
            BadFrames.Enqueue(Encoding.UTF8.GetString([.. buffer]));
            buffer.Clear();
            return false;
        }

        if (buffer.Count < space + 1 + length)
        {
            return false;
        }

        frame = Encoding.UTF8.GetString([.. buffer.GetRange(space + 1, length)]);
        buffer.RemoveRange(0, space + 1 + length);
        return true;
    }

    public void Dispose() => Stop();
}

/// <summary>An RFC 5424 message taken apart: <c>&lt;PRI&gt;1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG</c>.</summary>
public sealed partial record Rfc5424Message(int Priority, int Version, string Timestamp, string HostName, string AppName, string ProcId, string MsgId, string StructuredData, string Message)
{
    public int Facility => Priority / 8;

    public int Severity => Priority % 8;

    [GeneratedRegex(@"^<(?<pri>\d{1,3})>(?<ver>[1-9]\d{0,2}) (?<ts>\S+) (?<host>\S{1,255}) (?<app>\S{1,48}) (?<proc>\S{1,128}) (?<msgid>\S{1,32}) (?<sd>-|\[.*?\]) (?<msg>.*)$", RegexOptions.Singleline)]
    private static partial Regex Grammar();

    public static Rfc5424Message Parse(string text)
    {
        var m = Grammar().Match(text);
        Assert.True(m.Success, "not RFC 5424: " + text);
        return new Rfc5424Message(int.Parse(m.Groups["pri"].Value), int.Parse(m.Groups["ver"].Value), m.Groups["ts"].Value, m.Groups["host"].Value,
            m.Groups["app"].Value, m.Groups["proc"].Value, m.Groups["msgid"].Value, m.Groups["sd"].Value, m.Groups["msg"].Value);
    }
}
