using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Logging;

namespace EdgeProxy.Middleware.AccessLog;

/// <summary>
/// One log line per public request with the restored client IP, like nginx's access log, followed by the TCP peer and
/// where the client IP came from (<see cref="ClientIpSource"/>: <c>header</c>, <c>untrusted-peer</c>, <c>worker-refused</c>, …). Category
/// <c>EdgeProxy.AccessLog</c> at Information: raise its level to Warning to switch it off (costs one check then).
/// </summary>
public sealed partial class AccessLogMiddleware(RequestDelegate next, ILoggerFactory loggerFactory, TimeProvider timeProvider)
{
    public const string Category = "EdgeProxy.AccessLog";

    private readonly ILogger _logger = loggerFactory.CreateLogger(Category);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            await next(context);
            return;
        }

        var started = timeProvider.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var request = context.Request;
            var clientIp = context.Features.Get<IClientIpFeature>();
            LogRequest(_logger, context.Connection.RemoteIpAddress?.ToString() ?? "-", request.Method, request.Host.Value ?? "-",
                request.Path.Value ?? "", request.Protocol, context.Response.StatusCode, timeProvider.GetElapsedTime(started).TotalMilliseconds,
                clientIp?.Peer.ToString() ?? "-", clientIp?.Source.ToLogValue() ?? "-");
        }
    }

    [LoggerMessage(EventId = 1, EventName = "Request", Level = LogLevel.Information, Message = "{ClientIp} \"{Method} {Host}{Path} {Protocol}\" {StatusCode} {ElapsedMs:0.0}ms peer={Peer} client_ip_from={ClientIpFrom}")]
    private static partial void LogRequest(ILogger logger, string clientIp, string method, string host, string path, string protocol, int statusCode, double elapsedMs, string peer, string clientIpFrom);
}
