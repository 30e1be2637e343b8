using System.Net;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Tests.Middleware.ClientIp;

public sealed class TrustedNetworkSetTests
{
    private static TrustedNetworkSet Set(params string[] cidrs) =>
        new(cidrs.Select(c => new TrustedNetwork(IPNetwork2.Parse(c), c.StartsWith("10.", StringComparison.Ordinal) ? "EdgeProxy:ClientIp:TrustedNetworks" : "cloudflare")));

    [Theory]
    [InlineData("173.245.48.0", true)]
    [InlineData("173.245.63.255", true)]
    [InlineData("173.245.64.0", false)]
    [InlineData("173.245.47.255", false)]
    [InlineData("104.23.255.255", true)]
    [InlineData("104.24.0.0", true)]
    [InlineData("104.28.0.0", false)]
    [InlineData("::ffff:173.245.48.1", true)] // a dual-stack socket's view of an IPv4 peer
    [InlineData("::ffff:8.8.8.8", false)]
    [InlineData("2400:cb00::1", true)]
    [InlineData("2400:cb00:ffff:ffff:ffff:ffff:ffff:ffff", true)]
    [InlineData("2400:cb01::", false)]
    [InlineData("2a06:98c7:ffff::1", true)]
    [InlineData("2a06:98c8::", false)]
    [InlineData("::ad:f530", false)] // IPv4-compatible, not mapped: 173.245.48.0 must not match through it
    [InlineData("8.8.8.8", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("255.255.255.255", false)]
    public void Matches_exactly_the_listed_ranges(string address, bool expected)
    {
        var set = Set("173.245.48.0/20", "104.16.0.0/13", "104.24.0.0/14", "2400:cb00::/32", "2a06:98c0::/29");
        Assert.Equal(expected, set.Contains(IPAddress.Parse(address)));
    }

    [Fact]
    public void Overlapping_and_adjacent_networks_still_match_everywhere()
    {
        var set = Set("10.0.0.0/8", "10.1.0.0/16", "11.0.0.0/8", "10.200.0.0/16", "12.0.0.5/32");
        foreach (var address in new[] { "10.0.0.0", "10.1.2.3", "10.200.9.9", "10.255.255.255", "11.0.0.0", "11.255.255.255", "12.0.0.5" })
        {
            Assert.True(set.Contains(IPAddress.Parse(address)), address);
        }

        foreach (var address in new[] { "9.255.255.255", "12.0.0.0", "12.0.0.4", "12.0.0.6" })
        {
            Assert.False(set.Contains(IPAddress.Parse(address)), address);
        }
    }

    [Fact]
    public void The_whole_address_space_and_the_empty_set()
    {
        Assert.True(Set("0.0.0.0/0").Contains(IPAddress.Parse("255.255.255.255")));
        Assert.True(Set("::/0").Contains(IPAddress.Parse("ffff::1")));
        Assert.False(Set("::/0").Contains(IPAddress.Parse("1.2.3.4")));
        Assert.False(TrustedNetworkSet.Empty.Contains(IPAddress.Loopback));
    }

    [Fact]
    public void Explain_names_the_network_and_rule()
    {
        var set = Set("104.16.0.0/13", "10.0.0.0/8");
        Assert.Equal(("104.16.0.0/13", "cloudflare"), Describe(set.Explain(IPAddress.Parse("::ffff:104.16.1.1"))));
        Assert.Equal(("10.0.0.0/8", "EdgeProxy:ClientIp:TrustedNetworks"), Describe(set.Explain(IPAddress.Parse("10.9.9.9"))));
        Assert.Null(set.Explain(IPAddress.Parse("8.8.8.8")));

        static (string, string)? Describe(TrustedNetwork? n) => n is null ? null : (n.Network.ToString(), n.Source);
    }
}
