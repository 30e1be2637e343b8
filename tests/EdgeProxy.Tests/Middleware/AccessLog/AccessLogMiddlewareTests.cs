using System.Net;
using EdgeProxy.Middleware.AccessLog;
using EdgeProxy.Middleware.ClientIp;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Middleware.AccessLog;

/// <summary>The middleware alone: a <c>DefaultHttpContext</c>, a fake clock the next delegate moves on, and the log lines collected.</summary>
public sealed class AccessLogMiddlewareTests : IDisposable
{
    private const string Prefix = AccessLogMiddleware.Category + ": ";

    private readonly CollectingLoggerProvider _logs = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
    private ILoggerFactory _loggerFactory;

    public AccessLogMiddlewareTests() => _loggerFactory = Factory(LogLevel.Information);

    private ILoggerFactory Factory(LogLevel accessLogLevel) => LoggerFactory.Create(logging => logging
        .AddProvider(_logs)
        .SetMinimumLevel(LogLevel.Trace)
        .AddFilter(AccessLogMiddleware.Category, accessLogLevel));

    private static DefaultHttpContext Request(string method, string host, string path, string protocol, string? clientIp)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (host.Length > 0)
        {
            context.Request.Host = new HostString(host);
        }

        context.Request.Path = new PathString(path);
        context.Request.Protocol = protocol;
        context.Connection.RemoteIpAddress = clientIp is null ? null : IPAddress.Parse(clientIp);
        return context;
    }

    /// <summary>A next delegate that takes <paramref name="elapsed"/> on the fake clock and answers <paramref name="status"/>.</summary>
    private RequestDelegate Answers(int status, TimeSpan elapsed) => context =>
    {
        _clock.Advance(elapsed);
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    };

    private Task RunAsync(HttpContext context, RequestDelegate next) =>
        new AccessLogMiddleware(next, _loggerFactory, _clock).InvokeAsync(context);

    [Theory]
    [InlineData(ClientIpSource.Header, "header")]
    [InlineData(ClientIpSource.Peer, "peer")]
    [InlineData(ClientIpSource.UntrustedPeer, "untrusted-peer")]
    [InlineData(ClientIpSource.MalformedHeader, "malformed-header")]
    [InlineData(ClientIpSource.WorkerRefused, "worker-refused")]
    [InlineData(ClientIpSource.UnverifiedPeer, "unverified-peer")]
    public async Task One_line_per_request_with_the_client_ip_the_request_and_where_the_ip_came_from(ClientIpSource source, string from)
    {
        var context = Request("GET", "example.com", "/a/b", "HTTP/1.1", "203.0.113.7");
        context.Request.QueryString = new QueryString("?token=secret"); // not logged
        context.Features.Set<IClientIpFeature>(new ClientIpFeature(IPAddress.Parse("10.0.0.2"), source));

        await RunAsync(context, Answers(404, TimeSpan.FromMilliseconds(12.34)));

        Assert.Equal($"{Prefix}203.0.113.7 \"GET example.com/a/b HTTP/1.1\" 404 12.3ms peer=10.0.0.2 client_ip_from={from}", Assert.Single(_logs.Lines));
    }

    [Fact]
    public async Task Without_the_client_ip_feature_peer_and_source_are_dashes()
    {
        var context = Request("POST", "example.com:8443", "/form", "HTTP/2", "2001:db8::7");

        await RunAsync(context, Answers(201, TimeSpan.FromSeconds(1.25)));

        Assert.Equal($"{Prefix}2001:db8::7 \"POST example.com:8443/form HTTP/2\" 201 1250.0ms peer=- client_ip_from=-", Assert.Single(_logs.Lines));
    }

    [Fact]
    public async Task A_missing_client_address_is_a_dash_and_a_missing_host_is_left_empty()
    {
        var context = Request("GET", "", "/", "HTTP/1.0", clientIp: null);

        await RunAsync(context, Answers(400, TimeSpan.Zero));

        // Request.Host.Value is "" (not null) without a Host header, so the middleware's "-" fallback for the host
        // does not apply: the line shows "GET / HTTP/1.0". Pinned as it is today; change it with the middleware.
        Assert.Equal($"{Prefix}- \"GET / HTTP/1.0\" 400 0.0ms peer=- client_ip_from=-", Assert.Single(_logs.Lines));
    }

    [Fact]
    public async Task Elapsed_counts_only_the_time_spent_in_the_rest_of_the_pipeline()
    {
        var context = Request("GET", "example.com", "/", "HTTP/1.1", "203.0.113.7");
        _clock.Advance(TimeSpan.FromMinutes(5)); // before the request: not counted
        var middleware = new AccessLogMiddleware(Answers(200, TimeSpan.FromMilliseconds(7.06)), _loggerFactory, _clock);

        await middleware.InvokeAsync(context);

        Assert.Equal($"{Prefix}203.0.113.7 \"GET example.com/ HTTP/1.1\" 200 7.1ms peer=- client_ip_from=-", Assert.Single(_logs.Lines));
    }

    [Fact]
    public async Task A_request_whose_pipeline_throws_is_logged_with_the_status_set_so_far_and_the_exception_kept()
    {
        var context = Request("GET", "example.com", "/boom", "HTTP/1.1", "203.0.113.7");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(context, c =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(3));
            c.Response.StatusCode = 502;
            throw new InvalidOperationException("backend failed");
        }));

        Assert.Equal("backend failed", thrown.Message);
        Assert.Equal($"{Prefix}203.0.113.7 \"GET example.com/boom HTTP/1.1\" 502 3.0ms peer=- client_ip_from=-", Assert.Single(_logs.Lines));
    }

    [Theory]
    [InlineData(LogLevel.Warning)]
    [InlineData(LogLevel.None)]
    public async Task Nothing_is_logged_when_the_category_is_above_information(LogLevel level)
    {
        _loggerFactory.Dispose();
        _loggerFactory = Factory(level);
        var context = Request("GET", "example.com", "/", "HTTP/1.1", "203.0.113.7");
        var calls = 0;

        await RunAsync(context, c =>
        {
            calls++;
            c.Response.StatusCode = 204;
            return Task.CompletedTask;
        });

        Assert.Equal(1, calls);
        Assert.Equal(204, context.Response.StatusCode);
        Assert.Empty(_logs.Lines);
    }

    public void Dispose() => _loggerFactory.Dispose();
}
