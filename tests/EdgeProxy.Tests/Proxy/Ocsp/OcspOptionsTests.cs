using EdgeProxy.Ocsp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using EdgeProxy.Common;

namespace EdgeProxy.Tests.Proxy.Ocsp;

/// <summary>OCSP's own options read the <c>EdgeProxy:Tls</c> keys operators already use.</summary>
public sealed class OcspOptionsTests
{
    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddOcspStapling();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void The_keys_are_read_from_the_tls_section_with_the_same_defaults()
    {
        using var defaults = Services([]);
        Assert.Equal(OcspStaplingMode.True, defaults.GetRequiredService<IOptions<OcspOptions>>().Value.OcspStapling);
        Assert.Equal(TimeSpan.FromMinutes(1), defaults.GetRequiredService<IOptions<OcspOptions>>().Value.OcspRetryInterval);

        using var configured = Services(new() { ["EdgeProxy:Tls:OcspStapling"] = "Required", ["EdgeProxy:Tls:OcspRetryInterval"] = "00:00:05" });
        var options = configured.GetRequiredService<IOptions<OcspOptions>>().Value;
        Assert.Equal(OcspStaplingMode.Required, options.OcspStapling);
        Assert.Equal(TimeSpan.FromSeconds(5), options.OcspRetryInterval);
    }

    [Fact]
    public void A_value_that_is_no_mode_is_refused_naming_the_key()
    {
        using var services = Services(new() { ["EdgeProxy:Tls:OcspStapling"] = "sometimes" });
        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptions<OcspOptions>>().Value);
        Assert.Contains("'EdgeProxy:Tls:OcspStapling'", error.Message);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    public void A_retry_interval_that_is_not_positive_is_refused(string interval)
    {
        using var services = Services(new() { ["EdgeProxy:Tls:OcspRetryInterval"] = interval });
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OcspOptions>>().Value);
        Assert.Equal(["EdgeProxy:Tls:OcspRetryInterval must be positive"], error.Failures);
    }

    [Fact]
    public void Adding_ocsp_stapling_twice_registers_it_once()
    {
        var services = new ServiceCollection();
        services.AddOcspStapling();
        var once = services.Select(d => d.ServiceType).ToList();

        services.AddOcspStapling();

        Assert.Equal(once, services.Select(d => d.ServiceType));
        Assert.Single(services, d => d.ServiceType == typeof(OcspStapler));
        Assert.Single(services, d => d.ServiceType == typeof(IStatusSection));
        Assert.Single(services, d => d.ServiceType == typeof(IMetricsPublisher));
    }
}
