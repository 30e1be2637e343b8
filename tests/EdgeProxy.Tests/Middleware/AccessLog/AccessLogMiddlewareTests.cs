using System.Net;
using System.Text;
using System.Text.Json;
using EdgeProxy.Middleware.AccessLog;
using EdgeProxy.Middleware.ClientIp;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Middleware.AccessLog;

/// <summary>The middleware alone: a <c>DefaultHttpContext</c>, a fake clock the next delegate moves on, and the records collected.</summary>
public sealed class AccessLogMiddlewareTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));
    private readonly CollectingSink _sink = new();

    internal sealed class CollectingSink : IAccessLogSink
    {
        public bool Enabled { get; set; } = true;

        public List<AccessLogRecord> Records { get; } = [];

        public void Write(AccessLogRecord record) => Records.Add(record);
    }

    private static DefaultHttpContext Request(string method, string host, string rawTarget, string protocol, string? clientIp)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        if (host.Length > 0)
        {
            context.Request.Host = new HostString(host);
        }

        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        context.Request.Protocol = protocol;
        context.Request.Scheme = "https";
        context.Connection.RemoteIpAddress = clientIp is null ? null : IPAddress.Parse(clientIp);
        return context;
    }

    /// <summary>A next delegate that takes <paramref name="elapsed"/> on the fake clock and answers <paramref name="status"/>.</summary>
    private RequestDelegate Answers(int status, TimeSpan elapsed, string body = "") => async context =>
    {
        _clock.Advance(elapsed);
        context.Response.StatusCode = status;
        await context.Response.Body.WriteAsync(Encoding.ASCII.GetBytes(body));
    };

    private Task RunAsync(HttpContext context, RequestDelegate next) =>
        new AccessLogMiddleware(next, _sink, [], Options.Create(new AccessLogRecordOptions { RayIdHeader = "CF-Ray" }), _clock).InvokeAsync(context);

    private static JsonElement Json(AccessLogRecord record)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        new AccessLogJsonFormatter().Write(record, buffer);
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        Assert.DoesNotContain('\n', text);
        Assert.DoesNotContain('\r', text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Theory]
    [InlineData(ClientIpSource.Header, "header")]
    [InlineData(ClientIpSource.Peer, "peer")]
    [InlineData(ClientIpSource.UntrustedPeer, "untrusted-peer")]
    [InlineData(ClientIpSource.MalformedHeader, "malformed-header")]
    [InlineData(ClientIpSource.WorkerRefused, "worker-refused")]
    [InlineData(ClientIpSource.UnverifiedPeer, "unverified-peer")]
    public async Task One_record_per_request_with_the_client_ip_the_request_and_where_the_ip_came_from(ClientIpSource source, string from)
    {
        var context = Request("GET", "example.com", "/a/b?token=x", "HTTP/1.1", "203.0.113.7");
        context.Request.Headers.UserAgent = "curl/8";
        context.Request.Headers.Referer = "https://example.com/";
        context.Request.Headers["CF-Ray"] = "8f0c1a2b3c4d5e6f-AKL";
        context.Request.Headers.TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        context.Features.Set<IClientIpFeature>(new ClientIpFeature(IPAddress.Parse("10.0.0.2"), source));

        await RunAsync(context, Answers(404, TimeSpan.FromMilliseconds(12.34), "not here"));

        var json = Json(Assert.Single(_sink.Records));
        Assert.Equal("2025-01-02T03:04:05.678Z", json.GetProperty("time").GetString());
        Assert.Equal("203.0.113.7", json.GetProperty("client_ip").GetString());
        Assert.Equal("10.0.0.2", json.GetProperty("peer_ip").GetString());
        Assert.Equal(from, json.GetProperty("client_ip_from").GetString());
        Assert.Equal("GET", json.GetProperty("method").GetString());
        Assert.Equal("https", json.GetProperty("scheme").GetString());
        Assert.Equal("example.com", json.GetProperty("host").GetString());
        Assert.Equal("/a/b", json.GetProperty("path").GetString());
        Assert.Equal("token=x", json.GetProperty("query").GetString());
        Assert.Equal("HTTP/1.1", json.GetProperty("protocol").GetString());
        Assert.Equal(404, json.GetProperty("status").GetInt32());
        Assert.Equal(8, json.GetProperty("bytes_out").GetInt64());
        Assert.Equal(12.34, json.GetProperty("duration_ms").GetDouble());
        Assert.Equal("curl/8", json.GetProperty("user_agent").GetString());
        Assert.Equal("https://example.com/", json.GetProperty("referer").GetString());
        Assert.Equal("8f0c1a2b3c4d5e6f-AKL", json.GetProperty("cf_ray").GetString());
        Assert.StartsWith("00-0af7", json.GetProperty("traceparent").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_client_ip_feature_the_peer_is_the_connection_address_and_the_verdict_is_absent()
    {
        var context = Request("POST", "example.com:8443", "/form", "HTTP/2", "2001:db8::7");

        await RunAsync(context, Answers(201, TimeSpan.FromSeconds(1.25)));

        var json = Json(Assert.Single(_sink.Records));
        Assert.Equal("2001:db8::7", json.GetProperty("peer_ip").GetString());
        Assert.False(json.TryGetProperty("client_ip_from", out _));
        Assert.Equal(1250, json.GetProperty("duration_ms").GetDouble());
        Assert.False(json.TryGetProperty("query", out _));
    }

    [Fact]
    public async Task A_missing_client_address_and_host_are_left_out()
    {
        var context = Request("GET", "", "/", "HTTP/1.0", clientIp: null);

        await RunAsync(context, Answers(400, TimeSpan.Zero));

        var json = Json(Assert.Single(_sink.Records));
        Assert.False(json.TryGetProperty("client_ip", out _));
        Assert.False(json.TryGetProperty("host", out _));
        Assert.Equal(400, json.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task Duration_counts_only_the_time_spent_in_the_rest_of_the_pipeline()
    {
        var context = Request("GET", "example.com", "/", "HTTP/1.1", "203.0.113.7");
        _clock.Advance(TimeSpan.FromMinutes(5)); // before the request: not counted

        await RunAsync(context, Answers(200, TimeSpan.FromMilliseconds(7.06)));

        Assert.Equal(7.06, Json(Assert.Single(_sink.Records)).GetProperty("duration_ms").GetDouble());
    }

    [Fact]
    public async Task Upstream_time_runs_from_the_stamp_a_later_step_sets_on_the_record_feature()
    {
        var context = Request("GET", "example.com", "/", "HTTP/1.1", "203.0.113.7");

        await RunAsync(context, c =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(2));
            c.Features.Get<AccessLogRecord>()!.UpstreamStarted = _clock.GetTimestamp();
            _clock.Advance(TimeSpan.FromMilliseconds(5));
            return Task.CompletedTask;
        });

        var json = Json(Assert.Single(_sink.Records));
        Assert.Equal(5, json.GetProperty("upstream_ms").GetDouble());
        Assert.Equal(7, json.GetProperty("duration_ms").GetDouble());
    }

    [Fact]
    public async Task Body_bytes_are_counted_as_they_pass_both_ways_through_stream_and_pipe()
    {
        var context = Request("POST", "example.com", "/upload", "HTTP/1.1", "203.0.113.7");
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyDetection());
        context.Request.Body = new MemoryStream(new byte[1000]);

        await RunAsync(context, async c =>
        {
            await c.Request.Body.CopyToAsync(Stream.Null);
            await c.Response.Body.WriteAsync(new byte[300]);
            await c.Response.BodyWriter.WriteAsync(new byte[20]);
        });

        var record = Assert.Single(_sink.Records);
        Assert.Equal(1000, record.BytesIn);
        Assert.Equal(320, record.BytesOut);
    }

    private sealed class BodyDetection : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => true;
    }

    [Fact]
    public async Task The_authenticated_user_and_what_an_enricher_adds_are_recorded()
    {
        var context = Request("GET", "example.com", "/private", "HTTP/1.1", "203.0.113.7");
        var enricher = new RouteEnricher();

        await new AccessLogMiddleware(c =>
        {
            c.User = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "alice")], "Basic"));
            return Task.CompletedTask;
        }, _sink, [enricher], Options.Create(new AccessLogRecordOptions()), _clock).InvokeAsync(context);

        var json = Json(Assert.Single(_sink.Records));
        Assert.Equal("alice", json.GetProperty("user").GetString());
        Assert.Equal("web", json.GetProperty("route").GetString());
    }

    private sealed class RouteEnricher : IAccessLogEnricher
    {
        public void Enrich(HttpContext context, AccessLogRecord record) => record.Route = "web";
    }

    [Theory]
    [InlineData(false, 500)] // the server answers 500 after the record is made, whatever status was set
    [InlineData(true, 502)] // the status already sent stands
    public async Task A_request_whose_pipeline_throws_is_recorded_with_the_status_the_client_gets_and_the_exception_kept(bool started, int logged)
    {
        var context = Request("GET", "example.com", "/boom", "HTTP/1.1", "203.0.113.7");
        var response = new StartableResponseFeature();
        context.Features.Set<IHttpResponseFeature>(response);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => RunAsync(context, async c =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(3));
            c.Response.StatusCode = 502;
            if (started)
            {
                await response.StartAsync();
            }

            throw new InvalidOperationException("backend failed");
        }));

        Assert.Equal("backend failed", thrown.Message);
        var record = Assert.Single(_sink.Records);
        Assert.Equal(logged, record.Status);
        Assert.Equal(3, record.DurationMs);
    }

    [Fact]
    public async Task Nothing_is_built_when_the_sink_is_off()
    {
        _sink.Enabled = false;
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
        Assert.Empty(_sink.Records);
        Assert.Null(context.Features.Get<AccessLogRecord>());
    }

    [Fact]
    public async Task Each_record_has_its_own_start_time_as_the_clock_moves_within_a_second_and_past_it()
    {
        var middleware = new AccessLogMiddleware(Answers(200, TimeSpan.FromMilliseconds(3)), _sink, [], Options.Create(new AccessLogRecordOptions()), _clock);
        var expected = new List<string>();
        foreach (var pause in new[] { TimeSpan.Zero, TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(700), TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(1) })
        {
            _clock.Advance(pause);
            expected.Add(_clock.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
            await middleware.InvokeAsync(Request("GET", "example.com", "/", "HTTP/1.1", "203.0.113.7"));
        }

        Assert.Equal(expected, _sink.Records.Select(r => Json(r).GetProperty("time").GetString()));
    }

    [Fact]
    public async Task A_step_of_the_wall_clock_shows_in_the_records_within_a_second()
    {
        var clock = new SteppingClock { UtcNow = new DateTimeOffset(2026, 3, 29, 0, 59, 59, 900, TimeSpan.Zero) };
        var middleware = new AccessLogMiddleware(_ => Task.CompletedTask, _sink, [], Options.Create(new AccessLogRecordOptions()), clock);
        async Task<string?> TimeOfNextRecord()
        {
            await middleware.InvokeAsync(Request("GET", "example.com", "/", "HTTP/1.1", "203.0.113.7"));
            return Json(_sink.Records[^1]).GetProperty("time").GetString();
        }

        Assert.Equal("2026-03-29T00:59:59.900Z", await TimeOfNextRecord());
        clock.Step(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(400), monotonic: TimeSpan.FromMilliseconds(400)); // NTP sets the clock an hour on
        Assert.Equal("2026-03-29T01:00:00.300Z", await TimeOfNextRecord()); // carried forward on the monotonic clock
        clock.Step(TimeSpan.FromMilliseconds(700), monotonic: TimeSpan.FromMilliseconds(700));
        Assert.Equal("2026-03-29T02:00:01.000Z", await TimeOfNextRecord());
    }

    /// <summary>A clock whose wall time can jump while the monotonic timestamp moves on steadily.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _timestamp = 1_000_000;

        public DateTimeOffset UtcNow { get; set; }

        public override DateTimeOffset GetUtcNow() => UtcNow;

        public override long GetTimestamp() => _timestamp;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Step(TimeSpan wall, TimeSpan monotonic)
        {
            UtcNow += wall;
            _timestamp += monotonic.Ticks;
        }
    }
}
