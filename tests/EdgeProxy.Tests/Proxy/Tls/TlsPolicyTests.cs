using EdgeProxy.Tls;

namespace EdgeProxy.Tests.Proxy.Tls;

public sealed class TlsPolicyTests
{
    private static TlsPolicy? Custom(string[] protocols, string[] suites, out IReadOnlyList<string> errors) =>
        TlsPolicy.Resolve(new TlsOptions { Profile = TlsProfile.Custom, Protocols = [.. protocols], CipherSuites = [.. suites] }, out errors);

    [Fact]
    public void Intermediate_is_tls12_and_13_with_ecdhe_aead_suites_only()
    {
        var policy = TlsPolicy.Resolve(new TlsOptions(), out var errors)!;
        Assert.Empty(errors);
        var config = policy.ToOpenSslConfig();
        Assert.Contains("MinProtocol = TLSv1.2", config);
        Assert.Contains("MaxProtocol = TLSv1.3", config);
        Assert.Contains("CipherString = ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305", config);
        Assert.Contains("Ciphersuites = TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256", config);
        Assert.Contains("Groups = X25519:P-256:P-384", config);
        Assert.Contains("system_default = edgeproxy_tls", config);
    }

    [Fact]
    public void Modern_is_tls13_only()
    {
        var config = TlsPolicy.Resolve(new TlsOptions { Profile = TlsProfile.Modern }, out _)!.ToOpenSslConfig();
        Assert.Contains("MinProtocol = TLSv1.3", config);
        Assert.Contains("MaxProtocol = TLSv1.3", config);
    }

    [Theory]
    [InlineData("TLS_RSA_WITH_AES_128_GCM_SHA256", "static RSA key exchange")]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "CBC mode")]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "CBC mode")]
    [InlineData("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "finite-field Diffie-Hellman")]
    [InlineData("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "DES/3DES")]
    [InlineData("TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", "DES/3DES")]
    [InlineData("TLS_ECDHE_RSA_WITH_RC4_128_SHA", "RC4")]
    [InlineData("TLS_ECDHE_RSA_WITH_NULL_SHA", "no encryption")]
    [InlineData("TLS_DH_anon_WITH_AES_128_GCM_SHA256", "anonymous")]
    [InlineData("TLS_RSA_EXPORT_WITH_RC4_40_MD5", "export-grade")]
    public void Weak_suites_are_refused_with_the_reason(string suite, string reason)
    {
        Assert.Null(Custom(["Tls12", "Tls13"], ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", suite], out var errors));
        var error = Assert.Single(errors);
        Assert.StartsWith("EdgeProxy:Tls:CipherSuites:2:", error);
        Assert.Contains("weak and never offered", error);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void Unknown_names_protocols_and_empty_protocols_are_refused()
    {
        Assert.Null(Custom(["Tls11", "Tls13"], ["TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"], out var errors));
        Assert.Contains(errors, e => e.StartsWith("EdgeProxy:Tls:Protocols:0: 'Tls11' is not allowed", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("EdgeProxy:Tls:CipherSuites:1: 'ECDHE-RSA-AES128-GCM-SHA256' is not a cipher suite name", StringComparison.Ordinal));

        Assert.Null(Custom([], ["TLS_AES_128_GCM_SHA256"], out errors));
        Assert.Contains(errors, e => e.Contains("Custom needs at least one", StringComparison.Ordinal));
    }

    [Fact]
    public void An_enabled_protocol_without_suites_is_refused_before_it_breaks_every_handshake()
    {
        Assert.Null(Custom(["Tls12", "Tls13"], ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"], out var errors));
        Assert.Contains(errors, e => e.Contains("Tls13 is enabled but no TLS 1.3 suite is listed", StringComparison.Ordinal) && e.Contains("RequireEncryption", StringComparison.Ordinal));

        Assert.Null(Custom(["Tls12"], ["TLS_AES_128_GCM_SHA256"], out errors));
        Assert.Contains(errors, e => e.Contains("Tls12 is enabled but no TLS 1.2 suite is listed", StringComparison.Ordinal));
    }

    [Fact]
    public void Protocols_and_suites_outside_custom_are_a_mistake()
    {
        Assert.Null(TlsPolicy.Resolve(new TlsOptions { Profile = TlsProfile.Modern, CipherSuites = ["TLS_AES_128_GCM_SHA256"] }, out var errors));
        Assert.Contains("apply only with EdgeProxy:Tls:Profile=Custom", Assert.Single(errors));
    }

    [Fact]
    public void A_valid_custom_policy_keeps_only_what_is_listed()
    {
        var policy = Custom(["Tls12", "Tls13"], ["TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256"], out var errors)!;
        Assert.Empty(errors);
        var config = policy.ToOpenSslConfig();
        Assert.Contains("CipherString = ECDHE-ECDSA-CHACHA20-POLY1305\n", config.ReplaceLineEndings("\n"));
        Assert.Contains("Ciphersuites = TLS_CHACHA20_POLY1305_SHA256\n", config.ReplaceLineEndings("\n"));
    }
}
