using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace EdgeProxy.Tls;

/// <summary>
/// Connection middleware ahead of TLS: reads the ClientHello without consuming it and leaves its name and protocols as a
/// <see cref="TlsClientHello"/> feature for <c>OnAuthenticate</c>. Used instead of Kestrel's <c>TlsClientHelloBytesCallback</c>,
/// whose reader sees only the first record (a hello split over records lost its name) and logs an error with a stack
/// trace for a record length from 0x8000 up (an 8-byte packet per log entry). A client that sends no hello within the
/// handshake timeout is closed, as the handshake would have been.
/// </summary>
internal sealed class ClientHelloPeek(TimeSpan timeout, TimeProvider timeProvider)
{
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var input = connection.Transport.Input;
        var hello = TlsClientHello.Empty;
        var reader = new TlsClientHelloReader();
        using (var deadline = new CancellationTokenSource(timeout, timeProvider))
        {
            try
            {
                while (true)
                {
                    var result = await input.ReadAsync(deadline.Token);
                    if (reader.TryRead(result.Buffer, out hello) || result.IsCompleted)
                    {
                        // Nothing consumed: TLS reads the same bytes.
                        input.AdvanceTo(result.Buffer.Start);
                        break;
                    }

                    input.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                }
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException or ConnectionAbortedException)
            {
                // Silent past the timeout, or gone: closed without a word, as the TLS handshake timeout does.
                return;
            }
        }

        connection.Features.Set(hello);
        await next(connection);
    }
}
