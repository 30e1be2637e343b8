using System.Collections.Concurrent;
using System.Net.Sockets;

namespace LeanUpstream;

/// <summary>
/// A lean HTTP/1.1 client for YARP's forwarder, in place of SocketsHttpHandler: per (host, port) a pool of idle
/// keep-alive connections; the request head written into a reused buffer and sent with one send; the response head
/// parsed from the connection's buffer; the body streamed to YARP and the connection pooled again when it ends.
/// Plain http:// only; no proxies, upgrades (WebSockets), Expect: 100-continue waits, or connection limits.
/// </summary>
internal sealed class LeanHttp11Handler : HttpMessageHandler
{
    private readonly ConcurrentDictionary<(string Host, int Port), LeanConnectionPool> _pools = new();

    // A proxy cluster usually has one destination: look it up without hashing the host every time.
    private volatile LeanConnectionPool? _lastPool;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no RequestUri.");
        if (!string.Equals(uri.Scheme, Uri.UriSchemeHttp, StringComparison.OrdinalIgnoreCase))
        {
            throw new NotSupportedException($"LeanHttp11Handler speaks plain http:// only, not {uri.Scheme}://.");
        }

        var pool = GetPool(uri);
        var content = request.Content;
        while (true)
        {
            var connection = pool.TryRent();
            if (connection is not null && content is not null && connection.Socket.Poll(0, SelectMode.SelectRead))
            {
                // An idle connection is readable only if the destination closed it (or sent something unasked): a
                // request with a body cannot be retried, so check before sending it.
                connection.Dispose();
                continue;
            }

            connection ??= await pool.ConnectAsync(cancellationToken);
            try
            {
                return await SendOnAsync(connection, request, uri, content, cancellationToken);
            }
            catch (Exception ex) when (content is null && connection.IsReused && !connection.ResponseStarted
                && ex is SocketException or IOException && !cancellationToken.IsCancellationRequested)
            {
                // A pooled connection the destination closed while it was idle (a restart closes them all at once):
                // a request without a body can be sent again, on the next pooled connection or at last a new one,
                // whose failure is then final. Each retry removes one stale connection, so this ends.
                connection.Dispose();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var pool in _pools.Values)
            {
                pool.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private static async Task<HttpResponseMessage> SendOnAsync(LeanConnection connection, HttpRequestMessage request, Uri uri, HttpContent? content,
        CancellationToken cancellationToken)
    {
        var headLength = LeanRequestWriter.WriteHead(connection, request, uri, out var bodyLength);
        if (content is null)
        {
            await connection.SendAsync(headLength, cancellationToken);
        }
        else
        {
            // The whole body is sent before the response is read: fine for HTTP/1.1 request-response traffic, not for
            // duplex streaming (which YARP only does over HTTP/2). The same token as SendAsync's lets YARP's content
            // skip linking token sources.
            var body = new LeanRequestBodyStream(connection, headLength, bodyLength);
            await content.CopyToAsync(body, cancellationToken);
            await body.CompleteAsync(cancellationToken);
        }

        return await LeanResponseReader.ReadAsync(connection, request, cancellationToken);
    }

    private LeanConnectionPool GetPool(Uri uri)
    {
        var host = uri.IdnHost;
        var port = uri.Port;
        var last = _lastPool;
        if (last is not null && last.Port == port && string.Equals(last.Host, host, StringComparison.Ordinal))
        {
            return last;
        }

        return _lastPool = _pools.GetOrAdd((host, port), static key => new LeanConnectionPool(key.Host, key.Port));
    }
}
