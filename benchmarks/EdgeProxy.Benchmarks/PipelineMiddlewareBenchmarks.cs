using System.Net;
using BenchmarkDotNet.Attributes;
using EdgeProxy.Middleware.ClientIp;
using EdgeProxy.Middleware.Hsts;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Benchmarks;

/// <summary>
/// Our per-request middleware on its own (no sockets): client-IP restoration with header rewriting for a trusted and
/// an untrusted peer, and HSTS. The context is reused, as Kestrel pools them.
/// </summary>
[MemoryDiagnoser]
public class PipelineMiddlewareBenchmarks
{
    private static readonly RequestDelegate Terminal = _ => Task.CompletedTask;
    private ClientIpMiddleware _clientIp = null!;
    private HstsMiddleware _hsts = null!;
    private DefaultHttpContext _context = null!;
    private IPAddress _peer = null!;

    [Params("trusted-with-header", "untrusted-with-spoofed-headers")]
    public string Request { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new ClientIpOptions { Header = "CF-Connecting-IP", Ipv6Header = "CF-Connecting-IPv6", WorkerHeader = "CF-Worker", TrustedPeerHeaderPrefix = "cf-" });
        var registry = new TrustedNetworkRegistry();
        registry.Set("cloudflare", Cloudflare.CloudflareSnapshot.Ranges.Select(r => IPNetwork2.Parse(r)));
        _clientIp = new ClientIpMiddleware(Terminal, registry, new ClientIpCounters(), options);
        _hsts = new HstsMiddleware(Terminal, Options.Create(new HstsOptions()));
        _context = new DefaultHttpContext();
        _peer = IPAddress.Parse(Request == "trusted-with-header" ? "172.70.1.2" : "198.51.100.7");
    }

    private void Reset()
    {
        _context.Connection.RemoteIpAddress = _peer;
        var headers = _context.Request.Headers;
        headers.Clear();
        // What Cloudflare forwards for a browser request: the hot path walks every header name.
        headers.Host = "www.example.com";
        headers.UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36";
        headers.Accept = "text/html,application/xhtml+xml";
        headers.AcceptEncoding = "gzip, br";
        headers.AcceptLanguage = "en-NZ,en;q=0.9";
        headers.Cookie = "session=abc123";
        headers["CF-Ray"] = "8f0c1a2b3c4d5e6f-AKL";
        headers["CF-IPCountry"] = "NZ";
        headers["CF-Visitor"] = "{\"scheme\":\"https\"}";
        headers["CDN-Loop"] = "cloudflare";
        headers["X-Forwarded-Proto"] = "https";
        headers["CF-Connecting-IP"] = "203.0.113.9";
        if (Request != "trusted-with-header")
        {
            headers["X-Forwarded-For"] = "1.2.3.4";
            headers["X-Real-IP"] = "1.2.3.4";
        }
    }

    [Benchmark]
    public Task ClientIp()
    {
        Reset();
        return _clientIp.InvokeAsync(_context);
    }

    [Benchmark]
    public Task Hsts()
    {
        _context.Request.IsHttps = true;
        return _hsts.InvokeAsync(_context);
    }
}
