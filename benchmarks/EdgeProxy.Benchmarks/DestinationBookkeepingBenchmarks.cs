using BenchmarkDotNet.Attributes;
using EdgeProxy.Destinations;
using EdgeProxy.Metrics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Model;

namespace EdgeProxy.Benchmarks;

/// <summary>
/// What runtime states and per-destination counting add to a forwarded request: the filter before session affinity
/// (nothing drained, the usual case; one of two destinations drained), the in-flight and byte counting after load
/// balancing, and one observation of <c>edgeproxy_upstream_request_duration_seconds</c>.
/// </summary>
[MemoryDiagnoser]
public class DestinationBookkeepingBenchmarks : IDisposable
{
    private static readonly RequestDelegate Terminal = _ => Task.CompletedTask;

    private readonly ProxyMetrics _metrics = new();
    private readonly TempFolder _data = new();
    private RuntimeStateFilterMiddleware _filter = null!;
    private RuntimeStateFilterMiddleware _filterDrained = null!;
    private DestinationTrafficMiddleware _traffic = null!;
    private DefaultHttpContext _context = null!;
    private ReverseProxyFeature _proxy = null!;
    private DestinationState[] _both = null!;
    private DestinationState[] _one = null!;

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("edgeproxy-bench-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    [GlobalSetup]
    public void Setup()
    {
        DestinationStateStore Store(string name) => new(new RuntimeStateFile(new Common.DataDirectory(System.IO.Path.Combine(_data.Path, name))),
            _metrics, TimeProvider.System, NullLogger<DestinationStateStore>.Instance);
        var drained = Store("drained");
        drained.Set("main", "d1", RuntimeState.Drain, "bench", () => true);
        _filter = new RuntimeStateFilterMiddleware(Terminal, Store("none"));
        _filterDrained = new RuntimeStateFilterMiddleware(Terminal, drained);
        _traffic = new DestinationTrafficMiddleware(Terminal, new DestinationTraffic());
        _both = [new DestinationState("d0"), new DestinationState("d1")];
        _one = [_both[0]];
        _proxy = new ReverseProxyFeature
        {
            Route = null!,
            Cluster = new ClusterModel(new ClusterConfig { ClusterId = "main" }, new HttpMessageInvoker(new SocketsHttpHandler())),
            AvailableDestinations = _both,
        };
        _context = new DefaultHttpContext();
        _context.Request.Method = "GET";
        _context.Features.Set<IReverseProxyFeature>(_proxy);
    }

    [Benchmark(Baseline = true)]
    public Task FilterNothingDrained()
    {
        _proxy.AvailableDestinations = _both;
        return _filter.InvokeAsync(_context);
    }

    [Benchmark]
    public Task FilterOneOfTwoDrained()
    {
        _proxy.AvailableDestinations = _both;
        return _filterDrained.InvokeAsync(_context);
    }

    [Benchmark]
    public Task CountTraffic()
    {
        _proxy.AvailableDestinations = _one;
        return _traffic.InvokeAsync(_context);
    }

    [Benchmark]
    public void ObserveDuration() => _metrics.UpstreamDuration.WithLabels((ReadOnlySpan<string>)["main", "all", ProxyMetrics.StatusClassLabel(200)]).Observe(0.0012);

    public void Dispose()
    {
        _metrics.Dispose();
        _data.Dispose();
        GC.SuppressFinalize(this);
    }
}
