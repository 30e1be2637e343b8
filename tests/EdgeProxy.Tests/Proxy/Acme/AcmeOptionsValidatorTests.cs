using EdgeProxy.Acme;
using EdgeProxy.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;

namespace EdgeProxy.Tests.Proxy.Acme;

/// <summary>What start-up and <c>--check</c> refuse in <c>EdgeProxy:Acme</c>, each error naming its key.</summary>
public sealed class AcmeOptionsValidatorTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private IConfiguration _configuration = new ConfigurationBuilder().Build();

    private IReadOnlyList<string> Errors(AcmeOptions options) =>
        new AcmeOptionsValidator(new HostingEnvironment { ContentRootPath = _directory.Path }, _configuration).Validate(null, options).Failures?.ToList() ?? [];

    private static AcmeOptions Valid(params (string Name, AcmeCertificateOptions Certificate)[] certificates)
    {
        var options = new AcmeOptions { Enabled = true, AcceptTermsOfService = true, Email = "ops@example.com" };
        foreach (var (name, certificate) in certificates)
        {
            options.Certificates[name] = certificate;
        }

        return options;
    }

    private static AcmeCertificateOptions Certificate(AcmeChallengeType challenge, params string[] names) => new() { Names = [.. names], Challenge = challenge };

    private static AcmeDns01Options Dns(string? token = "t") => new() { ApiToken = token };

    [Fact]
    public void Http3_on_a_public_endpoint_is_refused()
    {
        _configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Kestrel:Endpoints:Https:Protocols"] = "Http1AndHttp2AndHttp3" }).Build();
        var options = Valid(("site", Certificate(AcmeChallengeType.Http01, "example.com")));

        var errors = Errors(options);

        Assert.Contains(errors, e => e.StartsWith("EdgeProxy:Acme:Enabled: Kestrel:Endpoints:Https:Protocols enables HTTP/3", StringComparison.Ordinal));
    }

    [Fact]
    public void A_complete_configuration_is_accepted()
    {
        var options = Valid(("site", Certificate(AcmeChallengeType.Http01, "example.com", "www.example.com")),
            ("alpn", Certificate(AcmeChallengeType.TlsAlpn01, "direct.example.com")),
            ("wild", Certificate(AcmeChallengeType.Dns01, "*.example.org", "example.org")));
        options.Dns01 = new AcmeDns01Options { ApiToken = "t", Resolvers = ["1.1.1.1", "127.0.0.1:5353", "[::1]:53"], ApiUrl = "http://127.0.0.1:8080/client/v4" };
        Assert.Empty(Errors(options));
    }

    [Fact]
    public void Nothing_is_checked_while_disabled() =>
        Assert.Empty(Errors(new AcmeOptions { Enabled = false, Certificates = { ["x"] = Certificate(AcmeChallengeType.Http01, "not a name") } }));

    [Fact]
    public void Terms_not_accepted_are_refused()
    {
        var options = Valid(("site", Certificate(AcmeChallengeType.Http01, "example.com")));
        options.AcceptTermsOfService = false;
        Assert.StartsWith("EdgeProxy:Acme:AcceptTermsOfService: must be true", Assert.Single(Errors(options)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Http01")]
    [InlineData("TlsAlpn01")]
    public void A_wildcard_without_dns01_is_refused(string challenge) =>
        Assert.Equal($"EdgeProxy:Acme:Certificates:wild:Names:1: the wildcard '*.example.com' can only be proven with Challenge Dns01, not {challenge}",
            Assert.Single(Errors(Valid(("wild", Certificate(Enum.Parse<AcmeChallengeType>(challenge), "example.com", "*.example.com"))))));

    [Theory]
    [InlineData("localhost")]
    [InlineData("192.168.1.10")]
    [InlineData("example..com")]
    [InlineData("-bad.example.com")]
    [InlineData("bad_label.example.com")]
    [InlineData("a.*.example.com")]
    [InlineData("**.example.com")]
    [InlineData("exa mple.com")]
    [InlineData("https://example.com")]
    [InlineData("")]
    public void Names_that_are_not_dns_names_are_refused(string name)
    {
        var options = Valid(("site", Certificate(AcmeChallengeType.Dns01, name)));
        options.Dns01 = Dns();
        Assert.StartsWith($"EdgeProxy:Acme:Certificates:site:Names:0: '{name}' is not a DNS name", Assert.Single(Errors(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_certificate_without_names_is_refused() =>
        Assert.Equal("EdgeProxy:Acme:Certificates:site:Names: lists no name", Assert.Single(Errors(Valid(("site", Certificate(AcmeChallengeType.Http01))))));

    [Fact]
    public void Dns01_without_dns01_settings_is_refused() =>
        Assert.StartsWith("EdgeProxy:Acme:Certificates:wild:Challenge: Dns01 needs EdgeProxy:Acme:Dns01",
            Assert.Single(Errors(Valid(("wild", Certificate(AcmeChallengeType.Dns01, "*.example.com"))))), StringComparison.Ordinal);

    [Fact]
    public void Dns01_without_a_token_is_refused()
    {
        var options = Valid(("wild", Certificate(AcmeChallengeType.Dns01, "*.example.com")));
        options.Dns01 = Dns(token: null);
        Assert.StartsWith("EdgeProxy:Acme:Dns01:ApiToken: no API token", Assert.Single(Errors(options)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_token_file_that_does_not_exist_and_both_token_kinds_are_refused()
    {
        var options = Valid();
        options.Dns01 = new AcmeDns01Options { ApiTokenFile = "missing-token" };
        Assert.Equal("EdgeProxy:Acme:Dns01:ApiTokenFile: 'missing-token' does not exist", Assert.Single(Errors(options)));

        File.WriteAllText(_directory.File("token"), "secret");
        options.Dns01 = new AcmeDns01Options { ApiTokenFile = "token" };
        Assert.Empty(Errors(options));

        options.Dns01 = new AcmeDns01Options { ApiTokenFile = "token", ApiToken = "t" };
        Assert.Equal("EdgeProxy:Acme:Dns01:ApiTokenFile: set either ApiToken or ApiTokenFile, not both", Assert.Single(Errors(options)));
    }

    [Theory]
    [InlineData("http://api.cloudflare.com/client/v4")]
    [InlineData("http://10.0.0.1/client/v4")]
    public void A_plain_http_api_url_off_loopback_is_refused(string url)
    {
        var options = Valid();
        options.Dns01 = new AcmeDns01Options { ApiToken = "t", ApiUrl = url };
        Assert.Equal($"EdgeProxy:Acme:Dns01:ApiUrl: '{url}' must be https:// (plain http:// only on loopback: 127.0.0.0/8, ::1, localhost)", Assert.Single(Errors(options)));
    }

    [Fact]
    public void A_plain_http_directory_off_loopback_and_a_missing_trust_file_are_refused()
    {
        var options = Valid();
        options.DirectoryUrl = "http://acme.example.com/directory";
        options.DirectoryTrust = "no-such.pem";
        var errors = Errors(options);
        Assert.Equal(2, errors.Count);
        Assert.StartsWith("EdgeProxy:Acme:DirectoryUrl: 'http://acme.example.com/directory' must be https://", errors[0], StringComparison.Ordinal);
        Assert.StartsWith("EdgeProxy:Acme:DirectoryTrust: 'no-such.pem' does not exist", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_resolvers_timeout_email_renewal_and_a_name_in_two_certificates_are_refused()
    {
        var options = Valid(("a", Certificate(AcmeChallengeType.Http01, "example.com")), ("b", Certificate(AcmeChallengeType.Http01, "EXAMPLE.com")));
        options.Email = "not-an-address";
        options.RenewBefore = TimeSpan.Zero;
        options.Dns01 = new AcmeDns01Options { ApiToken = "t", Resolvers = ["dns.example.com"], PropagationTimeout = TimeSpan.Zero };
        var errors = Errors(options);
        Assert.Contains("EdgeProxy:Acme:Email: 'not-an-address' is not an e-mail address", errors);
        Assert.Contains(errors, e => e.StartsWith("EdgeProxy:Acme:RenewBefore: ", StringComparison.Ordinal));
        Assert.Contains("EdgeProxy:Acme:Dns01:Resolvers:0: 'dns.example.com' is not an IP address or IP:port", errors);
        Assert.Contains("EdgeProxy:Acme:Dns01:PropagationTimeout: 00:00:00 must be positive", errors);
        Assert.Contains("EdgeProxy:Acme:Certificates:b:Names:0: 'EXAMPLE.com' is already in certificate 'a'; a name is served by one certificate", errors);
        Assert.Equal(5, errors.Count);
    }

    [Fact]
    public void A_certificate_name_that_cannot_be_a_file_name_is_refused() =>
        Assert.StartsWith("EdgeProxy:Acme:Certificates:../x: ",
            Assert.Single(Errors(Valid(("../x", Certificate(AcmeChallengeType.Http01, "example.com"))))), StringComparison.Ordinal);

    public void Dispose() => _directory.Dispose();
}
