using EdgeProxy.Cloudflare;
using Microsoft.Extensions.Configuration;

namespace EdgeProxy.Tests.Proxy.Cloudflare;

/// <summary>What <c>--check</c> and start-up say about <c>EdgeProxy:Cloudflare</c>, without starting anything.</summary>
public sealed class CloudflareOptionsValidatorTests
{
    private static IReadOnlyList<string> Errors(CloudflareOptions options) =>
        new CloudflareOptionsValidator().Validate(null, options).Failures?.ToList() ?? [];

    [Theory]
    [InlineData("https://www.cloudflare.com/ips-v4")]
    [InlineData("https://mirror.example/ips")]
    [InlineData("http://127.0.0.1:8080/ips-v4")]
    [InlineData("http://127.8.9.10/ips-v4")]
    [InlineData("http://[::1]:8080/ips-v6")]
    [InlineData("http://localhost:8080/client/v4/ips")]
    [InlineData("http://LOCALHOST/ips")]
    public void Https_sources_and_plain_http_on_loopback_are_accepted(string url) =>
        Assert.Empty(Errors(new CloudflareOptions { Sources = [url] }));

    [Theory]
    [InlineData("http://example.invalid/ips")]
    [InlineData("http://www.cloudflare.com/ips-v4")]
    [InlineData("http://10.0.0.1/ips")]
    [InlineData("http://[::ffff:10.0.0.1]/ips")]
    [InlineData("http://localhost.example/ips")]
    [InlineData("http://0.0.0.0/ips")]
    public void Plain_http_elsewhere_is_refused_naming_the_key(string url)
    {
        var errors = Errors(new CloudflareOptions { Sources = ["https://www.cloudflare.com/ips-v4", url] });

        Assert.Equal($"EdgeProxy:Cloudflare:Sources:1: '{url}' must be https:// (plain http:// only for a loopback mirror: 127.0.0.0/8, ::1, localhost)", Assert.Single(errors));
    }

    [Fact]
    public void Forbidden_ranges_must_be_cidrs_and_each_error_names_its_key()
    {
        var errors = Errors(new CloudflareOptions { ForbiddenRanges = ["10.0.0.0/8", "fc00::/7", "192.168.0.0", "not a range"] });

        Assert.Equal(2, errors.Count);
        Assert.StartsWith("EdgeProxy:Cloudflare:ForbiddenRanges:2: '192.168.0.0' has no prefix length", errors[0]);
        Assert.StartsWith("EdgeProxy:Cloudflare:ForbiddenRanges:3: ", errors[1]);
    }

    [Fact]
    public void The_default_forbidden_ranges_are_valid() =>
        Assert.Empty(Errors(new CloudflareOptions { ForbiddenRanges = [.. CloudflareOptions.DefaultForbiddenRanges] }));

    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(100, true)]
    [InlineData(1000, true)]
    public void MaxGrowthPercent_must_not_be_negative(int percent, bool valid)
    {
        var errors = Errors(new CloudflareOptions { MaxGrowthPercent = percent });

        if (valid)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal($"EdgeProxy:Cloudflare:MaxGrowthPercent: {percent} must be 0 or more", Assert.Single(errors));
        }
    }

    [Fact]
    public void A_configured_forbidden_list_replaces_the_defaults_instead_of_adding_to_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EdgeProxy:Cloudflare:ForbiddenRanges:0"] = "45.0.0.0/8",
        }).Build();
        var configured = configuration.GetSection(CloudflareOptions.SectionName).Get<CloudflareOptions>()!;
        var unset = new ConfigurationBuilder().Build().GetSection(CloudflareOptions.SectionName).Get<CloudflareOptions>() ?? new CloudflareOptions();

        Assert.Equal(["45.0.0.0/8"], configured.EffectiveForbiddenRanges);
        Assert.Equal(CloudflareOptions.DefaultForbiddenRanges, unset.EffectiveForbiddenRanges);
        Assert.Equal(100, unset.MaxGrowthPercent);
    }
}
