using EdgeProxy.Middleware.Hsts;

namespace EdgeProxy.Tests.Middleware.Hsts;

public sealed class HstsOptionsTests
{
    [Fact]
    public void Defaults_to_one_year_with_subdomains()
    {
        var options = new HstsOptions();
        Assert.Empty(options.Validate());
        Assert.Equal("max-age=31536000; includeSubDomains", options.HeaderValue);
    }

    [Fact]
    public void Preload_is_opt_in_and_needs_a_year_and_subdomains()
    {
        Assert.Equal("max-age=31536000; includeSubDomains; preload", new HstsOptions { Preload = true }.HeaderValue);
        Assert.Empty(new HstsOptions { Preload = true }.Validate());
        Assert.Contains("Preload needs", Assert.Single(new HstsOptions { Preload = true, MaxAge = TimeSpan.FromDays(30) }.Validate()));
        Assert.Contains("Preload needs", Assert.Single(new HstsOptions { Preload = true, IncludeSubDomains = false }.Validate()));
    }
}
