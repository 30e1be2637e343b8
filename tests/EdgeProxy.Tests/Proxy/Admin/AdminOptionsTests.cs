using EdgeProxy.Admin;

namespace EdgeProxy.Tests.Proxy.Admin;

public sealed class AdminOptionsTests
{
    [Theory]
    [InlineData("http://127.0.0.1:9901")]
    [InlineData("http://localhost:9901")]
    [InlineData("http://[::1]:9901")]
    [InlineData("http://10.1.2.3:0")]
    public void Accepts_http_on_an_address(string url) => Assert.Null(AdminOptions.ValidateUrl(url));

    [Theory]
    [InlineData("https://127.0.0.1:9901", "absolute http://")]
    [InlineData("127.0.0.1:9901", "absolute http://")]
    [InlineData("http://admin.example.com:9901", "IP address or localhost")]
    [InlineData("http://127.0.0.1:9901/admin", "must not have a path")]
    public void Rejects_with_the_key(string url, string expected)
    {
        var error = AdminOptions.ValidateUrl(url);
        Assert.NotNull(error);
        Assert.StartsWith("EdgeProxy:Admin:Url", error);
        Assert.Contains(expected, error);
    }
}
