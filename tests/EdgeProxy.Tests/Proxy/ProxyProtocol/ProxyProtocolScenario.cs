using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.ProxyProtocol;

/// <summary>
/// What the PROXY listener tests share: 127.0.0.3 and ::1 play the load balancer (<c>TrustedSenders</c>), 127.0.0.1 a
/// peer outside them; the access log goes to a file; raw connections that send exactly the bytes a balancer would.
/// </summary>
internal static class ProxyProtocolScenario
{
    public static readonly IPAddress Balancer = IPAddress.Parse("127.0.0.3");
    public static readonly IPAddress Outsider = IPAddress.Loopback;

    public static JsonObject Config(TestBackend backend, JsonArray endpoints, Action<JsonObject>? proxyProtocol = null)
    {
        var config = TestConfig.SingleCluster(backend.Address);
        var edge = config["EdgeProxy"]!.AsObject();
        var section = new JsonObject { ["Endpoints"] = endpoints, ["TrustedSenders"] = new JsonArray("127.0.0.3/32", "::1/128") };
        proxyProtocol?.Invoke(section);
        edge["ProxyProtocol"] = section;
        edge["AccessLog"] = new JsonObject { ["Console"] = false, ["File"] = "access.log" };
        return config;
    }

    public static string AccessLogPath(ProxyUnderTest proxy) => Path.Combine(Path.GetDirectoryName(proxy.ConfigPath)!, "access.log");

    public static IPEndPoint EndPoint(Uri listener) => new(IPAddress.Parse(listener.Host.Trim('[', ']')), listener.Port);

    public static async Task<Socket> ConnectAsync(IPAddress from, IPEndPoint server)
    {
        var socket = new Socket(from.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(from, 0));
            await socket.ConnectAsync(server);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public static byte[] Request(string path = "/ip") => Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");

    /// <summary>
    /// Connects from <paramref name="from"/>, writes <paramref name="bytes"/> in one write (a header followed by a request
    /// arrives together, as a balancer forwards it), and returns everything answered until the proxy closes (bounded).
    /// </summary>
    public static async Task<string> ExchangeAsync(IPAddress from, IPEndPoint server, byte[] bytes, bool endSending = false)
    {
        using var socket = await ConnectAsync(from, server);
        return await SendAndReadToCloseAsync(socket, bytes, endSending);
    }

    public static async Task<string> SendAndReadToCloseAsync(Socket socket, byte[] bytes, bool endSending = false)
    {
        var answer = new MemoryStream();
        try
        {
            if (bytes.Length > 0)
            {
                await socket.SendAsync(bytes);
            }

            if (endSending)
            {
                socket.Shutdown(SocketShutdown.Send);
            }

            var buffer = new byte[8192];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // A reset is a close too.
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }

    /// <summary>
    /// TLS over a raw connection that first sends <paramref name="header"/> in the same write as the ClientHello (so the
    /// proxy reads both at once and must hand the rest to TLS), then one HTTP/1.1 request; returns the answer.
    /// </summary>
    public static async Task<string> TlsExchangeAsync(IPAddress from, IPEndPoint server, byte[] header, string extraHeaders = "")
    {
        using var socket = await ConnectAsync(from, server);
        await using var ssl = new SslStream(new PrefixedStream(new NetworkStream(socket, ownsSocket: false), header));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        }, timeout.Token);
        await ssl.WriteAsync(Encoding.ASCII.GetBytes($"GET /ip HTTP/1.1\r\nHost: localhost\r\n{extraHeaders}Connection: close\r\n\r\n"), timeout.Token);
        var answer = new MemoryStream();
        try
        {
            await ssl.CopyToAsync(answer, timeout.Token);
        }
        catch (IOException)
        {
            // A close without close_notify still leaves what was answered.
        }

        return Encoding.ASCII.GetString(answer.ToArray());
    }

    /// <summary>A stream whose first write is preceded, in the same write, by <c>prefix</c>.</summary>
    private sealed class PrefixedStream(Stream inner, byte[] prefix) : Stream
    {
        private byte[]? _prefix = prefix;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix is { } prefix)
            {
                _prefix = null;
                await inner.WriteAsync((byte[])[.. prefix, .. buffer.Span], cancellationToken);
                return;
            }

            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
