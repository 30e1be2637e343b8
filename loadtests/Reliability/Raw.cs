using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace EdgeProxy.Reliability;

/// <summary>A raw TLS connection to the proxy, for what HttpClient will not send.</summary>
public static class Raw
{
    public static async Task<(TcpClient Tcp, SslStream Tls)> ConnectAsync(int port, string alpn = "http/1.1", CancellationToken cancel = default)
    {
        var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(IPAddress.Loopback, port, cancel);
            var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                ApplicationProtocols = [new SslApplicationProtocol(alpn)],
            }, cancel);
            return (tcp, tls);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends one HTTP/1.1 request as bytes and returns the status code of the answer (0: closed without one).</summary>
    public static async Task<int> StatusOfAsync(int port, string request)
    {
        var (tcp, tls) = await ConnectAsync(port);
        using (tcp)
        await using (tls)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await tls.WriteAsync(System.Text.Encoding.ASCII.GetBytes(request), timeout.Token);
                var buffer = new byte[64];
                var read = await tls.ReadAtLeastAsync(buffer, 12, throwOnEndOfStream: false, timeout.Token);
                return read >= 12 && int.TryParse(System.Text.Encoding.ASCII.GetString(buffer, 9, 3), out var status) ? status : 0;
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                return 0;
            }
        }
    }
}
