using System.Net;
using System.Net.Sockets;
using EdgeProxy.Middleware.ClientIp;

namespace EdgeProxy.Tests.Middleware.ClientIp;

public sealed class CidrParserTests
{
    [Theory]
    [InlineData("173.245.48.0/20", "173.245.48.0/20")]
    [InlineData(" 2400:cb00::/32 ", "2400:cb00::/32")]
    [InlineData("127.0.0.2/32", "127.0.0.2/32")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("192.0.2.77/24", "192.0.2.0/24")] // host bits are dropped, as nginx and HAProxy do
    public void Parses_explicit_cidrs(string text, string expected)
    {
        Assert.True(CidrParser.TryParse(text, null, out var network, out var error), error);
        Assert.Equal(expected, network.ToString());
    }

    [Theory]
    [InlineData("1.2.3.4", "no prefix length")] // IPNetwork2 alone would guess 1.0.0.0/8
    [InlineData("10.0.0.0", "no prefix length")]
    [InlineData("", "empty")]
    [InlineData("1.2.3.0/33", "invalid prefix")]
    [InlineData("2400:cb00::/129", "invalid prefix")]
    [InlineData("1.2.3.0/", "invalid prefix")]
    [InlineData("1.2.3.0/2x", "invalid prefix")]
    [InlineData("1.2.3.0/-1", "invalid prefix")]
    [InlineData("10.1/16", "does not start with an IP address")]
    [InlineData("010.1.2.0/24", "does not start with an IP address")]
    [InlineData("<html>/24", "does not start with an IP address")]
    [InlineData("fe80::1%eth0/64", "does not start with an IP address")]
    public void Rejects_with_a_reason(string text, string reason)
    {
        Assert.False(CidrParser.TryParse(text, null, out _, out var error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Enforces_the_expected_family()
    {
        Assert.False(CidrParser.TryParse("2606:4700::/32", AddressFamily.InterNetwork, out _, out var error));
        Assert.Contains("is IPv6 where IPv4 was expected", error);
        Assert.False(CidrParser.TryParse("104.16.0.0/13", AddressFamily.InterNetworkV6, out _, out error));
        Assert.Contains("is IPv4 where IPv6 was expected", error);
        Assert.True(CidrParser.TryParse("104.16.0.0/13", AddressFamily.InterNetwork, out var network, out _));
        Assert.True(network.Contains(IPAddress.Parse("104.23.255.255")));
    }
}
