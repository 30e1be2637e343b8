using EdgeProxy.Middleware.ClientIp;
using EdgeProxy.Middleware.ProxyProtocol;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Middleware.AccessLog;

/// <summary>
/// Builds one <see cref="AccessLogRecord"/> per request and hands it to the <see cref="IAccessLogSink"/> when the request
/// has finished (thrown or not). Placed before the client-IP middleware so that the record shows the restored client IP
/// and the final status. Nothing is formatted here: the record holds strings the request already has.
/// </summary>
public sealed class AccessLogMiddleware(RequestDelegate next, IAccessLogSink sink, IEnumerable<IAccessLogEnricher> enrichers, IOptions<AccessLogRecordOptions> options, TimeProvider timeProvider)
{
    // Wall-clock time is read once a second and carried forward on the monotonic clock every request reads anyway.
    private static readonly TimeSpan ClockAnchorLifetime = TimeSpan.FromSeconds(1);

    private readonly IAccessLogEnricher[] _enrichers = [.. enrichers];
    private readonly string? _rayIdHeader = options.Value.RayIdHeader;
    private ClockAnchor? _clockAnchor;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!sink.Enabled)
        {
            await next(context);
            return;
        }

        var started = timeProvider.GetTimestamp();
        var record = new AccessLogRecord { Time = WallClockAt(started) };
        var features = context.Features;
        features.Put(record);

        CountingRequestStream? requestBody = null;
        if (features.Find<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            requestBody = new CountingRequestStream(context.Request.Body);
            context.Request.Body = requestBody;
        }

        CountingResponseBody? responseBody = null;
        if (features.Find<IHttpResponseBodyFeature>() is { } bodyFeature)
        {
            responseBody = new CountingResponseBody(bodyFeature);
            features.Put<IHttpResponseBodyFeature>(responseBody);
        }

        // Only a request with a Connection header (HTTP/1.1 Upgrade) or a CONNECT (HTTP/2 extended CONNECT) can be
        // upgraded: the common request is spared two feature lookups.
        var request = context.Request;
        var upgraded = request.Headers.Connection.Count > 0 || HttpMethods.IsConnect(request.Method) ? UpgradedStreamCounter.Install(features) : null;

        var completed = false;
        try
        {
            await next(context);
            completed = true;
        }
        finally
        {
            var now = timeProvider.GetTimestamp();
            record.DurationMs = timeProvider.GetElapsedTime(started, now).TotalMilliseconds;
            if (record.UpstreamStarted != 0)
            {
                record.UpstreamMs = timeProvider.GetElapsedTime(record.UpstreamStarted, now).TotalMilliseconds;
            }

            record.BytesOut = responseBody?.Count ?? 0;
            record.BytesIn = requestBody?.Count ?? 0;
            if (upgraded is not null)
            {
                record.BytesIn += upgraded.BytesIn;
                record.BytesOut += upgraded.BytesOut;
            }

            Fill(context, record, _rayIdHeader);
            // Thrown before the response started: the server answers 500 after this record is made, whatever status
            // the pipeline had set. Started: the status already sent stands.
            if (!completed && !context.Response.HasStarted)
            {
                record.Status = StatusCodes.Status500InternalServerError;
            }

            foreach (var enricher in _enrichers)
            {
                enricher.Enrich(context, record);
            }

            // Restored last: changing a feature makes the context look every feature up again, and Fill reads many.
            if (responseBody is not null)
            {
                features.Put(responseBody.Inner);
            }

            sink.Write(record);
        }
    }

    /// <summary>The wall-clock time at <paramref name="timestamp"/> (a <see cref="TimeProvider.GetTimestamp"/> of now or just before).</summary>
    private DateTimeOffset WallClockAt(long timestamp)
    {
        if (_clockAnchor is { } anchor)
        {
            var sinceAnchor = timeProvider.GetElapsedTime(anchor.Timestamp, timestamp);
            if (sinceAnchor < ClockAnchorLifetime && sinceAnchor > -ClockAnchorLifetime)
            {
                return anchor.Time + sinceAnchor;
            }
        }

        // Several requests may renew it at once; any of their anchors is as good.
        var time = timeProvider.GetUtcNow();
        _clockAnchor = new ClockAnchor(timestamp, time);
        return time;
    }

    private sealed record ClockAnchor(long Timestamp, DateTimeOffset Time);

    /// <summary>
    /// The fields every request has, from the context's features (also for requests the server answered itself, where
    /// only the features exist). <see cref="AccessLogRecord.Status"/> is the response's status.
    /// </summary>
    public static void Fill(HttpContext context, AccessLogRecord record, string? rayIdHeader)
    {
        var request = context.Request;
        var headers = request.Headers;
        var clientIp = context.Features.Find<IClientIpFeature>();
        record.ClientIp = context.Connection.RemoteIpAddress;
        record.PeerIp = clientIp?.Peer ?? record.ClientIp;
        record.ClientIpFrom = clientIp?.Source.ToLogValue();
        if (context.Features.Find<IProxyProtocolFeature>() is { } proxyProtocol)
        {
            record.LoadBalancerIp = proxyProtocol.LoadBalancer.Address;
            record.ProxyAuthority = proxyProtocol.Authority;
            record.ProxyAlpn = proxyProtocol.Alpn;
        }

        record.Method = request.Method;
        record.Scheme = request.Scheme;
        record.Host = headers.Host.Count == 0 ? null : headers.Host.ToString();
        record.RawTarget = context.Features.Find<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString).ToString();
        record.Protocol = request.Protocol;
        record.Status = context.Response.StatusCode;
        record.UserAgent = Single(headers.UserAgent);
        record.Referer = Single(headers.Referer);
        record.Traceparent = Single(headers.TraceParent);
        record.RayId = rayIdHeader is null ? null : Single(headers[rayIdHeader]);
        // Through the feature: HttpContext.User would create an empty principal for every anonymous request.
        var name = context.Features.Find<IHttpAuthenticationFeature>()?.User?.Identity?.Name;
        record.User = string.IsNullOrEmpty(name) ? null : name;
        if (context.Features.Find<ITlsHandshakeFeature>() is { } tls)
        {
            record.TlsProtocol = tls.Protocol;
            record.TlsCipher = tls.NegotiatedCipherSuite;
            // Kestrel fills HostName only on some certificate-selection paths; the stream always knows the name the client sent.
            var sni = string.IsNullOrEmpty(tls.HostName) ? context.Features.Find<Microsoft.AspNetCore.Server.Kestrel.Core.Features.ISslStreamFeature>()?.SslStream.TargetHostName : tls.HostName;
            record.Sni = string.IsNullOrEmpty(sni) ? null : sni;
        }
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) => values.Count switch
    {
        0 => null,
        1 => values[0],
        _ => values.ToString(),
    };
}
