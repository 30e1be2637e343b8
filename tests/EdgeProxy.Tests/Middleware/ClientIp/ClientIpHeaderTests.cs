using EdgeProxy.Middleware.ClientIp;
using Microsoft.Extensions.Primitives;

namespace EdgeProxy.Tests.Middleware.ClientIp;

public sealed class ClientIpHeaderTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8::7", "2001:db8::7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    public void A_single_plain_address_is_accepted(string value, string expected)
    {
        Assert.True(ClientIpMiddleware.TryParseSingle(new StringValues(value), out var address));
        Assert.Equal(expected, address.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("203.0.113.7, 198.51.100.1")]
    [InlineData("203.0.113.7,198.51.100.1")]
    [InlineData("garbage")]
    [InlineData("203.0.113.7:8080")]
    [InlineData("[2001:db8::1]:443")]
    [InlineData("[2001:db8::1]")]
    [InlineData("fe80::1%eth0")]
    [InlineData("10.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("203.0.113.7 ")]
    [InlineData("unknown")]
    public void Anything_else_is_malformed(string value) =>
        Assert.False(ClientIpMiddleware.TryParseSingle(new StringValues(value), out _));

    [Fact]
    public void Repeated_or_missing_headers_are_malformed()
    {
        Assert.False(ClientIpMiddleware.TryParseSingle(new StringValues(["203.0.113.7", "203.0.113.8"]), out _));
        Assert.False(ClientIpMiddleware.TryParseSingle(StringValues.Empty, out _));
    }
}
