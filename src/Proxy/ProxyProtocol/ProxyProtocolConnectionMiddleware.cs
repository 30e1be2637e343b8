using System.Buffers;
using EdgeProxy.Common;
using EdgeProxy.Middleware.ProxyProtocol;
using Microsoft.AspNetCore.Connections;

namespace EdgeProxy.ProxyProtocol;

/// <summary>
/// Kestrel connection middleware on a listener behind a TCP load balancer: the peer must be a trusted sender and must
/// start with a whole PROXY header within the timeout; the header's bytes are consumed from the transport (what follows,
/// the TLS ClientHello, stays in the pipe for TLS), and its source becomes the connection's remote endpoint, so every
/// later judge (the lock, the per-peer limit, client-IP trust, access policies, rate limits, the access log) sees the
/// client. Anything else closes the connection before TLS. Goes first on the listener.
/// </summary>
internal sealed partial class ProxyProtocolConnectionMiddleware(string endpoint, ProxyProtocolListeners listeners, ProxyProtocolCounters counters, TimeProvider timeProvider, ILogger logger)
{
    // Enough for the largest header the parser accepts; a multi-segment read is copied to the stack this size at most.
    private const int MaxHeaderLength = ProxyHeaderParser.V2FixedLength + ProxyHeaderParser.MaxV2PayloadLength;

    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (connection.RemoteEndPoint is not IPEndPoint balancer || !listeners.TrustedSenders.Contains(balancer.Address))
        {
            // Returning without calling next ends the connection: Kestrel closes the socket.
            Refuse(ProxyProtocolRefusal.UntrustedSender, connection.RemoteEndPoint);
            return;
        }

        var input = connection.Transport.Input;
        Accepted accepted;
        using (var timeout = new CancellationTokenSource(listeners.HeaderTimeout, timeProvider))
        {
            try
            {
                while (true)
                {
                    var result = await input.ReadAsync(timeout.Token);
                    var buffer = result.Buffer;
                    var status = Inspect(buffer, out accepted);
                    if (status == ProxyHeaderStatus.Complete)
                    {
                        // The header's bytes are gone; whatever the client sent after them is read next by TLS.
                        input.AdvanceTo(buffer.GetPosition(accepted.Length));
                        break;
                    }

                    input.AdvanceTo(buffer.Start, buffer.End);
                    if (status != ProxyHeaderStatus.Incomplete)
                    {
                        Refuse(status switch
                        {
                            ProxyHeaderStatus.Missing => ProxyProtocolRefusal.Missing,
                            ProxyHeaderStatus.Oversized => ProxyProtocolRefusal.Oversized,
                            _ => ProxyProtocolRefusal.Malformed,
                        }, balancer);
                        return;
                    }

                    if (result.IsCompleted || result.IsCanceled)
                    {
                        Refuse(ProxyProtocolRefusal.Truncated, balancer);
                        return;
                    }
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                Refuse(ProxyProtocolRefusal.Timeout, balancer);
                return;
            }
            catch (Exception ex) when (ex is IOException or ConnectionResetException or ConnectionAbortedException)
            {
                Refuse(ProxyProtocolRefusal.Truncated, balancer);
                return;
            }
        }

        var source = accepted.Header.Source;
        // A dual-stack listener sees an IPv4 balancer as ::ffff:a.b.c.d; recorded as the IPv4 address, like every peer.
        var loadBalancer = balancer.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(balancer.Address.MapToIPv4(), balancer.Port) : balancer;
        connection.Features.Set<IProxyProtocolFeature>(new ProxyProtocolFeature(loadBalancer, source, accepted.Header.Version, accepted.Header.IsLocal, accepted.Authority, accepted.Alpn));
        if (source is not null)
        {
            connection.RemoteEndPoint = source;
        }

        counters.CountAccepted();
        await next(connection);
    }

    private readonly record struct Accepted(ProxyHeader Header, string? Authority, string? Alpn)
    {
        public int Length => Header.Length;
    }

    /// <summary>Parses what has arrived (copied to the stack when the pipe holds it in several segments).</summary>
    private static ProxyHeaderStatus Inspect(ReadOnlySequence<byte> buffer, out Accepted accepted)
    {
        accepted = default;
        if (buffer.IsSingleSegment)
        {
            return Inspect(buffer.FirstSpan, out accepted);
        }

        Span<byte> copy = stackalloc byte[MaxHeaderLength];
        var length = (int)Math.Min(buffer.Length, MaxHeaderLength);
        buffer.Slice(0, length).CopyTo(copy);
        return Inspect(copy[..length], out accepted);
    }

    private static ProxyHeaderStatus Inspect(ReadOnlySpan<byte> bytes, out Accepted accepted)
    {
        var status = ProxyHeaderParser.Parse(bytes, out var header);
        accepted = status == ProxyHeaderStatus.Complete
            ? new Accepted(header, Text(bytes, header.AuthorityRange), Text(bytes, header.AlpnRange))
            : default;
        return status;
    }

    private static string? Text(ReadOnlySpan<byte> bytes, (int Start, int Length) range) =>
        range.Length == 0 ? null : System.Text.Encoding.ASCII.GetString(bytes.Slice(range.Start, range.Length));

    private void Refuse(ProxyProtocolRefusal reason, EndPoint? peer)
    {
        counters.CountRefused(reason);
        LogRefused(logger, endpoint, peer?.ToString() ?? "unknown", ProxyProtocolCounters.Label(reason));
    }

    [LoggerMessage(EventId = EventIds.ProxyProtocolRefused, EventName = "ProxyProtocolRefused", Level = LogLevel.Debug, Message = "PROXY listener {Endpoint}: connection from {Peer} closed before TLS ({Reason}).")]
    private static partial void LogRefused(ILogger logger, string endpoint, string peer, string reason);
}
