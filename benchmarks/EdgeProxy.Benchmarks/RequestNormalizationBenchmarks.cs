using BenchmarkDotNet.Attributes;
using EdgeProxy.Middleware.Requests;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Benchmarks;

/// <summary>
/// The canonical path and host of a request that is already canonical (nearly every request): the checks alone, and the
/// middleware as the proxy runs it. Target: no allocation and at most 100 ns.
/// </summary>
[MemoryDiagnoser]
public class RequestNormalizationBenchmarks
{
    private static readonly RequestDelegate Terminal = _ => Task.CompletedTask;
    private readonly RequestNormalizationOptions _options = new();
    private RequestNormalizationMiddleware _middleware = null!;
    private DefaultHttpContext _context = null!;

    [Params("/", "/api/v2/orders/12345/items", "/static/assets/app.3f9c2b1e.js")]
    public string Path { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _middleware = new RequestNormalizationMiddleware(Terminal, Options.Create(_options));
        _context = new DefaultHttpContext();
        _context.Request.Path = Path;
        _context.Request.Headers.Host = "www.example.com";
    }

    [Benchmark(Baseline = true)]
    public bool CanonicalPathAndHost() =>
        CanonicalPath.Canonicalize(Path, _options, out _) == RequestRefusal.None && CanonicalHost.TryCanonicalize("www.example.com", out _);

    [Benchmark]
    public Task Middleware() => _middleware.InvokeAsync(_context);
}
