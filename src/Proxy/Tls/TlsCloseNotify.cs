using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Server.Kestrel;

namespace EdgeProxy.Tls;

/// <summary>
/// Ends every public TLS connection the way nginx and HAProxy do: a close_notify alert before the TCP close. Kestrel's
/// HTTPS middleware disposes its SslStream without <c>ShutdownAsync</c>, so a client that reads one response until the
/// server closes (HTTP/1.0, <c>Connection: close</c>, <c>openssl s_time -reuse</c>) sees a truncated stream. OpenSSL
/// 3 reports that as "unexpected eof", a fatal error, and marks the session not resumable: no such client ever resumed,
/// with TLS 1.3 or 1.2, although the tickets were sent and would have been accepted.
/// </summary>
internal static class TlsCloseNotify
{
    /// <summary>How long the alert may wait behind a client that reads nothing; then the connection is aborted as before.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Adds Kestrel's HTTPS middleware itself, then the alert after it (Kestrel would add HTTPS after every endpoint
    /// callback, leaving nothing between TLS and HTTP). Must run after every other setup has changed
    /// <c>HttpsOptions</c>. An endpoint with an <c>Sni</c> map is left to Kestrel: its per-name selector is internal.
    /// </summary>
    public static void Apply(EndpointConfiguration endpoint)
    {
        if (!endpoint.IsHttps || endpoint.ConfigSection.GetSection("Sni").GetChildren().Any())
        {
            return;
        }

        endpoint.ListenOptions.UseHttps(endpoint.HttpsOptions);
        endpoint.ListenOptions.Use(next => connection => OnConnectionAsync(connection, next));
    }

    internal static async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        await next(connection);

        // Closed or aborted already (peer gone, timeouts, a reclaimed connection): nothing to say, like nginx after an error.
        if (connection.Features.Get<ISslStreamFeature>()?.SslStream is not { } ssl || connection.ConnectionClosed.IsCancellationRequested)
        {
            return;
        }

        try
        {
            // HTTP is done; whatever it buffered goes out before the alert, never after it.
            await connection.Transport.Output.CompleteAsync();
            await ssl.ShutdownAsync().WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            connection.Abort(new ConnectionAbortedException("the client did not take the TLS close_notify alert in time"));
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
        {
            // The peer closed first, or the stream was already shut down: the TCP close follows either way.
        }
    }
}
