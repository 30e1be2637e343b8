using System.Buffers;
using System.Net;
using BenchmarkDotNet.Attributes;
using EdgeProxy.Middleware.AccessLog;
using EdgeProxy.Middleware.ClientIp;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Benchmarks;

/// <summary>
/// The access log's share of a request: the middleware building a record (sink on vs off; the sink only queues, as the
/// real one does), and the background writer's formatting of one record as JSON and as a combined line.
/// </summary>
[MemoryDiagnoser]
public class AccessLogBenchmarks
{
    private static readonly RequestDelegate Terminal = context =>
    {
        context.Response.StatusCode = 200;
        return Task.CompletedTask;
    };

    private AccessLogMiddleware _on = null!;
    private AccessLogMiddleware _off = null!;
    private DefaultHttpContext _context = null!;
    private readonly AccessLogJsonFormatter _json = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private AccessLogRecord _record = null!;

    private sealed class QueueSink(bool enabled) : IAccessLogSink
    {
        private readonly System.Threading.Channels.Channel<AccessLogRecord> _queue = System.Threading.Channels.Channel.CreateBounded<AccessLogRecord>(
            new System.Threading.Channels.BoundedChannelOptions(1) { FullMode = System.Threading.Channels.BoundedChannelFullMode.DropOldest });

        public bool Enabled => enabled;

        public void Write(AccessLogRecord record) => _queue.Writer.TryWrite(record);
    }

    private sealed class Verdict : IClientIpFeature
    {
        public IPAddress Peer { get; } = IPAddress.Parse("172.70.1.2");

        public ClientIpSource Source => ClientIpSource.Header;
    }

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new AccessLogRecordOptions { RayIdHeader = "CF-Ray" });
        _on = new AccessLogMiddleware(Terminal, new QueueSink(true), [], options, TimeProvider.System);
        _off = new AccessLogMiddleware(Terminal, new QueueSink(false), [], options, TimeProvider.System);
        _context = new DefaultHttpContext();
        _context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.9");
        _context.Features.Set<IClientIpFeature>(new Verdict());
        _context.Request.Method = "GET";
        _context.Request.Scheme = "https";
        _context.Request.Protocol = "HTTP/1.1";
        _context.Features.Get<IHttpRequestFeature>()!.RawTarget = "/products/42?ref=home";
        var headers = _context.Request.Headers;
        headers.Host = "www.example.com";
        headers.UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        headers.Referer = "https://www.example.com/";
        headers["CF-Ray"] = "8f0c1a2b3c4d5e6f-AKL";
        _record = new AccessLogRecord();
        AccessLogMiddleware.Fill(_context, _record, "CF-Ray");
        _record.Time = DateTimeOffset.UtcNow;
        _record.Route = "default";
        _record.Cluster = "web";
        _record.Destination = "d0";
        _record.DurationMs = 1.234;
        _record.UpstreamMs = 0.987;
    }

    [Benchmark(Baseline = true)]
    public Task MiddlewareOff() => _off.InvokeAsync(_context);

    [Benchmark]
    public Task MiddlewareOn() => _on.InvokeAsync(_context);

    [Benchmark]
    public int FormatJson()
    {
        _buffer.ResetWrittenCount();
        _json.Write(_record, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int FormatCombined()
    {
        _buffer.ResetWrittenCount();
        AccessLogCombinedFormatter.Write(_record, _buffer);
        return _buffer.WrittenCount;
    }
}
