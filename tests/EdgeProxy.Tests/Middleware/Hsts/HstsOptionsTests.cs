using EdgeProxy.Middleware.Hsts;

namespace EdgeProxy.Tests.Middleware.Hsts;

public sealed class HstsOptionsTests
{
    [Fact]
    public void Defaults_to_one_year_with_subdomains() =>
        Assert.Equal("max-age=31536000; includeSubDomains", new HstsOptions().HeaderValue);

    [Fact]
    public void Preload_is_opt_in() =>
        Assert.Equal("max-age=31536000; includeSubDomains; preload", new HstsOptions { Preload = true }.HeaderValue);
}
