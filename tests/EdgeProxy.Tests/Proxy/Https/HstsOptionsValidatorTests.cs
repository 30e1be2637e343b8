using EdgeProxy.Https;
using EdgeProxy.Middleware.Hsts;

namespace EdgeProxy.Tests.Proxy.Https;

public sealed class HstsOptionsValidatorTests
{
    private static IEnumerable<string> Failures(HstsOptions options) =>
        new HstsOptionsValidator().Validate(null, options).Failures ?? [];

    [Fact]
    public void The_defaults_and_preload_with_a_year_and_subdomains_are_valid()
    {
        Assert.Empty(Failures(new HstsOptions()));
        Assert.Empty(Failures(new HstsOptions { Preload = true }));
    }

    [Fact]
    public void Preload_needs_a_year_and_subdomains_and_max_age_is_never_negative()
    {
        Assert.StartsWith("EdgeProxy:Hsts:Preload needs", Assert.Single(Failures(new HstsOptions { Preload = true, MaxAge = TimeSpan.FromDays(30) })));
        Assert.StartsWith("EdgeProxy:Hsts:Preload needs", Assert.Single(Failures(new HstsOptions { Preload = true, IncludeSubDomains = false })));
        Assert.Equal("EdgeProxy:Hsts:MaxAge must not be negative", Assert.Single(Failures(new HstsOptions { MaxAge = TimeSpan.FromSeconds(-1) })));
    }
}
