using System.Net;
using BenchmarkDotNet.Attributes;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Benchmarks;

/// <summary>
/// The per-request trust check over Cloudflare's 22 networks: EdgeProxy's sorted intervals against the two obvious
/// alternatives (IPNetwork2.Contains, System.Net.IPNetwork.Contains in a loop). Target: at most 50 ns and 0 bytes.
/// </summary>
[MemoryDiagnoser]
public class TrustedNetworkSetBenchmarks
{
    private static readonly string[] CloudflareRanges = EdgeProxy.Cloudflare.CloudflareSnapshot.Ranges;

    private TrustedNetworkSet _set = null!;
    private IPNetwork2[] _ipNetwork2 = null!;
    private IPNetwork[] _systemNetworks = null!;
    private IPAddress _address = null!;

    [Params("ipv4-trusted", "ipv4-untrusted", "ipv6-trusted", "ipv6-untrusted", "ipv4-mapped")]
    public string Peer { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _set = new TrustedNetworkSet(CloudflareRanges.Select(r => new TrustedNetwork(IPNetwork2.Parse(r), "cloudflare")));
        _ipNetwork2 = [.. CloudflareRanges.Select(r => IPNetwork2.Parse(r))];
        _systemNetworks = [.. CloudflareRanges.Select(IPNetwork.Parse)];
        _address = IPAddress.Parse(Peer switch
        {
            "ipv4-trusted" => "172.70.1.2",
            "ipv4-untrusted" => "203.0.113.7",
            "ipv6-trusted" => "2a06:98c1::1",
            "ipv6-untrusted" => "2001:db8::1",
            _ => "::ffff:172.70.1.2",
        });
    }

    [Benchmark(Baseline = true)]
    public bool SortedIntervals() => _set.Contains(_address);

    [Benchmark]
    public bool SystemNetIPNetworkLoop()
    {
        var address = _address.IsIPv4MappedToIPv6 ? _address.MapToIPv4() : _address;
        foreach (var network in _systemNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    [Benchmark]
    public bool IPNetwork2Loop()
    {
        var address = _address.IsIPv4MappedToIPv6 ? _address.MapToIPv4() : _address;
        foreach (var network in _ipNetwork2)
        {
            if (network.AddressFamily == address.AddressFamily && network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
